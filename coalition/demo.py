"""Demo data for a newcomer's first run and for the browser tests. Idempotent."""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from coalition.models import Chapter, ChapterStaff, User

DEMO_PASSWORD = "demo-coalicion-2026"  # noqa: S105 - published on purpose for the local demo
CITIES_CSV = Path(__file__).resolve().parent.parent / "municipalities/data/coalition_cities.csv"

CHAPTERS = [
    {
        "slug": "ciar-chile",
        "name": "CIAR Chile",
        "country": "CL",
        "time_zone": "America/Santiago",
        "description": "Coalición de municipios por una inteligencia artificial responsable, "
        "lanzada en La Moneda con 13 comunas.",
    },
    {
        "slug": "ciiar-argentina",
        "name": "CIIAR Argentina",
        "country": "AR",
        "time_zone": "America/Argentina/Buenos_Aires",
        "description": "Coalición de ciudades por la inteligencia artificial responsable, "
        "fundada por 10 ciudades en noviembre de 2024.",
    },
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: str


ACCOUNTS = [
    DemoAccount("admin@demo.coalicion.test", "Administración Demo", "superuser"),
    DemoAccount("equipo.cl@demo.coalicion.test", "Camila Rojas", "staff CIAR Chile"),
    DemoAccount("equipo.ar@demo.coalicion.test", "Martín Fernández", "staff CIIAR Argentina"),
    DemoAccount("comite@demo.coalicion.test", "Laura Giménez", "committee member"),
    DemoAccount(
        "municipio@demo.coalicion.test",
        "Diego Soto",
        "municipal officer (Puente Alto: draft application to CIAR Chile 2027)",
    ),
    DemoAccount(
        "visitante@demo.coalicion.test", "Ana Pérez", "signed-in user (asks to represent Temuco)"
    ),
]


@functools.cache
def demo_password_hash() -> str:
    """Hashing is slow on purpose; every demo account shares one hash of the demo password."""
    return make_password(DEMO_PASSWORD)


def ensure_user(account: DemoAccount, **extra) -> User:
    user = User.objects.filter(email=account.email).first()
    if user is None:
        user = User.objects.create_user(email=account.email, full_name=account.full_name, **extra)
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=account.email, defaults={"verified": True, "primary": True}
    )
    return user


def read_cities() -> list[dict[str, str]]:
    with CITIES_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


PROGRAMMES = {
    "vanguardia-2025": {
        "name": "Municipios a la vanguardIA",
        "description": "Programa piloto 2025 de comunas chilenas que incorporan inteligencia "
        "artificial en sus servicios.",
    },
}
# Programme tags of the CSV that stand for founding membership of a chapter.
FOUNDING_TAGS = {
    "ciar-cl-2026": ("CL", date(2026, 1, 15)),
    "ciiar-ar-founding": ("AR", date(2024, 11, 28)),
}
CENSUS_YEAR = re.compile(r"Censo (\d{4})")


def seed_municipalities(chapters: dict[str, Chapter]) -> None:
    """The 29 real municipalities of the source documents, created once (officers' later
    edits are kept on re-runs)."""
    from municipalities.models import Membership, Municipality, Programme

    programmes = {
        slug: Programme.objects.update_or_create(slug=slug, defaults=data)[0]
        for slug, data in PROGRAMMES.items()
    }
    now = timezone.now()
    for index, row in enumerate(read_cities()):
        tags = [tag for tag in row["programmes"].split(";") if tag]
        year = CENSUS_YEAR.search(row["population_source"])
        municipality, created = Municipality.objects.get_or_create(
            slug=slugify(row["name"]),
            defaults={
                "name": row["name"],
                "chapter": chapters[row["country"]],
                "country": row["country"],
                "region": row["region"],
                "province": row["province"],
                "population": int(row["population"]) if row["population"] else None,
                "population_source": row["population_source"],
                "population_year": int(year.group(1)) if year else None,
                "latitude": Decimal(row["latitude"]) if row["latitude"] else None,
                "longitude": Decimal(row["longitude"]) if row["longitude"] else None,
                "official_website": row["official_website"],
                # A few profiles are left over a year old so the "may be out of date"
                # notice and the staff's stale list have something to show.
                "profile_updated_at": now - timedelta(days=400 if index % 7 == 3 else index),
            },
        )
        if created:
            municipality.programmes.set([programmes[tag] for tag in tags if tag in programmes])
        for tag in tags:
            if tag in FOUNDING_TAGS:
                country, joined_on = FOUNDING_TAGS[tag]
                Membership.objects.get_or_create(
                    municipality=municipality,
                    chapter=chapters[country],
                    defaults={
                        "status": Membership.Status.MEMBER,
                        "founding_member": True,
                        "joined_on": joined_on,
                    },
                )


@transaction.atomic
def seed_demo() -> list[DemoAccount]:
    from calls.demo import approve_officer, seed_calls
    from municipalities.models import Municipality, Officer

    chapters = {}
    for data in CHAPTERS:
        chapter, _ = Chapter.objects.update_or_create(slug=data["slug"], defaults=data)
        chapters[data["country"]] = chapter
    seed_municipalities(chapters)

    _admin, staff_cl, staff_ar, committee, officer, visitor = (
        ensure_user(account, **({"is_staff": True, "is_superuser": True} if i == 0 else {}))
        for i, account in enumerate(ACCOUNTS)
    )
    ChapterStaff.objects.get_or_create(chapter=chapters["CL"], user=staff_cl)
    ChapterStaff.objects.get_or_create(chapter=chapters["AR"], user=staff_ar)

    approve_officer(officer, "puente-alto", "Jefe de Innovación")
    applicants = [(officer, "puente-alto")]
    for slug, name in [("quinta-normal", "Rocío Muñoz"), ("huechuraba", "Tomás Aravena")]:
        account = DemoAccount(f"{slug}@demo.coalicion.test", name, "")
        user = ensure_user(account)
        approve_officer(user, slug, "Encargado/a de Innovación")
        applicants.append((user, slug))
    seed_calls(
        chapters=chapters,
        staff={"CL": staff_cl, "AR": staff_ar},
        committee=committee,
        applicants=applicants,
    )
    from projects.demo import seed_projects

    seed_projects()
    # A pending request, so the staff of CIAR Chile have something to decide.
    Officer.objects.get_or_create(
        user=visitor,
        municipality=Municipality.objects.get(slug="temuco"),
        defaults={"position": "Encargada de Transformación Digital"},
    )
    return ACCOUNTS
