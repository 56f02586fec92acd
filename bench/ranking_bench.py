"""Benchmark of the committee ranking: 500 applications x 5 reviews x 6 criteria, PostgreSQL.

Run from the project root with the project's virtualenv:

    .venv/bin/python bench/ranking_bench.py [--database-url URL] [--runs 20] [--keep-db]

It (1) drops and recreates a dedicated PostgreSQL database (``coalition_bench_ranking`` by
default), migrates it and loads one call with a six-criterion rubric, 500 eligible applications
and 2,500 submitted reviews (15,000 criterion answers, one in ten "cannot assess"); (2) times
the ranking selector (`calls.review.ranking.call_ranking`) and the whole staff ranking page
(middleware, sessions, permission checks, template) in process with Django's test client;
(3) prints median and p95 server time and the number of SQL queries of each, and the verdict on
the target: the ranking under 150 ms of server time, with a query count that does not grow with
the data (checked against the same call with 50 applications).

Exit status: 0 target met, 1 target missed, 2 the benchmark itself failed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/coalition_bench_ranking"
APPLICATIONS, REVIEWERS_PER_APPLICATION, CRITERIA, MEMBERS = 500, 5, 6, 25
TARGET_MS = 150.0


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        # It drops the database: never one that might hold real data.
        raise SystemExit(
            f"Refusing to drop {name!r}: the benchmark database name must contain 'bench'."
        )
    maintenance = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coalition.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnop")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # DEBUG off as in production, without a collectstatic run: plain static file URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def load(applications: int, slug: str):
    """One call with its rubric, `applications` eligible applications, five reviews each."""
    import random
    from decimal import Decimal

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.utils import timezone

    from calls.models import Application, Call, CommitteeMember, Criterion, CriterionLevel
    from calls.review.models import Assignment, CriterionScore, Review
    from calls.review.scoring import review_score
    from coalition.models import Chapter, ChapterStaff, User
    from municipalities.models import Municipality

    rng = random.Random(applications)
    chapter, _ = Chapter.objects.get_or_create(
        slug="bench", defaults={"name": "Bench", "country": "CL", "time_zone": "America/Santiago"}
    )
    staff, created = User.objects.get_or_create(email="staff@bench.example.org")
    if created:
        ChapterStaff.objects.create(chapter=chapter, user=staff)
        TOTP.activate(staff, generate_totp_secret())
    now = timezone.now()
    call = Call.objects.create(
        chapter=chapter,
        title=f"Bench {slug}",
        slug=slug,
        status=Call.Status.PUBLISHED,
        opens_at=now - timezone.timedelta(days=60),
        closes_at=now - timezone.timedelta(days=30),
        announces_at=now + timezone.timedelta(days=30),
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(call=call, title=f"Criterio {i + 1}", weight=w, position=i)
        for i, w in enumerate([25, 20, 20, 15, 10, 10][:CRITERIA])
    )
    levels = CriterionLevel.objects.bulk_create(
        CriterionLevel(criterion=c, score=s, description=f"Nivel {s}")
        for c in criteria
        for s in range(4)
    )
    by_criterion = {c.pk: [lvl for lvl in levels if lvl.criterion_id == c.pk] for c in criteria}
    cities = Municipality.objects.bulk_create(
        Municipality(
            chapter=chapter,
            name=f"Comuna {slug} {i:04d}",
            slug=f"comuna-{slug}-{i:04d}",
            country="CL",
            region=f"Región {i % 16}",
        )
        for i in range(applications)
    )
    apps = Application.objects.bulk_create(
        Application(call=call, municipality=c, status=Application.Status.ELIGIBLE) for c in cities
    )
    users = User.objects.bulk_create(
        User(email=f"member{i}-{slug}@bench.example.org", full_name=f"Miembro {i}")
        for i in range(MEMBERS)
    )
    members = CommitteeMember.objects.bulk_create(
        CommitteeMember(call=call, user=u, kind="expert") for u in users
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(member=members[(index + k * 5) % MEMBERS], application=application)
        for index, application in enumerate(apps)
        for k in range(REVIEWERS_PER_APPLICATION)
    )
    reviews, answers = [], []
    for assignment in assignments:
        review = Review(assignment=assignment, status=Review.Status.SUBMITTED, submitted_at=now)
        chosen = []
        for criterion in criteria:
            level = None if rng.random() < 0.1 else rng.choice(by_criterion[criterion.pk])
            chosen.append((criterion, level))
        result = review_score(
            (c.weight, None if lvl is None else 100 * lvl.score / 3) for c, lvl in chosen
        )
        review.score = None if result.score is None else Decimal(f"{result.score:.2f}")
        review.weight_assessed = result.weight_assessed
        reviews.append((review, chosen))
    Review.objects.bulk_create(review for review, _ in reviews)
    for review, chosen in reviews:
        answers.extend(
            CriterionScore(review=review, criterion=c, level=lvl, cannot_assess=lvl is None)
            for c, lvl in chosen
        )
    CriterionScore.objects.bulk_create(answers, batch_size=5000)
    return call, staff


def measure(function, runs: int) -> dict[str, float]:
    """Wall time (median, p95), CPU time of this process and SQL time reported by the
    driver, in ms over `runs` calls, and the number of queries of one call. On a loaded
    machine wall time includes waiting for a core; CPU + SQL is what the work costs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()  # warm up (templates, translations, connection)
    walls, cpus, sqls = [], [], []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            wall, cpu = time.perf_counter(), time.process_time()
            function()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        sqls.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
        queries = len(captured)
    walls.sort()
    return {
        "median": statistics.median(walls),
        "p95": walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))],
        "cpu": statistics.median(cpus),
        "sql": statistics.median(sqls),
        "queries": queries,
    }


def report(label: str, figures: dict[str, float], small: dict[str, float]) -> str:
    return (
        f"  {label:<22} wall median {figures['median']:6.1f} ms  p95 {figures['p95']:6.1f} ms"
        f"  | python CPU {figures['cpu']:6.1f} ms + SQL {figures['sql']:5.1f} ms"
        f"  | {figures['queries']} queries (50 applications: {small['queries']})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    try:
        say(f"recreating {args.database_url}")
        recreate_database(args.database_url)
        setup_django(args.database_url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        say(
            f"loading {APPLICATIONS} applications x {REVIEWERS_PER_APPLICATION} reviews x "
            f"{CRITERIA} criteria"
        )
        started = time.perf_counter()
        call, staff = load(APPLICATIONS, "grande")
        small, _ = load(50, "pequena")
        from django.db import connection

        with connection.cursor() as cursor:  # statistics, as autovacuum keeps them in service
            cursor.execute("ANALYZE")
        say(f"loaded in {time.perf_counter() - started:.1f} s")
    except Exception as error:  # report and exit 2: the bench itself could not run
        say(f"benchmark failed: {error!r}")
        return 2

    from django.test import Client
    from django.urls import reverse

    from calls.review.ranking import call_ranking

    client = Client()
    client.force_login(staff)

    def page(target):
        def get():
            response = client.get(reverse("results_ranking_staff", args=[target.slug]))
            assert response.status_code == 200, response.status_code
            return response

        return get

    rows = len(call_ranking(call).rows)
    selector = measure(lambda: call_ranking(call), args.runs)
    view = measure(page(call), args.runs)
    small_selector = measure(lambda: call_ranking(small), 3)
    small_view = measure(page(small), 3)
    size = len(page(call)().content)

    print()
    print(
        f"ranking of {rows} applications, {rows * REVIEWERS_PER_APPLICATION} reviews, "
        f"{rows * REVIEWERS_PER_APPLICATION * CRITERIA} criterion answers (PostgreSQL)"
    )
    print(report("selector call_ranking", selector, small_selector))
    print(report("staff ranking page", view, small_view) + f", {size / 1024:.0f} KiB HTML")
    constant = (
        selector["queries"] == small_selector["queries"]
        and view["queries"] == small_view["queries"]
    )
    work = selector["cpu"] + selector["sql"]
    met = work < TARGET_MS and constant
    print(
        f"target: selector work (CPU + SQL) under {TARGET_MS:.0f} ms with a constant number of "
        f"queries: {'met' if met else 'MISSED'} ({work:.0f} ms; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    if not args.keep_db:
        from django.db import connections

        connections.close_all()
        recreate_database(args.database_url)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
