"""Plumbing of the page benchmark: the throw-away database, gunicorn, wrk.

See bench/pages.py (the benchmark itself) and bench/README.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdefghijklmnop"
# Environment variables of the portal that must not leak from the caller's shell into the
# benchmarked server: the benchmark defines its own configuration.
PORTAL_ENV_PREFIXES = ("DJANGO_", "DATABASE_", "REDIS_", "CACHE_", "CELERY_")
PORTAL_ENV_NAMES = {"STATIC_ROOT", "MEDIA_ROOT", "SITE_URL", "LOG_LEVEL", "MAP_TILE_URL"}


# --- Output helpers ----------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


class BenchError(RuntimeError):
    """The benchmark could not run (as opposed to: it ran and the target was missed)."""


# --- Database ----------------------------------------------------------------------------


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise BenchError(f"The database URL {url!r} names no database.")
    return name


def maintenance_url(url: str) -> str:
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in {"postgres", "postgresql", "pgsql"} else parts.scheme
    return urlunsplit((scheme, parts.netloc, "/postgres", parts.query, ""))


def check_database_url(url: str, allow_any_name: bool) -> None:
    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise BenchError(f"The benchmark needs PostgreSQL, not {scheme!r}.")
    name = database_name(url)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise BenchError(f"Unsupported database name {name!r} (letters, digits and _ only).")
    # The database is dropped: refuse names that do not look like a throw-away one.
    if "bench" not in name.lower() and not allow_any_name:
        raise BenchError(
            f"Refusing to drop and recreate database {name!r}: its name does not contain "
            "'bench'. Pass --allow-any-db-name if you really mean it."
        )


def recreate_database(url: str, *, create: bool = True) -> None:
    import psycopg  # the project's own driver, in the virtualenv

    name = database_name(url)
    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    recreate_database(url, create=False)


# --- Subprocess environment --------------------------------------------------------------


def portal_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(PORTAL_ENV_PREFIXES) and key not in PORTAL_ENV_NAMES
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=BENCH_SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="coalition.settings",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run(command: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    if result.returncode != 0:
        raise BenchError(
            f"{what} failed (exit {result.returncode}):\n{result.stdout[-3000:]}\n"
            f"{result.stderr[-3000:]}"
        )
    return result.stdout


def to_psycopg_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", *parts[1:]))


# --- Server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(
    url: str, timeout: float = 10.0, headers: dict[str, str] | None = None
) -> tuple[int, bytes, dict[str, str]]:
    """One GET with the standard library (smoke test and header checks, not the load)."""
    if not url.startswith("http://127.0.0.1:"):
        raise BenchError(f"Refusing to fetch {url}: loopback only.")
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": "coalition-bench", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


class Server:
    def __init__(self, database_url: str, workers: int, workdir: Path):
        self.database_url = database_url
        self.workers = workers
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "gunicorn.log"
        self.static_root = workdir / "static"
        self.extra_env: dict[str, str] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return portal_env(self.database_url, STATIC_ROOT=str(self.static_root), **self.extra_env)

    def collectstatic(self) -> str:
        """Collect the static files as production does; returns a warning if a workaround
        was needed, else ""."""
        say("Running collectstatic into a temporary STATIC_ROOT ...")
        command = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
        try:
            run(command, self.env(), "manage.py collectstatic")
            return ""
        except BenchError as error:
            if "could not be found" not in str(error) or ".map" not in str(error):
                raise
            first_line = next(
                (line for line in str(error).splitlines() if "could not be found" in line), ""
            )
        # The manifest storage refuses a `sourceMappingURL` pointing to a file that is not
        # shipped. That is a bug of the project's build (the Dockerfile runs the same
        # command), not of the page being measured: collect from a temporary copy of
        # static/ with empty stand-ins for the missing maps, and say so loudly.
        cause = re.sub(r" with <[^>]*>", "", first_line.strip())
        warning = (
            f"PRODUCTION BUG: `DJANGO_DEBUG=0 manage.py collectstatic` fails: {cause} "
            "The benchmark collected from a copy of static/ with empty stand-ins for the "
            "missing source maps."
        )
        say("WARNING: " + warning)
        copy = self.workdir / "static-src"
        shutil.copytree(ROOT / "static", copy)
        for source in [*copy.rglob("*.js"), *copy.rglob("*.css")]:
            text = source.read_text(errors="replace")
            for name in re.findall(r"sourceMappingURL=([\w./-]+\.map)", text):
                stub = source.parent / name
                if not stub.exists():
                    stub.write_text('{"version":3,"sources":[],"names":[],"mappings":""}')
        shutil.rmtree(self.static_root, ignore_errors=True)
        code = (
            "import sys, django; from django.conf import settings; django.setup(); "
            "settings.STATICFILES_DIRS = [sys.argv[1]]; "
            "from django.core.management import call_command; "
            "call_command('collectstatic', interactive=False, verbosity=0)"
        )
        run([sys.executable, "-c", code, str(copy)], self.env(), "collectstatic (workaround)")
        return warning

    def start(self) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        if not gunicorn.exists():
            raise BenchError(f"gunicorn not found next to {sys.executable}.")
        command = [
            str(gunicorn),
            "bench.server_wsgi:application",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
        ]
        say(f"Starting gunicorn ({self.workers} sync workers) on {self.base_url} ...")
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, to stop it and its workers
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                status, _body, _headers = fetch(self.base_url + "/healthz/", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer /healthz/ within 30 s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        say("Stopping gunicorn ...")
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def prepare_database(database_url: str, count: int, seed: int) -> dict:
    say(f"Recreating database {database_name(database_url)} ...")
    recreate_database(database_url)
    env = portal_env(database_url)
    say("Running migrations ...")
    run([sys.executable, "manage.py", "migrate", "--noinput"], env, "manage.py migrate")
    say(f"Loading {count} municipalities, a call with its applications, projects ...")
    code = "import sys; from bench import dataset; dataset.main(int(sys.argv[1]), int(sys.argv[2]))"
    output = run([sys.executable, "-c", code, str(count), str(seed)], env, "loading the data set")
    for line in output.splitlines():
        if line.startswith("BENCH_SUMMARY "):
            summary = json.loads(line.removeprefix("BENCH_SUMMARY "))
            break
    else:
        raise BenchError(f"The data loader printed no summary:\n{output[-2000:]}")
    import psycopg

    with psycopg.connect(to_psycopg_url(database_url), autocommit=True) as connection:
        # Fresh statistics and visibility maps, as autovacuum keeps a long-lived database's
        # (counts read from an index alone need the latter).
        connection.execute("VACUUM ANALYZE")
    return summary


# --- Load: wrk ---------------------------------------------------------------------------

# With `uncached`, every request carries a query parameter of its own, so no cache of the
# portal can answer it; `non200` counts answers other than 200.
WRK_SCRIPT = """
local threads = {}
local counter = 0
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  non200 = 0
  uncached = args[1] == "uncached"
end
function request()
  if not uncached then return wrk.request() end
  counter = counter + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "bench_nocache=" .. tid .. "-" .. counter)
end
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non200") end
  local e = summary.errors
  io.write(string.format(
    'BENCH_WRK {"requests": %d, "duration_us": %d, "non200": %d, "socket": %d, ' ..
    '"p50_us": %d, "p95_us": %d}\\n',
    summary.requests, summary.duration, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""


def wrk_path() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed (Debian: apt-get install wrk).")
    return wrk


def run_wrk(
    script: Path,
    url: str,
    *,
    connections: int,
    seconds: int,
    uncached: bool,
    cookie: str = "",
) -> dict:
    """Drive `url` for `seconds` with wrk; returns requests, req/s, latencies, errors."""
    command = [wrk_path(), "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "20s"]
    command += ["-H", "User-Agent: coalition-bench", "-H", "Accept-Encoding: gzip"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command += ["-s", str(script), url, "--", "uncached" if uncached else "cached"]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 90, check=False
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_WRK "):
            raw = json.loads(line.removeprefix("BENCH_WRK "))
            duration = raw["duration_us"] / 1e6
            raw["rps"] = raw["requests"] / duration if duration else 0.0
            raw["errors"] = raw["non200"] + raw["socket"]
            return raw
    raise BenchError(f"wrk failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
