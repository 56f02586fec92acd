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

`--instructions N` counts instead the CPU instructions that N requests execute in the web
process (valgrind's cachegrind, Debian package `valgrind`): the same process is run twice,
with its warm-up requests alone and with N more, and the difference is divided by N. Unlike a
time, that figure does not depend on what else the machine runs, so two versions of a page can
be compared on a busy machine (SQL is PostgreSQL's work, not counted; about a minute per run).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.pages import DEFAULT_DATABASE_URL

WARM_UP = 20  # requests before any measure: connections, templates, stored copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="the page, e.g. /members/")
    parser.add_argument("--uncached", action="store_true", help="a unique parameter per request")
    parser.add_argument("--repeat", type=int, default=200, help="requests timed (default 200)")
    parser.add_argument("--profile", choices=("cumulative", "tottime"), help="print a profile")
    parser.add_argument("--lines", type=int, default=40, help="profile lines (default 40)")
    parser.add_argument("--cookie", default="", help="a Cookie header, e.g. sessionid=...")
    parser.add_argument(
        "--instructions",
        type=int,
        metavar="N",
        help="count the CPU instructions of N requests (valgrind) instead of timing them",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    # Internal: the process that --instructions runs under valgrind.
    parser.add_argument("--requests-only", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.requests_only is not None:
        get = portal_client(args, os.environ["STATIC_ROOT"], collect_static=False)
        for _ in range(args.requests_only):
            get()
        return
    static_root = tempfile.mkdtemp(prefix="coalition-profile-static-")
    try:
        get = portal_client(args, static_root)
        if args.instructions:
            count_instructions(args, static_root)
        else:
            profile(args, get)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def portal_client(
    args: argparse.Namespace, static_root: str, *, collect_static: bool = True
) -> Callable[[], None]:
    """The portal set up in this process with the benchmark's settings; and a function that
    requests the page once (with a parameter of its own if `--uncached`)."""
    os.environ.update(harness.portal_env(args.database_url, STATIC_ROOT=static_root))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    from django.core.management import call_command
    from django.test import Client

    import coalition.wsgi  # noqa: F401 - Django set up as in a web process (see its docstring)

    if collect_static:
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

    return get


def count_instructions(args: argparse.Namespace, static_root: str) -> None:
    def instructions(requests: int) -> int:
        command = [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            __file__,
            args.path,
            f"--requests-only={requests}",
            f"--database-url={args.database_url}",
            f"--cookie={args.cookie}",
            *(["--uncached"] if args.uncached else []),
        ]
        environment = {**os.environ, "STATIC_ROOT": static_root}
        try:
            run = subprocess.run(command, env=environment, capture_output=True, text=True)
        except FileNotFoundError:
            raise SystemExit("valgrind is not installed (apt-get install valgrind)") from None
        counted = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
        if run.returncode != 0 or counted is None:
            raise SystemExit(f"the counted run failed:\n{run.stderr[-3000:]}")
        return int(counted.group(1).replace(",", ""))

    warmed_up = instructions(WARM_UP)
    measured = instructions(WARM_UP + args.instructions)
    per_request = (measured - warmed_up) / args.instructions
    print(f"instructions per request over {args.instructions}: {per_request / 1e6:.2f} million")


def profile(args: argparse.Namespace, get: Callable[[], None]) -> None:
    from django.db import connection

    statements: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append(((time.perf_counter() - started) * 1000, sql))

    for _ in range(WARM_UP):
        get()
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
