"""The benchmark's data set, loaded in a child process where Django is set up (see pages.py).

2,000 municipalities in two chapters (realistic regions, populations, memberships and
programmes), a signed-in chapter staff member with two-factor authentication and a session,
a published call with 200 submitted applications (letters and reports as rows only), and,
when the projects app has its models, 2,000 projects with 20,000 measurements.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from bench.dataset_names import (  # noqa: E402
    AR_PROVINCES,
    BOXES,
    CL_REGIONS,
    NAME_PREFIXES,
    NAME_ROOTS,
    PROGRAMMES,
)


def load_municipalities(count: int, seed: int) -> dict:
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


STAFF_EMAIL = "bench-staff@example.org"
CALL_SLUG = "bench-convocatoria"
APPLICATIONS = 200


def load_staff_and_call(seed: int, applications: int = APPLICATIONS) -> dict:
    """A staff member of the Chilean chapter with TOTP and a live session, and a published,
    still open call with `applications` submitted applications of Chilean cities."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from calls import call_setup
    from calls.models import Application, Call, Document
    from coalition.models import Chapter, ChapterStaff, User
    from municipalities.models import Municipality

    rng = random.Random(seed + 1)
    now = timezone.now()
    chapter = Chapter.objects.get(slug="ciar-chile")
    with transaction.atomic():
        staff = User.objects.create_user(
            STAFF_EMAIL, "bench-password-0123456789", full_name="Bench"
        )
        EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
        ChapterStaff.objects.create(chapter=chapter, user=staff)
        TOTP.activate(staff, generate_totp_secret())
        call = Call(
            chapter=chapter,
            title="Convocatoria Municipios a la vanguardIA",
            slug=CALL_SLUG,
            summary="Convocatoria para que los municipios se sumen a la coalición.",
            objectives="Usar la IA de forma responsable en los servicios municipales.",
            benefits="Acompañamiento técnico y red de pares.",
            commitments="Un proyecto colaborativo al año.",
            opens_at=now - dt.timedelta(days=20),
            closes_at=now + dt.timedelta(days=20),
            announces_at=now + dt.timedelta(days=60),
            contact_email="convocatoria@example.org",
        )
        call_setup.call_save(call=call, actor=staff)
        call_setup.call_set_structure(call=call, actor=staff, **call_structure())
        call_setup.call_publish(call=call, actor=staff)
        call.refresh_from_db()
        requirements = list(call.requirements.all())
        questions = list(call.questions.all())
        cities = list(Municipality.objects.filter(chapter=chapter).order_by("id")[:applications])
        rows = []
        for number, city in enumerate(cities):
            complete = rng.random() < 0.85
            rows.append(
                Application(
                    call=call,
                    municipality=city,
                    status=rng.choice(
                        [Application.Status.SUBMITTED] * 6
                        + [Application.Status.ELIGIBLE, Application.Status.INELIGIBLE]
                        + [Application.Status.DRAFT] * 2
                    ),
                    contact_name="María José Soto",
                    contact_role="Directora de Innovación",
                    contact_email="innovacion@example.org",
                    contact_phone="+56 2 2345 6789",
                    innovation_unit="Laboratorio de Innovación Municipal",
                    innovation_team="Seis personas",
                    digital_plan="Plan Comunal Digital 2024-2028" if complete else "",
                    initiatives="Chatbot de atención y datos abiertos",
                    motivation="Queremos aprender con otras ciudades.",
                    declarations={
                        str(r.pk): {"accepted": complete, "evidence": "Decreto 123/2024"}
                        for r in requirements
                    },
                    answers={str(q.pk): answer(q) for q in questions},
                    created_by=staff,
                    submitted_at=now - dt.timedelta(hours=number),
                    content_hash=f"{number:064x}",
                )
            )
        Application.objects.bulk_create(rows)
        documents = []
        for number, application in enumerate(rows):
            for kind in ("letter", "report"):
                if rng.random() < 0.1:
                    continue  # some documents missing
                documents.append(
                    Document(
                        application=application,
                        kind=kind,
                        file=f"applications/2026/01/{kind}-{number}.pdf",
                        original_name=f"{kind}-{number}.pdf",
                        size=100_000 + number,
                        pages=rng.randint(1, 5),
                        sha256=f"{number:064x}",
                        signature=rng.choice(list(Document.Signature.values))
                        if kind == "letter"
                        else Document.Signature.NONE,
                        signer_name="Intendenta Bench" if kind == "letter" else "",
                        signed_at=now - dt.timedelta(days=3) if kind == "letter" else None,
                        uploaded_by=staff,
                    )
                )
        Document.objects.bulk_create(documents)

    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.set_expiry(7 * 24 * 3600)
    session.create()
    session.save()
    return {
        "call_slug": call.slug,
        "applications": len(rows),
        "documents": len(documents),
        "staff_cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
    }


def call_structure() -> dict:
    return {
        "requirements": [
            {
                "text": "Contar con un área de innovación o gobierno digital",
                "evidence_requested": True,
            },
            {"text": "Compartir datos y casos de estudio", "evidence_requested": False},
            {"text": "Designar una contraparte técnica", "evidence_requested": False},
        ],
        "questions": [
            {
                "kind": "long_text",
                "label": "Describa un proyecto de IA que quiera impulsar",
                "help_text": "",
                "required": True,
                "word_limit": 300,
            },
            {"kind": "number", "label": "Presupuesto anual de innovación (USD)", "required": False},
            {
                "kind": "choice",
                "label": "Tamaño del equipo",
                "required": True,
                "choices": ["1 a 3", "4 a 10", "Más de 10"],
            },
            {"kind": "yes_no", "label": "¿Tiene un plan digital aprobado?", "required": True},
        ],
        "criteria": [
            {
                "title": title,
                "weight": weight,
                "levels": [
                    {"score": 0, "description": "Insuficiente"},
                    {"score": 5, "description": "Sobresaliente"},
                ],
            }
            for title, weight in (
                ("Capacidad", 40),
                ("Políticas digitales", 35),
                ("Motivación", 25),
            )
        ],
    }


def answer(question) -> str:
    return {
        "long_text": "Un asistente para responder consultas de vecinos",
        "number": "25000.00",
        "choice": (question.choices or ["x"])[0],
        "yes_no": "yes",
        "short_text": "Sí",
    }.get(question.kind, "Sí")


def load_projects(seed: int, projects: int = 2000, measurements: int = 20000) -> dict:
    """2,000 projects and 20,000 measurements, when the projects app has its models.

    The projects app is built by another issue; until its models exist this says so and
    loads nothing."""
    try:
        from bench import dataset_projects
    except ImportError as error:
        return {"projects_skipped": f"no loader for projects ({error})"}
    try:
        return dataset_projects.load(seed, projects, measurements)
    except dataset_projects.NotReady as error:
        return {"projects_skipped": str(error)}
    except Exception as error:  # the projects app changes under way: measure the rest
        return {"projects_skipped": f"the loader failed: {type(error).__name__}: {error}"[:300]}


def load_all(count: int, seed: int) -> dict:
    summary = load_municipalities(count, seed)
    summary.update(load_staff_and_call(seed))
    summary.update(load_projects(seed))
    return summary


def main(count: int, seed: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print("BENCH_SUMMARY " + json.dumps(load_all(count, seed)), flush=True)
