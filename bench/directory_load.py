"""Load benchmark of the public member directory, against PostgreSQL and gunicorn.

Run from the project root with the project's virtualenv:

    .venv/bin/python bench/directory_load.py [--json] [--keep-db] [--duration 10]

It (1) drops and recreates a dedicated PostgreSQL database (``coalition_bench`` by default),
migrates it and loads 2,000 realistic municipalities; (2) runs collectstatic into a temporary
directory and starts gunicorn (2 sync workers, DEBUG off, no Redis) on a free loopback port;
(3) drives each page for a fixed time with a fixed number of concurrent connections, using
``wrk`` when it is installed and a built-in asyncio HTTP client otherwise; (4) prints
throughput, latency median / p95 and non-200 counts, and the verdict on the target: the
directory page must reach at least 25 % of the trivial view's throughput with no errors.

Exit status: 0 target met, 1 target missed, 2 the benchmark itself failed.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/coalition_bench"
TARGET_RATIO = 0.25
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


# --- Data set (runs in a child process with Django set up: see --load-data) ----------------

CL_REGIONS = {
    "Región de Arica y Parinacota": ["Arica", "Parinacota"],
    "Región de Tarapacá": ["Iquique", "Tamarugal"],
    "Región de Antofagasta": ["Antofagasta", "El Loa", "Tocopilla"],
    "Región de Atacama": ["Copiapó", "Chañaral", "Huasco"],
    "Región de Coquimbo": ["Elqui", "Limarí", "Choapa"],
    "Región de Valparaíso": ["Valparaíso", "San Antonio", "Quillota", "Los Andes"],
    "Región Metropolitana de Santiago": ["Santiago", "Cordillera", "Maipo", "Talagante"],
    "Región del Libertador General Bernardo O'Higgins": ["Cachapoal", "Colchagua"],
    "Región del Maule": ["Talca", "Curicó", "Linares", "Cauquenes"],
    "Región de Ñuble": ["Diguillín", "Itata", "Punilla"],
    "Región del Biobío": ["Concepción", "Arauco", "Biobío"],
    "Región de La Araucanía": ["Cautín", "Malleco"],
    "Región de Los Ríos": ["Valdivia", "Ranco"],
    "Región de Los Lagos": ["Llanquihue", "Osorno", "Chiloé", "Palena"],
    "Región de Aysén": ["Coyhaique", "Aysén", "General Carrera"],
    "Región de Magallanes": ["Magallanes", "Última Esperanza", "Tierra del Fuego"],
}
AR_PROVINCES = [
    "Buenos Aires",
    "Catamarca",
    "Chaco",
    "Chubut",
    "Córdoba",
    "Corrientes",
    "Entre Ríos",
    "Formosa",
    "Jujuy",
    "La Pampa",
    "La Rioja",
    "Mendoza",
    "Misiones",
    "Neuquén",
    "Río Negro",
    "Salta",
    "San Juan",
    "San Luis",
    "Santa Cruz",
    "Santa Fe",
    "Santiago del Estero",
    "Tierra del Fuego",
    "Tucumán",
]
NAME_PREFIXES = [
    "San",
    "Santa",
    "Villa",
    "Puerto",
    "General",
    "Los",
    "Las",
    "La",
    "El",
    "Nueva",
    "Alto",
    "Río",
    "Colonia",
]
NAME_ROOTS = [
    "Bernardo",
    "Pedro",
    "Vicente",
    "Miguel",
    "Ramón",
    "Fernando",
    "Carlos",
    "Rosario",
    "Esperanza",
    "Carmen",
    "Alamos",
    "Ángeles",
    "Quilpué",
    "Peñaflor",
    "Maipú",
    "Pirque",
    "Paine",
    "Tandil",
    "Olavarría",
    "Junín",
    "Rafaela",
    "Concordia",
    "Gualeguaychú",
    "Pergamino",
    "Zárate",
    "Campana",
    "Luján",
    "Chivilcoy",
    "Ñuñoa",
    "Curacaví",
    "Lampa",
    "Colina",
    "Tiltil",
    "Melipilla",
    "Rengo",
    "Chimbarongo",
    "Molina",
    "Parral",
    "Yungay",
    "Tomé",
    "Lota",
    "Cañete",
    "Angol",
    "Victoria",
    "Lautaro",
    "Pucón",
    "Frutillar",
    "Ancud",
    "Castro",
    "Quellón",
    "Belgrano",
    "Sarmiento",
    "Alvear",
    "Mitre",
    "Lavalle",
    "Urquiza",
    "Güemes",
    "Roca",
]
PROGRAMMES = [
    ("vanguardia-2025", "Municipios a la vanguardIA"),
    ("datos-abiertos", "Datos abiertos municipales"),
    ("ia-responsable", "Laboratorio de IA responsable"),
    ("gobierno-digital", "Ventanilla digital única"),
]
# Rough bounding boxes (lat_min, lat_max, lon_min, lon_max).
BOXES = {"CL": (-53.0, -18.5, -73.5, -68.5), "AR": (-54.0, -22.0, -68.5, -57.0)}


def load_data(count: int, seed: int) -> dict:
    """Create the chapters, programmes and `count` municipalities; returns a summary.

    Runs inside a process where Django is set up against the benchmark database."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from coalition.models import Chapter
    from municipalities.models import Membership, Municipality, Programme, fold

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        chapters = {
            "CL": Chapter.objects.create(
                slug="ciar-chile",
                name="CIAR Chile",
                country="CL",
                time_zone="America/Santiago",
                description="Coalición de municipios por una inteligencia artificial responsable.",
            ),
            "AR": Chapter.objects.create(
                slug="ciiar-argentina",
                name="CIIAR Argentina",
                country="AR",
                time_zone="America/Argentina/Buenos_Aires",
                default_language="es",
                description="Coalición de ciudades por la inteligencia artificial responsable.",
            ),
        }
        programmes = [
            Programme.objects.create(slug=slug, name=name, description=f"Programa {name}.")
            for slug, name in PROGRAMMES
        ]

        municipalities = []
        slugs: set[str] = set()
        for _ in range(count):
            country = "CL" if rng.random() < 0.55 else "AR"
            if country == "CL":
                region = rng.choice(list(CL_REGIONS))
                province = "Provincia de " + rng.choice(CL_REGIONS[region])
            else:
                region = "Provincia de " + rng.choice(AR_PROVINCES)
                province = rng.choice(["Partido", "Departamento"]) + " " + rng.choice(NAME_ROOTS)
            root = rng.choice(NAME_ROOTS)
            name = f"{rng.choice(NAME_PREFIXES)} {root}" if rng.random() < 0.45 else root
            if rng.random() < 0.6:
                name = f"{name} {rng.choice(NAME_ROOTS)}"
            base_slug = slugify(name)[:170] or "municipio"
            slug, suffix = base_slug, 2
            while slug in slugs:
                slug, suffix = f"{base_slug}-{suffix}", suffix + 1
            slugs.add(slug)
            # Log-uniform between 1,500 and 2,000,000 inhabitants; some unknown.
            population = None if rng.random() < 0.08 else int(10 ** rng.uniform(3.18, 6.3))
            latitude = longitude = None
            if rng.random() < 0.85:
                lat_min, lat_max, lon_min, lon_max = BOXES[country]
                latitude = Decimal(f"{rng.uniform(lat_min, lat_max):.5f}")
                longitude = Decimal(f"{rng.uniform(lon_min, lon_max):.5f}")
            municipality = Municipality(
                name=name,
                slug=slug,
                chapter=chapters[country],
                country=country,
                region=region,
                province=province,
                population=population,
                population_source="Censo 2024 INE Chile" if country == "CL" else "Censo 2022 INDEC",
                population_year=(2024 if country == "CL" else 2022) if population else None,
                latitude=latitude,
                longitude=longitude,
                official_website=f"https://www.{slug.replace('-', '')}.gob.example",
                description=(
                    f"{name} es un municipio de {region} comprometido con el uso responsable "
                    "de la inteligencia artificial."
                    if rng.random() < 0.7
                    else ""
                ),
                mayor=f"Alcalde de {name}" if rng.random() < 0.8 else "",
                mayor_term_start=2024 if rng.random() < 0.8 else None,
                mayor_term_end=2028,
                innovation_unit_name="Unidad de Innovación" if rng.random() < 0.5 else "",
                innovation_team_size=rng.randint(1, 25) if rng.random() < 0.5 else None,
                has_digital_plan=rng.choice([True, False, None]),
                has_innovation_area=rng.choice([True, False, None]),
                fibre_connectivity=rng.choice(["", "none", "partial", "full"]),
                online_procedures=rng.randint(0, 300) if rng.random() < 0.6 else None,
                ai_initiatives="Asistente virtual de trámites." if rng.random() < 0.3 else "",
                is_listed=True,
                profile_updated_at=now - dt.timedelta(days=rng.randint(0, 730)),
            )
            # bulk_create skips Municipality.save(): compute search_text exactly as it does.
            municipality.search_text = fold(
                " ".join([municipality.name, municipality.region, municipality.province])
            )[:500]
            municipalities.append(municipality)
        Municipality.objects.bulk_create(municipalities, batch_size=500)

        statuses = [
            (Membership.Status.MEMBER, 0.7),
            (Membership.Status.CANDIDATE, 0.2),
            (Membership.Status.SUSPENDED, 0.05),
            (Membership.Status.FORMER, 0.05),
        ]
        memberships, links = [], []
        through = Municipality.programmes.through
        for municipality in municipalities:
            status = rng.choices([s for s, _w in statuses], [w for _s, w in statuses])[0]
            joined = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
            memberships.append(
                Membership(
                    municipality=municipality,
                    chapter=municipality.chapter,
                    status=status,
                    founding_member=rng.random() < 0.05,
                    joined_on=joined if status != Membership.Status.CANDIDATE else None,
                    left_on=(
                        joined + dt.timedelta(days=200)
                        if status == Membership.Status.FORMER
                        else None
                    ),
                )
            )
            if rng.random() < 0.4:
                for programme in rng.sample(programmes, rng.randint(1, 2)):
                    links.append(through(municipality=municipality, programme=programme))
        Membership.objects.bulk_create(memberships, batch_size=1000)
        through.objects.bulk_create(links, batch_size=1000)

    # A profile with everything the page shows: coordinates, population and programmes.
    profile = (
        Municipality.objects.filter(
            latitude__isnull=False, population__isnull=False, programmes__isnull=False
        )
        .order_by("slug")
        .values_list("slug", flat=True)
        .first()
    )
    return {
        "municipalities": Municipality.objects.count(),
        "listed": Municipality.objects.filter(is_listed=True).count(),
        "memberships": Membership.objects.count(),
        "programme_links": through.objects.count(),
        "with_coordinates": Municipality.objects.filter(latitude__isnull=False).count(),
        "profile_slug": profile,
    }


def load_data_main(count: int, seed: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    summary = load_data(count, seed)
    print("BENCH_SUMMARY " + json.dumps(summary), flush=True)


def prepare_database(database_url: str, count: int, seed: int) -> dict:
    say(f"Recreating database {database_name(database_url)} ...")
    recreate_database(database_url)
    env = portal_env(database_url)
    say("Running migrations ...")
    run([sys.executable, "manage.py", "migrate", "--noinput"], env, "manage.py migrate")
    say(f"Loading {count} municipalities ...")
    loader = [sys.executable, str(Path(__file__).resolve()), "--load-data", str(count)]
    output = run(
        [*loader, "--seed", str(seed)],
        env,
        "loading the data set",
    )
    for line in output.splitlines():
        if line.startswith("BENCH_SUMMARY "):
            summary = json.loads(line.removeprefix("BENCH_SUMMARY "))
            break
    else:
        raise BenchError(f"The data loader printed no summary:\n{output[-2000:]}")
    import psycopg

    with psycopg.connect(to_psycopg_url(database_url), autocommit=True) as connection:
        connection.execute("ANALYZE")  # fresh statistics, as a long-lived database has
    say(
        "Loaded {municipalities} municipalities ({with_coordinates} with coordinates), "
        "{memberships} memberships, {programme_links} programme links.".format(**summary)
    )
    return summary


def to_psycopg_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", *parts[1:]))


# --- Server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    if not url.startswith("http://127.0.0.1:"):
        raise BenchError(f"Refusing to fetch {url}: loopback only.")
    request = urllib.request.Request(url, headers={"User-Agent": "coalition-bench"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Server:
    def __init__(self, database_url: str, workers: int, workdir: Path):
        self.database_url = database_url
        self.workers = workers
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "gunicorn.log"
        self.static_root = workdir / "static"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return portal_env(self.database_url, STATIC_ROOT=str(self.static_root))

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
            "coalition.wsgi",
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
                status, _body = fetch(self.base_url + "/healthz/", timeout=2)
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


# --- Load generation ---------------------------------------------------------------------


@dataclass
class Result:
    name: str
    path: str
    tool: str
    connections: int
    duration_s: float
    requests: int
    errors: int  # non-200 responses plus socket errors and timeouts
    non_200: int
    socket_errors: int
    rps: float
    latency_median_ms: float
    latency_p95_ms: float
    latency_max_ms: float
    response_bytes: int = 0
    details: dict = field(default_factory=dict)


WRK_SCRIPT = textwrap.dedent(
    """
    local threads = {}
    function setup(thread) table.insert(threads, thread) end
    function init(args) non200 = 0 end
    function response(status, headers, body)
      if status ~= 200 then non200 = non200 + 1 end
    end
    function done(summary, latency, requests)
      local bad = 0
      for _, t in ipairs(threads) do bad = bad + t:get("non200") end
      local e = summary.errors
      io.write(string.format(
        'BENCH_WRK {"requests": %d, "duration_us": %d, "non200": %d, "connect": %d, ' ..
        '"read": %d, "write": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, ' ..
        '"max_us": %d}\\n',
        summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout,
        latency:percentile(50), latency:percentile(95), latency.max))
    end
    """
)


def run_wrk(wrk: str, script: Path, url: str, connections: int, seconds: float) -> dict[str, float]:
    threads = max(1, min(connections, 2))
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-H",
        "User-Agent: coalition-bench",
        "-s",
        str(script),
        url,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_WRK "):
            return json.loads(line.removeprefix("BENCH_WRK "))
    raise BenchError(f"wrk failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")


def wrk_result(name: str, path: str, raw: dict, connections: int) -> Result:
    duration = raw["duration_us"] / 1e6
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return Result(
        name=name,
        path=path,
        tool="wrk",
        connections=connections,
        duration_s=round(duration, 3),
        requests=raw["requests"],
        errors=raw["non200"] + socket_errors,
        non_200=raw["non200"],
        socket_errors=socket_errors,
        rps=raw["requests"] / duration if duration else 0.0,
        latency_median_ms=raw["p50_us"] / 1000,
        latency_p95_ms=raw["p95_us"] / 1000,
        latency_max_ms=raw["max_us"] / 1000,
        details={k: raw[k] for k in ("connect", "read", "write", "timeout")},
    )


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, int]:
    """Read one HTTP/1.1 response; returns (status, keep_alive, body_length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip().lower()
    keep_alive = headers.get("connection") != "close" and lines[0].startswith("HTTP/1.1")
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        return status, keep_alive, len(body)
    if headers.get("transfer-encoding") == "chunked":
        size_total = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            size_total += size
            if size == 0:
                return status, keep_alive, size_total
    body = await reader.read()  # until the server closes
    return status, False, len(body)


async def _python_load(
    host: str, port: int, path: str, connections: int, seconds: float
) -> dict[str, float]:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: coalition-bench\r\n"
        "Accept: text/html\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    counters = {"non200": 0, "socket": 0, "timeout": 0}
    start = time.perf_counter()
    deadline = start + seconds

    async def worker() -> None:
        reader = writer = None
        while time.perf_counter() < deadline:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                sent = time.perf_counter()
                writer.write(request)
                remaining = max(0.1, deadline - sent + 10)
                status, keep_alive, _size = await asyncio.wait_for(
                    _read_response(reader), timeout=remaining
                )
                finished = time.perf_counter()
                if finished > deadline:
                    break  # completed after the window: not counted, as wrk does
                latencies.append(finished - sent)
                if status != 200:
                    counters["non200"] += 1
                if not keep_alive:
                    writer.close()
                    reader = writer = None
            except TimeoutError:
                counters["timeout"] += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                counters["socket"] += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(0.01)
        if writer is not None:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = min(time.perf_counter(), deadline) - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "duration_s": elapsed,
        "non200": counters["non200"],
        "socket": counters["socket"],
        "timeout": counters["timeout"],
        "p50_s": percentile(latencies, 50),
        "p95_s": percentile(latencies, 95),
        "max_s": latencies[-1] if latencies else 0.0,
        "mean_s": statistics.fmean(latencies) if latencies else 0.0,
    }


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


def python_result(name: str, path: str, raw: dict, connections: int) -> Result:
    socket_errors = raw["socket"] + raw["timeout"]
    return Result(
        name=name,
        path=path,
        tool="python-asyncio",
        connections=connections,
        duration_s=round(raw["duration_s"], 3),
        requests=raw["requests"],
        errors=raw["non200"] + socket_errors,
        non_200=raw["non200"],
        socket_errors=socket_errors,
        rps=raw["requests"] / raw["duration_s"] if raw["duration_s"] else 0.0,
        latency_median_ms=raw["p50_s"] * 1000,
        latency_p95_ms=raw["p95_s"] * 1000,
        latency_max_ms=raw["max_s"] * 1000,
        details={"socket": raw["socket"], "timeout": raw["timeout"]},
    )


class LoadGenerator:
    def __init__(self, tool: str, workdir: Path, connections: int):
        self.connections = connections
        self.requested = tool
        wrk = shutil.which("wrk") if tool in {"auto", "wrk"} else None
        if tool == "wrk" and wrk is None:
            raise BenchError("--tool wrk given but wrk is not installed (apt-get install wrk).")
        self.wrk = wrk
        self.script = workdir / "bench.lua"
        if wrk:
            self.script.write_text(WRK_SCRIPT)

    @property
    def name(self) -> str:
        if self.wrk:
            return "wrk"
        return "python-asyncio" + (" (wrk not found)" if self.requested == "auto" else "")

    def measure(self, base_url: str, name: str, path: str, seconds: float) -> Result:
        if self.wrk:
            raw = run_wrk(self.wrk, self.script, base_url + path, self.connections, seconds)
            return wrk_result(name, path, raw, self.connections)
        parts = urlsplit(base_url)
        raw = asyncio.run(_python_load(parts.hostname, parts.port, path, self.connections, seconds))
        return python_result(name, path, raw, self.connections)


# --- Report ------------------------------------------------------------------------------


def print_table(results: list[Result], baseline: Result) -> None:
    header = (
        f"{'page':<22} {'path':<44} {'req/s':>9} {'median ms':>10} {'p95 ms':>9} "
        f"{'requests':>9} {'errors':>7} {'vs trivial':>10} {'KiB':>6}"
    )
    print()
    print(header)
    print("-" * len(header))
    for result in results:
        ratio = result.rps / baseline.rps if baseline.rps else 0.0
        print(
            f"{result.name:<22} {result.path:<44} {result.rps:>9.1f} "
            f"{result.latency_median_ms:>10.1f} {result.latency_p95_ms:>9.1f} "
            f"{result.requests:>9} {result.errors:>7} {ratio:>9.1%} "
            f"{result.response_bytes / 1024:>6.1f}"
        )
    print()


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()
    except OSError:
        return ""


def git_dirty() -> bool:
    try:
        output = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout
        return bool(output.strip())
    except OSError:
        return False


# --- Main --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load benchmark of the member directory (PostgreSQL + gunicorn).",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL,
        help="PostgreSQL URL of the throw-away benchmark database; it is DROPPED and "
        "recreated (default: $BENCH_DATABASE_URL or %(default)s).",
    )
    parser.add_argument("--keep-db", action="store_true", help="Keep the database afterwards.")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="Skip recreating and loading the database (it must come from --keep-db).",
    )
    parser.add_argument(
        "--allow-any-db-name",
        action="store_true",
        help="Allow dropping a database whose name does not contain 'bench'.",
    )
    parser.add_argument("--municipalities", type=int, default=2000, help="Default: 2000.")
    parser.add_argument("--seed", type=int, default=20250101, help="Data set random seed.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")
    parser.add_argument("--connections", type=int, default=8, help="Concurrent connections.")
    parser.add_argument(
        "--duration", type=float, default=10.0, help="Seconds measured per page (default 10)."
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="Seconds of warm-up per page (default 2)."
    )
    parser.add_argument(
        "--tool",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="Load generator: wrk if installed (auto), or the built-in asyncio client.",
    )
    parser.add_argument(
        "--json",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="Also write the results as JSON (default path: bench/results/<timestamp>.json).",
    )
    parser.add_argument("--load-data", type=int, metavar="N", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 300 or not 0 <= args.warmup <= 60:
        parser.error("--duration must be within 1..300 s and --warmup within 0..60 s.")
    if not 1 <= args.connections <= 256:
        parser.error("--connections must be within 1..256.")
    return args


def pages(profile_slug: str) -> list[tuple[str, str]]:
    return [
        ("trivial (/healthz/)", "/healthz/"),
        ("directory", "/members/"),
        ("directory filtered", "/members/?q=san&country=AR&sort=-population"),
        ("profile", f"/members/{profile_slug}/"),
    ]


def smoke_test(base_url: str, targets: list[tuple[str, str]]) -> dict[str, int]:
    """Every page must answer 200 before it is measured; returns response sizes."""
    sizes = {}
    for name, path in targets:
        status, body = fetch(base_url + path)
        if status != 200:
            raise BenchError(f"{name} {path} answered {status}, not 200:\n{body[:1500]!r}")
        sizes[path] = len(body)
        if path.startswith("/members/?") or path == "/members/":
            rows = body.count(b'<th scope="row">')
            say(f"  {path}: 200, {len(body)} bytes, {rows} rows listed")
            if rows == 0:
                raise BenchError(f"{path} lists no municipality: the data set is wrong.")
        else:
            say(f"  {path}: 200, {len(body)} bytes")
    return sizes


def benchmark(args: argparse.Namespace) -> int:
    check_database_url(args.database_url, args.allow_any_db_name)
    workdir = Path(tempfile.mkdtemp(prefix="coalition-bench-"))
    server: Server | None = None
    created_db = False
    try:
        if args.reuse_db:
            summary = reuse_summary(args.database_url)
        else:
            created_db = True
            summary = prepare_database(args.database_url, args.municipalities, args.seed)
        server = Server(args.database_url, args.workers, workdir)
        warnings = [warning] if (warning := server.collectstatic()) else []
        server.start()
        targets = pages(summary["profile_slug"])
        say("Smoke test (every page must answer 200) ...")
        sizes = smoke_test(server.base_url, targets)
        generator = LoadGenerator(args.tool, workdir, args.connections)
        say(
            f"Load generator: {generator.name}; {args.connections} connections, "
            f"{args.warmup:g} s warm-up + {args.duration:g} s measured per page."
        )
        results = []
        for name, path in targets:
            if args.warmup:
                generator.measure(server.base_url, name, path, args.warmup)
            result = generator.measure(server.base_url, name, path, args.duration)
            result.response_bytes = sizes[path]
            say(f"  {name}: {result.rps:.1f} req/s, {result.errors} errors")
            results.append(result)
        if server.process.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{server.log_tail()}")
        return report(args, results, summary, generator.name, warnings)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        if created_db and not args.keep_db:
            say(f"Dropping database {database_name(args.database_url)} ...")
            try:
                drop_database(args.database_url)
            except Exception as error:  # cleanup must not hide the result
                say(f"Could not drop the database: {error}")
        elif created_db:
            say(f"Kept database {database_name(args.database_url)} (--keep-db).")


def reuse_summary(database_url: str) -> dict:
    import psycopg

    with psycopg.connect(to_psycopg_url(database_url)) as connection:
        count = connection.execute("SELECT count(*) FROM municipalities_municipality").fetchone()
        slug = connection.execute(
            "SELECT m.slug FROM municipalities_municipality m WHERE m.latitude IS NOT NULL "
            "AND m.population IS NOT NULL AND EXISTS (SELECT 1 FROM "
            "municipalities_municipality_programmes p WHERE p.municipality_id = m.id) "
            "ORDER BY m.slug LIMIT 1"
        ).fetchone()
    if not count[0] or not slug:
        raise BenchError("--reuse-db: the database holds no benchmark data; run without it.")
    say(f"Reusing database {database_name(database_url)} ({count[0]} municipalities).")
    return {"municipalities": count[0], "profile_slug": slug[0]}


def report(
    args: argparse.Namespace, results: list[Result], summary: dict, tool: str, warnings: list
) -> int:
    baseline, directory = results[0], results[1]
    ratio = directory.rps / baseline.rps if baseline.rps else 0.0
    passed = ratio >= TARGET_RATIO and directory.errors == 0
    print_table(results, baseline)
    print(f"Load generator: {tool}; {args.connections} connections; {args.duration:g} s per page")
    print(
        f"gunicorn: {args.workers} sync workers; CPUs: {os.cpu_count()}; "
        f"data: {summary['municipalities']} municipalities"
    )
    print(f"Ratio directory / trivial: {ratio:.1%} (target >= {TARGET_RATIO:.0%})")
    for result in results[2:]:
        other = result.rps / baseline.rps if baseline.rps else 0.0
        print(f"Ratio {result.name} / trivial: {other:.1%}")
    for warning in warnings:
        print(f"WARNING: {warning}")
    verdict = "PASS" if passed else "FAIL"
    print(
        f"directory page reaches >= {TARGET_RATIO:.0%} of the trivial view's throughput "
        f"with no errors: {verdict}"
    )
    if args.json is not None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        path = Path(args.json) if args.json else RESULTS_DIR / f"directory_load-{stamp}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "benchmark": "directory_load",
            "timestamp": stamp,
            "git_commit": git_commit(),
            "git_dirty": git_dirty(),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "settings": {
                "load_generator": tool,
                "connections": args.connections,
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "gunicorn_workers": args.workers,
                "municipalities": summary["municipalities"],
                "seed": args.seed,
            },
            "results": [asdict(result) for result in results],
            "ratio_directory_to_trivial": ratio,
            "target_ratio": TARGET_RATIO,
            "verdict": verdict,
            "warnings": warnings,
        }
        path.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"JSON written to {path}")
    return 0 if passed else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.load_data is not None:
        load_data_main(args.load_data, args.seed)
        return 0

    # A plain `kill` runs the same clean-up as Ctrl-C.
    def stop(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    try:
        return benchmark(args)
    except BenchError as error:
        print(f"[bench] ERROR: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("[bench] Interrupted; cleaned up.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
