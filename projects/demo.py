"""Demo projects (called by coalition.demo.seed_demo after the calls). Idempotent: every row is
found by its fixed slug, so seed_demo can run again.

Order: startups and challenges (projects.demo_startups, if present), then the projects, then
indicators (projects.indicators.demo) and register entries (projects.register.demo), each if
its part is installed. All text is in Spanish; what is invented says so ("ficticio").
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from projects.models import (
    Challenge,
    Project,
    ProjectCity,
    ProjectLink,
    ProjectRevision,
    ProjectStartup,
    ProjectStatusChange,
    Startup,
)
from projects.services import refresh_search_text

FICTIONAL = "Datos ficticios de demostración."

# Startups the projects need, created here only when the startups part has not (fixed slugs
# shared with projects.demo_startups; tax ids left empty where the part would set them).
FALLBACK_STARTUPS = {
    "permisia": ("Permisia SpA (ficticia)", "CL"),
    "ciudata": ("Ciudata SAS (ficticia)", "AR"),
    "rutaverde": ("RutaVerde Analytics (ficticia)", "CL"),
    "vozmunicipal": ("VozMunicipal (ficticia)", "CL"),
    "agroriego": ("AgroRiego Andino (ficticia)", "AR"),
}


@dataclass
class DemoProject:
    slug: str
    title: str
    cities: list[str]
    area: str
    statuses: list[tuple[str, date]]  # (status, date), oldest first; the last is current
    summary: str
    problem: str
    solution: str
    ai_technique: str = ""
    startups: list[tuple[str, str]] = field(default_factory=list)  # (slug, role)
    uses_ai: bool = True
    start: date | None = None
    end: date | None = None
    budget: Decimal | None = None
    currency: str = ""
    funding: str = ""
    challenge: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    visibility: str = Project.Visibility.PUBLISHED


PROJECTS = [
    DemoProject(
        slug="la-serena-triaje-permisos-dom",
        title="Triaje con IA de solicitudes de permisos de edificación (DOM La Serena)",
        cities=["la-serena"],
        area="procedures",
        statuses=[
            ("idea", date(2024, 9, 2)),
            ("pilot", date(2025, 1, 6)),
            ("production", date(2025, 7, 1)),
        ],
        summary="La Dirección de Obras Municipales de La Serena clasifica cada solicitud de "
        "permiso de edificación al ingresar, para que las simples no esperen detrás de las "
        "complejas. " + FICTIONAL,
        problem="Las solicitudes de permisos de edificación se revisaban por orden de llegada: "
        "una ampliación menor esperaba lo mismo que un edificio, en promedio 45 días.",
        solution="Al ingresar, cada solicitud se clasifica por complejidad y documentos "
        "faltantes; las simples van a una fila rápida y se avisa de inmediato lo que falta.",
        ai_technique="Un modelo de clasificación de texto entrenado con solicitudes pasadas "
        "(ya resueltas) lee la memoria y la lista de documentos, y propone una categoría; un "
        "revisor de la DOM confirma o corrige cada propuesta.",
        startups=[("permisia", "provider")],
        start=date(2025, 1, 6),
        budget=Decimal("48000000"),
        currency="CLP",
        funding="Fondo de innovación municipal (ficticio)",
        links=[("Ficha del proyecto (ficticia)", "https://example.org/la-serena/dom-triaje")],
    ),
    DemoProject(
        slug="cordoba-rosario-asistente-vecinal",
        title="Asistente vecinal compartido de Córdoba y Rosario",
        cities=["cordoba", "rosario"],
        area="citizen_service",
        statuses=[("idea", date(2025, 2, 3)), ("pilot", date(2025, 5, 5))],
        summary="Córdoba y Rosario desarrollan juntas un asistente que responde consultas de "
        "vecinos sobre trámites y reclamos, con la misma base de conocimiento. " + FICTIONAL,
        problem="Los centros de atención reciben miles de consultas repetidas por teléfono y "
        "redes; las respuestas varían según quién atiende.",
        solution="Un asistente en la web y en mensajería responde con información oficial de "
        "cada municipio y deriva a una persona cuando no sabe o el caso es sensible.",
        ai_technique="Un modelo de lenguaje que solo responde a partir de las fichas de "
        "trámites publicadas por cada ciudad (búsqueda en documentos), con derivación humana.",
        startups=[("ciudata", "co_developer")],
        start=date(2025, 5, 5),
        budget=Decimal("65000000"),
        currency="ARS",
        funding="Cofinanciado por ambos municipios (ficticio)",
    ),
    DemoProject(
        slug="renca-clasificador-reclamos-vecinales",
        title="Clasificación de reclamos vecinales en Renca",
        cities=["renca"],
        area="citizen_service",
        statuses=[("idea", date(2025, 6, 2)), ("pilot", date(2025, 10, 1))],
        summary="Nacido del desafío del hackatón 2025 de Renca: los reclamos llegan a la "
        "unidad correcta el mismo día. " + FICTIONAL,
        problem="Los reclamos llegan por cinco canales y se reasignan varias veces antes de "
        "llegar a la unidad que puede resolverlos.",
        solution="Cada reclamo se etiqueta con su tema y unidad responsable al ingresar.",
        ai_technique="Clasificación de texto con revisión humana de los casos dudosos.",
        startups=[("vozmunicipal", "provider")],
        start=date(2025, 10, 1),
        challenge="renca-hackathon-2025-atencion-vecinal",
    ),
    DemoProject(
        slug="valparaiso-rutas-recoleccion-residuos",
        title="Rutas de recolección de residuos optimizadas en Valparaíso",
        cities=["valparaiso"],
        area="environment",
        statuses=[("pilot", date(2024, 11, 4)), ("production", date(2025, 4, 1))],
        summary="Los camiones recolectores siguen rutas recalculadas cada semana según el "
        "llenado de contenedores. " + FICTIONAL,
        problem="Rutas fijas en cerros con calles estrechas: camiones llenos a mitad de "
        "recorrido y sectores sin retiro.",
        solution="Sensores de llenado y un planificador de rutas semanal.",
        ai_technique="Predicción del llenado de contenedores con series de tiempo y "
        "optimización de rutas.",
        startups=[("rutaverde", "provider")],
        start=date(2024, 11, 4),
    ),
    DemoProject(
        slug="providencia-asistente-tramites-en-linea",
        title="Asistente para trámites en línea de Providencia",
        cities=["providencia"],
        area="procedures",
        statuses=[("pilot", date(2025, 3, 3)), ("production", date(2025, 9, 1))],
        summary="Guía paso a paso para completar trámites en línea sin errores. " + FICTIONAL,
        problem="Un tercio de las solicitudes en línea llegaba incompleta.",
        solution="Un asistente revisa el formulario antes del envío y explica lo que falta.",
        ai_technique="Reglas y un modelo de lenguaje que explica en palabras simples.",
        startups=[("vozmunicipal", "provider")],
        start=date(2025, 3, 3),
    ),
    DemoProject(
        slug="maipu-deteccion-microbasurales",
        title="Detección de microbasurales en Maipú",
        cities=["maipu"],
        area="environment",
        statuses=[("idea", date(2025, 8, 1)), ("pilot", date(2026, 1, 12))],
        summary="Imágenes de los camiones municipales permiten encontrar microbasurales "
        "antes de que crezcan. " + FICTIONAL,
        problem="Los microbasurales se detectan solo cuando un vecino reclama.",
        solution="Las cámaras de los camiones capturan imágenes que se revisan "
        "automáticamente; las personas nunca quedan identificadas.",
        ai_technique="Visión por computador que detecta acumulaciones de basura y difumina "
        "rostros y patentes.",
        startups=[("rutaverde", "co_developer")],
        start=date(2026, 1, 12),
    ),
    DemoProject(
        slug="temuco-mapa-brechas-conectividad",
        title="Mapa de brechas de conectividad de Temuco",
        cities=["temuco"],
        area="connectivity",
        statuses=[("pilot", date(2024, 4, 1)), ("evaluated", date(2025, 3, 31))],
        summary="Un mapa público de la calidad de conexión por sector, para priorizar puntos "
        "de wifi gratuito. " + FICTIONAL,
        problem="No se sabía dónde la conexión era peor.",
        solution="Mediciones de voluntarios y operadores reunidas en un mapa abierto.",
        uses_ai=False,
        start=date(2024, 4, 1),
        end=date(2025, 3, 31),
    ),
    DemoProject(
        slug="puerto-montt-actas-concejo",
        title="Transcripción de sesiones del concejo de Puerto Montt",
        cities=["puerto-montt"],
        area="other",
        statuses=[("pilot", date(2025, 6, 2)), ("production", date(2025, 11, 3))],
        summary="Las sesiones del concejo se publican transcritas y buscables. " + FICTIONAL,
        problem="Las actas tardaban semanas y no eran buscables.",
        solution="Transcripción automática revisada por la secretaría municipal.",
        ai_technique="Reconocimiento automático del habla en español, con corrección humana.",
        startups=[("vozmunicipal", "provider")],
        start=date(2025, 6, 2),
    ),
    DemoProject(
        slug="mendoza-riego-arbolado-urbano",
        title="Riego inteligente del arbolado urbano de Mendoza",
        cities=["mendoza"],
        area="environment",
        statuses=[("idea", date(2025, 3, 1)), ("pilot", date(2025, 9, 15))],
        summary="Las acequias y el riego del arbolado se programan según el clima y la "
        "humedad del suelo. " + FICTIONAL,
        problem="Agua escasa y riego por calendario fijo.",
        solution="Sensores de humedad y pronóstico del tiempo deciden cuándo regar.",
        ai_technique="Modelo de predicción de necesidad de riego a partir de clima y sensores.",
        startups=[("agroriego", "provider")],
        start=date(2025, 9, 15),
    ),
    DemoProject(
        slug="neuquen-turnos-centros-salud",
        title="Asignación de turnos en centros de salud de Neuquén",
        cities=["neuquen"],
        area="health",
        statuses=[("pilot", date(2025, 8, 4))],
        summary="Menos turnos perdidos con recordatorios y reasignación de cupos. " + FICTIONAL,
        problem="Uno de cada cinco turnos se perdía sin aviso.",
        solution="Recordatorios y reasignación de cupos liberados a la lista de espera.",
        ai_technique="Estimación del riesgo de inasistencia para priorizar recordatorios; "
        "nunca para negar un turno.",
        startups=[("ciudata", "provider")],
        start=date(2025, 8, 4),
    ),
    DemoProject(
        slug="pilar-escobar-transporte-escolar",
        title="Recorridos de transporte escolar de Pilar y Escobar",
        cities=["pilar", "escobar"],
        area="mobility",
        statuses=[("idea", date(2026, 2, 2))],
        summary="Dos municipios vecinos diseñan juntos los recorridos escolares. " + FICTIONAL,
        problem="Recorridos superpuestos en el límite entre ambos partidos.",
        solution="Un planificador común de recorridos con los datos de matrícula.",
        ai_technique="Optimización de recorridos de vehículos.",
        startups=[("ciudata", "co_developer")],
        start=date(2026, 2, 2),
    ),
    DemoProject(
        slug="santiago-pronostico-demanda-ferias",
        title="Pronóstico de demanda en ferias libres de Santiago",
        cities=["santiago"],
        area="finance",
        statuses=[("pilot", date(2023, 5, 2)), ("retired", date(2024, 6, 28))],
        summary="Un piloto que terminó: los datos no bastaban para pronosticar. " + FICTIONAL,
        problem="Permisos de ferias asignados sin datos de demanda.",
        solution="Pronóstico de demanda por sector.",
        ai_technique="Series de tiempo con datos de permisos.",
        start=date(2023, 5, 2),
        end=date(2024, 6, 28),
    ),
    DemoProject(
        slug="puente-alto-asistente-licencias-conducir",
        title="Asistente de agenda para licencias de conducir (borrador)",
        cities=["puente-alto"],
        area="procedures",
        statuses=[("idea", date(2026, 3, 2))],
        summary="",
        problem="Largas esperas para renovar la licencia de conducir.",
        solution="Agenda en línea con recordatorios y documentos verificados antes.",
        startups=[("permisia", "provider")],
        start=date(2026, 4, 1),
        visibility=Project.Visibility.DRAFT,
    ),
]


def _optional(module: str, function: str) -> None:
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        return
    getattr(loaded, function)()


def _startup(slug: str) -> Startup:
    startup = Startup.objects.filter(slug=slug).first()
    if startup is None:
        name, country = FALLBACK_STARTUPS[slug]
        startup = Startup.objects.create(
            slug=slug, name=name, country=country, description=FICTIONAL
        )
    return startup


def _published_at(spec: DemoProject):
    first = spec.statuses[0][1]
    return timezone.make_aware(datetime.combine(first, time(12)))


def seed_project(spec: DemoProject) -> Project:
    from municipalities.models import Municipality

    cities = list(Municipality.objects.filter(slug__in=spec.cities).order_by("name"))
    published = spec.visibility == Project.Visibility.PUBLISHED
    project, _created = Project.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "area": spec.area,
            "problem": spec.problem,
            "solution": spec.solution,
            "uses_ai": spec.uses_ai,
            "ai_technique": spec.ai_technique,
            "status": spec.statuses[-1][0],
            "start_date": spec.start,
            "end_date": spec.end,
            "budget": spec.budget,
            "budget_currency": spec.currency,
            "funding_source": spec.funding,
            "summary": spec.summary,
            "visibility": spec.visibility,
            "published_at": _published_at(spec) if published else None,
            "challenge": Challenge.objects.filter(slug=spec.challenge).first()
            if spec.challenge
            else None,
        },
    )
    for city in cities:
        ProjectCity.objects.get_or_create(project=project, municipality=city)
    project.city_links.exclude(municipality__in=cities).delete()
    for slug, role in spec.startups:
        ProjectStartup.objects.update_or_create(
            project=project, startup=_startup(slug), defaults={"role": role}
        )
    project.status_changes.all().delete()
    for status, day in spec.statuses:
        ProjectStatusChange.objects.create(project=project, status=status, changed_on=day)
    project.links.all().delete()
    for title, url in spec.links:
        ProjectLink.objects.create(project=project, title=title, url=url)
    if not project.revisions.exists():
        ProjectRevision.objects.create(
            project=project,
            changes={
                "title": {"old": "", "new": spec.title},
                "cities": {"old": "", "new": ", ".join(c.name for c in cities)},
            },
        )
    refresh_search_text(project)
    return project


def seed_projects() -> list[Project]:
    _optional("projects.demo_startups", "seed_startups_and_challenges")
    projects = [seed_project(spec) for spec in PROJECTS]
    _optional("projects.indicators.demo", "seed_indicators")
    _optional("projects.register.demo", "seed_register")
    return projects
