"""Where one page's time goes: its SQL with timings, its time per request, and a profile.

Run from the project root on a database kept by the page benchmark:

    .venv/bin/python bench/pages.py --quick --keep-db      # once: loads coalition_perf_bench
    .venv/bin/python bench/profile_page.py /members/ --uncached
    .venv/bin/python bench/profile_page.py /projects/ --uncached --profile tottime
    .venv/bin/python bench/profile_page.py /members/alamos-2/ --repeat 500

It sets the portal up in this process with the benchmark's settings (DEBUG off, no Redis, the
database of `--database-url`), requests the page through Django's test client as an anonymous
visitor (`--cookie` to be someone), and prints each SQL statement of one request with its time,
then the wall and CPU milliseconds per request over `--repeat` requests, then (`--profile`) the
cProfile of those requests sorted by `cumulative` or `tottime`. `--uncached` adds a query
parameter of its own to every request, as the benchmark's uncached pages do, so no stored page
or fragment answers. Nothing is written to the database.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.pages import DEFAULT_DATABASE_URL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="the page, e.g. /members/")
    parser.add_argument("--uncached", action="store_true", help="a unique parameter per request")
    parser.add_argument("--repeat", type=int, default=200, help="requests timed (default 200)")
    parser.add_argument("--profile", choices=("cumulative", "tottime"), help="print a profile")
    parser.add_argument("--lines", type=int, default=40, help="profile lines (default 40)")
    parser.add_argument("--cookie", default="", help="a Cookie header, e.g. sessionid=...")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    args = parser.parse_args()

    static_root = tempfile.mkdtemp(prefix="coalition-profile-static-")
    try:
        profile(args, static_root)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def profile(args: argparse.Namespace, static_root: str) -> None:
    os.environ.update(harness.portal_env(args.database_url, STATIC_ROOT=static_root))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    import coalition.wsgi  # noqa: F401 - Django set up as in a web process (see its docstring)

    call_command("collectstatic", interactive=False, verbosity=0)
    headers = {"HTTP_HOST": "127.0.0.1"}
    if args.cookie:
        headers["HTTP_COOKIE"] = args.cookie
    client = Client(**headers)
    counter = 0

    def get() -> None:
        nonlocal counter
        counter += 1
        path = args.path
        if args.uncached:
            path += ("&" if "?" in path else "?") + f"profile_nocache={counter}"
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)

    statements: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append(((time.perf_counter() - started) * 1000, sql))

    for _ in range(20):
        get()  # warm-up: connections, templates, stored copies
    with connection.execute_wrapper(timed):
        get()
    print(f"{len(statements)} queries of one request (ms, statement):")
    for ms, sql in statements:
        print(f"  {ms:6.2f}  {sql[:160]}")

    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.repeat):
        get()
    wall = (time.perf_counter() - started) / args.repeat * 1000
    cpu = (time.process_time() - cpu) / args.repeat * 1000
    print(f"per request over {args.repeat}: {wall:.2f} ms wall, {cpu:.2f} ms CPU")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            get()
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.profile).print_stats(args.lines)


if __name__ == "__main__":
    main()
