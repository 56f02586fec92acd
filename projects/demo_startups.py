"""Demo startups, sector tags and challenges (called first by projects.demo.seed_projects).

Every startup here is fictional ("(ficticio)"); their tax ids are made up but valid (their
check digits are verified by projects.taxids when seeding). The Renca challenge stands for the
problems the communes modelled for the July 2025 hackathon of "Municipios a la vanguardIA"
(seed 002). Idempotent: records are found by slug and refreshed, never duplicated.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from municipalities.models import Municipality
from projects.models import Challenge, SectorTag, Startup
from projects.taxids import normalize_tax_id

FICTIONAL = "Datos ficticios de demostración."

SECTORS = {
    "govtech": "GovTech",
    "lenguaje-natural": "Procesamiento de lenguaje natural",
    "vision-computador": "Visión por computador",
    "datos-abiertos": "Datos abiertos",
    "atencion-ciudadana": "Atención ciudadana",
    "movilidad": "Movilidad",
}

STARTUPS = [
    {
        "slug": "permisia",
        "name": "Permisia SpA (ficticia)",
        "country": "CL",
        "tax_id": "76.086.428-5",
        "website": "https://permisia.example",
        "description": "Clasificación asistida por IA de solicitudes de permisos de edificación "
        "para Direcciones de Obras Municipales: revisa que el expediente esté completo y lo "
        "deriva al revisor adecuado. " + FICTIONAL,
        "contact_name": "Valentina Soto (ficticio)",
        "contact_email": "contacto@permisia.example",
        "sectors": ["govtech", "lenguaje-natural"],
    },
    {
        "slug": "ciudata",
        "name": "Ciudata SAS (ficticia)",
        "country": "AR",
        "tax_id": "30-71234567-1",
        "website": "https://ciudata.example",
        "description": "Asistentes vecinales conversacionales y análisis de reclamos para "
        "municipios. " + FICTIONAL,
        "contact_name": "Martín Gómez (ficticio)",
        "contact_email": "hola@ciudata.example",
        "sectors": ["govtech", "lenguaje-natural", "atencion-ciudadana"],
    },
    {
        "slug": "rutaverde",
        "name": "RutaVerde Analytics SpA (ficticia)",
        "country": "CL",
        "tax_id": "76.543.210-3",
        "website": "https://rutaverde.example",
        "description": "Optimización de rutas de recolección de residuos y visión por computador "
        "para detectar microbasurales. " + FICTIONAL,
        "contact_name": "",
        "contact_email": "equipo@rutaverde.example",
        "sectors": ["vision-computador", "movilidad", "govtech"],
    },
    {
        "slug": "vozmunicipal",
        "name": "VozMunicipal SpA (ficticia)",
        "country": "CL",
        "tax_id": "77.123.456-9",
        "website": "",
        "description": "Clasificación de reclamos vecinales, asistentes de trámites y "
        "transcripción de sesiones con modelos de lenguaje. " + FICTIONAL,
        "contact_name": "Ignacio Pérez (ficticio)",
        "contact_email": "ignacio@vozmunicipal.example",
        "sectors": ["atencion-ciudadana", "lenguaje-natural"],
    },
    {
        "slug": "agroriego",
        "name": "AgroRiego Andino SAS (ficticia)",
        "country": "AR",
        "tax_id": "30-71654321-4",
        "website": "https://agroriego.example",
        "description": "Sensores de humedad y modelos de riego para el arbolado urbano. "
        + FICTIONAL,
        "contact_name": "",
        "contact_email": "",
        "sectors": ["govtech"],
    },
    {
        # No project yet: its page stays private until a project of it is published.
        "slug": "datos-del-sur",
        "name": "Datos del Sur SAS (ficticia)",
        "country": "AR",
        "tax_id": "30-70987654-2",
        "website": "https://datosdelsur.example",
        "description": "Publicación de datos abiertos municipales y modelos de demanda de "
        "transporte. " + FICTIONAL,
        "contact_name": "",
        "contact_email": "",
        "sectors": ["datos-abiertos", "movilidad"],
    },
]

SANTIAGO = ZoneInfo("America/Santiago")
BUENOS_AIRES = ZoneInfo("America/Argentina/Buenos_Aires")

CHALLENGES = [
    {
        "slug": "renca-hackathon-2025-atencion-vecinal",
        "title": "Respuesta lenta a solicitudes y reclamos vecinales (hackatón Renca 2025)",
        "cities": ["renca"],
        "area": "citizen_service",
        "status": Challenge.Status.OPEN,
        "published_at": dt.datetime(2025, 7, 10, 18, 0, tzinfo=SANTIAGO),
        "description": "Modelado en los talleres de junio de 2025 y trabajado en la hackatón "
        "de Renca del 10 de julio de 2025 (programa «Municipios a la vanguardIA»): las "
        "solicitudes y reclamos llegan por teléfono, oficina de partes, redes sociales y "
        "formulario web; se registran a mano, se derivan por correo y muchas quedan sin "
        "respuesta o se responden semanas después. Se busca un prototipo que clasifique, "
        "derive y dé seguimiento a cada solicitud, usando un modelo de lenguaje "
        "latinoamericano como LatamGPT. Descripción ficticia basada en el programa público.",
        "affected": "Vecinas y vecinos que hacen solicitudes (luminarias, poda, aseo, "
        "seguridad), funcionarios de la Oficina de Partes y de las direcciones que responden.",
        "data_available": "Registro de solicitudes 2023-2025 (anonimizado), catálogo de "
        "direcciones municipales y tiempos de respuesta por tipo. (ficticio)",
    },
    {
        "slug": "la-serena-plazos-permisos-edificacion",
        "title": "Plazos largos en permisos de edificación de la Dirección de Obras",
        "cities": ["la-serena"],
        "area": "procedures",
        "status": Challenge.Status.ADDRESSED,
        "published_at": dt.datetime(2024, 11, 4, 10, 0, tzinfo=SANTIAGO),
        "description": "Las solicitudes de permisos de edificación tardan en promedio 45 días "
        "en resolverse; buena parte del tiempo se va en revisar expedientes incompletos y en "
        "derivarlos al revisor adecuado. " + FICTIONAL,
        "affected": "Personas y empresas que solicitan permisos; revisores de la DOM.",
        "data_available": "Historial de expedientes 2022-2024 con fechas de ingreso y "
        "resolución. (ficticio)",
    },
    {
        "slug": "cordoba-rosario-consultas-fuera-de-horario",
        "title": "Consultas vecinales fuera del horario de atención",
        "cities": ["cordoba", "rosario"],
        "area": "citizen_service",
        "status": Challenge.Status.OPEN,
        "published_at": dt.datetime(2025, 3, 17, 9, 0, tzinfo=BUENOS_AIRES),
        "description": "Desafío compartido: un tercio de las consultas llega de noche o en fin "
        "de semana y queda sin respuesta hasta el día hábil siguiente. " + FICTIONAL,
        "affected": "Vecinos que trabajan en horario de oficina; centros de atención.",
        "data_available": "Preguntas frecuentes y trámites publicados en datos abiertos.",
    },
    {
        "slug": "valparaiso-microbasurales",
        "title": "Detección temprana de microbasurales en quebradas",
        "cities": ["valparaiso"],
        "area": "environment",
        "status": Challenge.Status.OPEN,
        "published_at": dt.datetime(2025, 9, 1, 12, 0, tzinfo=SANTIAGO),
        "description": "Los microbasurales en quebradas aumentan el riesgo de incendios; hoy "
        "se detectan por denuncias. " + FICTIONAL,
        "affected": "Vecinos de los cerros, equipos de aseo y de emergencias.",
        "data_available": "Denuncias georreferenciadas 2024-2025. (ficticio)",
    },
    {
        "slug": "quinta-normal-borrador-becas",
        "title": "Postulación a becas municipales (borrador)",
        "cities": ["quinta-normal"],
        "area": "education",
        "status": Challenge.Status.DRAFT,
        "published_at": None,
        "description": "Borrador sin publicar: solo lo ven los funcionarios de la comuna y el "
        "equipo de la coalición. " + FICTIONAL,
        "affected": "",
        "data_available": "",
    },
]


@transaction.atomic
def seed_startups_and_challenges() -> dict[str, list]:
    """Create or refresh the demo sector tags, startups and challenges."""
    tags = {
        slug: SectorTag.objects.update_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in SECTORS.items()
    }
    startups = []
    for data in STARTUPS:
        data = dict(data)
        sectors = data.pop("sectors")
        slug = data.pop("slug")
        data["tax_id"] = normalize_tax_id(data["country"], data["tax_id"])
        startup, _ = Startup.objects.update_or_create(slug=slug, defaults=data)
        startup.sectors.set([tags[s] for s in sectors])
        startups.append(startup)
    cities = {m.slug: m for m in Municipality.objects.all()}
    challenges = []
    for data in CHALLENGES:
        data = dict(data)
        slug, city_slugs = data.pop("slug"), data.pop("cities")
        present = [cities[s] for s in city_slugs if s in cities]
        if not present:
            continue
        challenge, _ = Challenge.objects.update_or_create(slug=slug, defaults=data)
        challenge.municipalities.set(present)
        challenges.append(challenge)
    return {"startups": startups, "challenges": challenges}
