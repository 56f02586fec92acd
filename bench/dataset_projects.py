"""Projects for the page benchmark: 2,000 published projects of the benchmark's cities, each
with one indicator and ten measurements (20,000), a few startups, open challenges of the
cities (some addressed by projects), and published AI register entries for some of them.
Loaded only when the projects app has these models."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal


class NotReady(Exception):
    """The projects app has not (yet) the models this loader needs."""


REGISTER_ENTRIES = 200
CHALLENGES = 200


def load(seed: int, projects: int, measurements: int) -> dict:
    try:
        from projects.indicators.models import Indicator, Measurement
        from projects.models import (
            Area,
            Challenge,
            Project,
            ProjectCity,
            ProjectStartup,
            Startup,
        )
        from projects.register import demo as register_demo
        from projects.register import services as register_services
        from projects.register.selectors import project_for_publication
        from projects.selectors import search_text_for
    except ImportError as error:
        raise NotReady(f"the projects app lacks what the loader needs ({error})") from error
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from coalition.models import User
    from municipalities.models import Municipality

    rng = random.Random(seed + 2)
    now = timezone.now()
    staff = User.objects.get(email="bench-staff@example.org")
    cities = list(Municipality.objects.filter(is_listed=True).order_by("id"))
    per_project = max(1, measurements // projects)
    with transaction.atomic():
        startups = Startup.objects.bulk_create(
            Startup(
                name=f"Startup Bench {number}",
                slug=f"startup-bench-{number}",
                country=rng.choice(["CL", "AR"]),
                description="Soluciones de inteligencia artificial para municipios.",
                created_by=staff,
            )
            for number in range(60)
        )
        rows = []
        for number in range(projects):
            title = f"Asistente de {rng.choice(['trámites', 'permisos', 'reclamos', 'salud'])}"
            title += f" {number}"
            rows.append(
                Project(
                    title=title,
                    slug=slugify(title),
                    area=rng.choice(list(Area.values)),
                    problem="Las consultas de los vecinos tardan semanas en responderse.",
                    solution="Un asistente que clasifica y responde las consultas simples.",
                    uses_ai=rng.random() < 0.8,
                    ai_technique="Clasificación de texto.",
                    status=rng.choice(list(Project.Status.values)),
                    start_date=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 300)),
                    summary="Un proyecto colaborativo con una startup para atender mejor.",
                    visibility=Project.Visibility.PUBLISHED,
                    published_at=now - dt.timedelta(days=rng.randint(0, 300)),
                    created_by=staff,
                )
            )
        challenges = Challenge.objects.bulk_create(
            Challenge(
                title=f"Desafío de {rng.choice(['movilidad', 'residuos', 'salud'])} {number}",
                slug=f"desafio-bench-{number}",
                area=rng.choice(list(Area.values)),
                description="Los vecinos esperan semanas una respuesta a sus consultas.",
                affected="Vecinos y funcionarios de atención.",
                status=Challenge.Status.OPEN,
                published_at=now - dt.timedelta(days=rng.randint(0, 300)),
                created_by=staff,
            )
            for number in range(CHALLENGES)
        )
        Challenge.municipalities.through.objects.bulk_create(
            Challenge.municipalities.through(challenge=challenge, municipality=city)
            for challenge in challenges
            for city in rng.sample(cities, rng.choice([1, 1, 2, 3]))
        )
        for project in rows[: len(challenges) * 3]:  # three projects address each challenge
            project.challenge = challenges[rng.randrange(len(challenges))]
        Project.objects.bulk_create(rows, batch_size=500)
        links, partners = [], []
        for project in rows:
            for city in rng.sample(cities, rng.choice([1, 1, 1, 2, 3])):
                links.append(ProjectCity(project=project, municipality=city))
            if rng.random() < 0.7:
                partners.append(ProjectStartup(project=project, startup=rng.choice(startups)))
        ProjectCity.objects.bulk_create(links, batch_size=1000)
        ProjectStartup.objects.bulk_create(partners, batch_size=1000)
        for project in Project.objects.filter(pk__in=[p.pk for p in rows]).prefetch_related(
            "city_links__municipality", "startup_links__startup"
        ):
            Project.objects.filter(pk=project.pk).update(search_text=search_text_for(project))
        indicators = Indicator.objects.bulk_create(
            (
                Indicator(
                    project=project,
                    name="Días promedio de respuesta",
                    unit="días",
                    baseline_value=Decimal(45),
                    baseline_date=dt.date(2025, 1, 1),
                    created_by=staff,
                )
                for project in rows
            ),
            batch_size=1000,
        )
        values = []
        for indicator in indicators:
            for period in range(per_project):
                start = dt.date(2025, 1, 1) + dt.timedelta(days=30 * period)
                values.append(
                    Measurement(
                        indicator=indicator,
                        period_start=start,
                        period_end=start + dt.timedelta(days=29),
                        value=Decimal(rng.randint(5, 60)),
                        method="Registro del sistema de atención.",
                        reported_by=staff,
                        reported_at=now,
                    )
                )
        Measurement.objects.bulk_create(values, batch_size=2000)

    data = next(iter(register_demo.ENTRIES.values()))["first"]
    published = 0
    for project in [p for p in rows if p.uses_ai][:REGISTER_ENTRIES]:
        with transaction.atomic():
            entry, _changed = register_services.register_entry_save(
                project=project_for_publication(project),
                actor=staff,
                data=data,
                draft_revision=None,
            )
            register_services.register_entry_publish(entry=entry, actor=staff)
        published += 1
    # The downloads, with the bar of the cities' (50 ms for their 2,000 rows) scaled to their
    # number of rows: the measurements are ten times as many.
    downloads = [
        {
            "key": key,
            "label": label,
            "path": path,
            "uncached": False,
            "rows_per_city_export": count / 2000,
        }
        for key, label, path, count in (
            ("data_projects_csv", "CSV of all projects", "/open-data/projects.csv", len(rows)),
            ("data_projects_json", "JSON of all projects", "/open-data/projects.json", len(rows)),
            (
                "data_measurements_csv",
                "CSV of all measurements",
                "/open-data/measurements.csv",
                len(values),
            ),
            (
                "data_measurements_json",
                "JSON of all measurements",
                "/open-data/measurements.json",
                len(values),
            ),
        )
    ]
    detail = rows[0].slug
    register_slug = next(p.slug for p in rows if p.uses_ai)
    return {
        "projects": len(rows),
        "challenges": len(challenges),
        "measurements": len(values),
        "register_entries": published,
        "project_pages": [
            {
                "key": "projects_directory",
                "label": "project directory, uncached",
                "path": "/projects/",
            },
            {
                "key": "projects_detail",
                "label": "project page, uncached",
                "path": f"/projects/{detail}/",
            },
            {
                "key": "projects_indicators",
                "label": "project indicators, uncached",
                "path": f"/projects/{detail}/indicators/",
            },
            {"key": "projects_startups", "label": "startup list, uncached", "path": "/startups/"},
            {
                "key": "projects_startup",
                "label": "startup page, uncached",
                "path": f"/startups/{startups[0].slug}/",
            },
            {
                "key": "projects_challenges",
                "label": "challenge list, uncached",
                "path": "/challenges/",
            },
            {
                "key": "projects_challenge",
                "label": "challenge page, uncached",
                "path": f"/challenges/{challenges[0].slug}/",
            },
            {"key": "projects_register", "label": "AI register, uncached", "path": "/register/"},
            {
                "key": "projects_register_entry",
                "label": "AI register entry, uncached",
                "path": f"/register/{register_slug}/",
            },
            *downloads,
        ],
    }
