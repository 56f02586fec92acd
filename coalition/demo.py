"""Demo data for a newcomer's first run and for the browser tests. Idempotent."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import transaction
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
    DemoAccount("municipio@demo.coalicion.test", "Diego Soto", "municipal officer (Maipú)"),
    DemoAccount("visitante@demo.coalicion.test", "Ana Pérez", "signed-in visitor"),
]


def ensure_user(account: DemoAccount, **extra) -> User:
    user = User.objects.filter(email=account.email).first()
    if user is None:
        user = User.objects.create_user(
            email=account.email, password=DEMO_PASSWORD, full_name=account.full_name, **extra
        )
    EmailAddress.objects.update_or_create(
        user=user, email=account.email, defaults={"verified": True, "primary": True}
    )
    return user


def read_cities() -> list[dict[str, str]]:
    with CITIES_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def seed_demo() -> list[DemoAccount]:
    from calls.models import Call, CommitteeMember
    from municipalities.models import Municipality, Officer

    chapters = {}
    for data in CHAPTERS:
        chapter, _ = Chapter.objects.update_or_create(slug=data["slug"], defaults=data)
        chapters[data["country"]] = chapter

    for row in read_cities():
        Municipality.objects.update_or_create(
            slug=slugify(f"{row['name']}-{row['country']}"),
            defaults={"name": row["name"], "country": row["country"], "region": row["region"]},
        )

    _admin, staff_cl, staff_ar, committee, officer, _visitor = (
        ensure_user(account, **({"is_staff": True, "is_superuser": True} if i == 0 else {}))
        for i, account in enumerate(ACCOUNTS)
    )
    ChapterStaff.objects.get_or_create(chapter=chapters["CL"], user=staff_cl)
    ChapterStaff.objects.get_or_create(chapter=chapters["AR"], user=staff_ar)

    call, _ = Call.objects.get_or_create(
        slug="ciiar-argentina-2025",
        defaults={
            "chapter": chapters["AR"],
            "title": "Convocatoria para integrar la CIIAR Argentina 2025",
        },
    )
    CommitteeMember.objects.get_or_create(call=call, user=committee)
    maipu = Municipality.objects.get(slug="maipu-cl")
    Officer.objects.update_or_create(
        user=officer, municipality=maipu, defaults={"status": Officer.Status.APPROVED}
    )
    return ACCOUNTS
