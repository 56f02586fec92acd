"""Server time of each page, in process: Django's test client against the benchmark database,
with the settings gunicorn runs with (DEBUG off), one page after the other, nothing else of
the benchmark running. Also the number of SQL queries of each page, and both at several
numbers of listed cities (the extra ones are unlisted inside a transaction rolled back), and
the statements themselves, which `bench.server_wsgi` replays to measure a page's SQL alone.

Server time is the work of one request: the CPU time of this process plus the time of its
SQL statements as the driver sees them (median of the repetitions), as bench/ranking_bench.py
counts it. It does not count time spent waiting for a core, which on a machine shared with
other work would otherwise make the figure depend on the neighbours; the wall-clock median is
reported beside it.

Run by pages.py in a child process: `python -c "from bench import server_time; ..."`.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Rollback(Exception):
    pass


def measure(pages: list[dict], sizes: list[int], repeat: int, keep: list[str]) -> dict:
    from django.db import connection, transaction
    from django.test import Client

    from municipalities.models import Municipality

    counter = 0
    sql: list[float] = []
    statements: list[str] = []

    def sql_recorder(execute, query, params, many, context):
        # The statement with its parameters written in: replayed, PostgreSQL plans it as it
        # plans the portal's (and prepares it as well once the connection has repeated it).
        statements.append(query if params is None else connection.ops.compose_sql(query, params))
        return execute(query, params, many, context)

    def sql_timer(execute, query, params, many, context):
        # The time the database took, as the driver sees it (the web process waits then).
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql.append(time.perf_counter() - started)

    def get(client: Client, page: dict) -> tuple[int, int]:
        nonlocal counter
        path = page["path"]
        if page["uncached"]:
            counter += 1
            path += ("&" if "?" in path else "?") + f"bench_nocache=st-{counter}"
        response = client.get(path)
        size = (
            sum(len(chunk) for chunk in response.streaming_content)
            if response.streaming
            else len(response.content)
        )
        return response.status_code, size

    results: dict = {}
    # The cities of `keep` (the profile measured) come first: they stay listed at every size.
    listed = list(
        Municipality.objects.filter(is_listed=True, slug__in=keep).values_list("id", flat=True)
    )
    listed += list(
        Municipality.objects.filter(is_listed=True)
        .exclude(slug__in=keep)
        .order_by("id")
        .values_list("id", flat=True)
    )
    for size in sizes:
        # Each size unlists cities in a transaction that is rolled back, which leaves a dead
        # copy of every row it touched (as does a reused database's earlier run): clear them,
        # as autovacuum does on a live database, so that no size pays for another's.
        with connection.cursor() as cursor:
            cursor.execute(f'VACUUM ANALYZE "{Municipality._meta.db_table}"')
        try:
            with transaction.atomic():
                if size < len(listed):
                    Municipality.objects.filter(id__in=listed[size:]).update(is_listed=False)
                for page in pages:
                    headers = {"HTTP_HOST": "127.0.0.1", "HTTP_ACCEPT_ENCODING": "gzip"}
                    if page.get("cookie"):
                        headers["HTTP_COOKIE"] = page["cookie"]
                    client = Client(**headers)
                    status, body = get(client, page)  # warm-up (and the cached copy)
                    if status != 200:
                        raise RuntimeError(f"{page['path']} answered {status} in process")
                    sql.clear()
                    statements.clear()
                    with (
                        connection.execute_wrapper(sql_timer),
                        connection.execute_wrapper(sql_recorder),
                    ):
                        get(client, page)
                    queries = list(sql)
                    walls, works = [], []
                    for _ in range(repeat):
                        sql.clear()
                        started, cpu = time.perf_counter(), time.process_time()
                        with connection.execute_wrapper(sql_timer):
                            get(client, page)
                        walls.append((time.perf_counter() - started) * 1000)
                        works.append((time.process_time() - cpu) * 1000 + sum(sql) * 1000)
                    results.setdefault(page["key"], {})[str(size)] = {
                        "median_ms": statistics.median(works),
                        "wall_ms": statistics.median(walls),
                        "queries": len(queries),
                        "statements": list(statements),
                        "bytes": body,
                    }
                raise _Rollback
        except _Rollback:
            pass
    return results


def main(spec_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    # The process as gunicorn runs it: Django set up by the WSGI module, which also loads and
    # freezes the objects that live as long as the process (see coalition.wsgi).
    import coalition.wsgi  # noqa: F401

    spec = json.loads(Path(spec_path).read_text())
    result = measure(spec["pages"], spec["sizes"], spec["repeat"], spec["keep"])
    print("BENCH_SERVER_TIME " + json.dumps(result), flush=True)
