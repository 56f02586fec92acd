"""Demo indicators (fictional figures, labelled as such), called by projects.demo.seed_projects.

La Serena's AI triage of building-permit requests: average days to process a permit, lower is
better, baseline 45 on 1 January 2025, targets 30 by the end of 2025 and 20 by the end of 2026,
quarterly measurements falling 41 → 38 → 31 → 29 → 28 → 27 → 26 (only the quarters that have
ended on the day the demo is loaded). A few more on other projects. Idempotent: indicators
are found by project and name, targets and measurements by period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from municipalities.models import Officer
from projects.indicators.models import Indicator, Measurement, Target
from projects.models import Project

FICTIONAL = "Datos ficticios de demostración."


def quarter(year: int, number: int) -> tuple[date, date]:
    ends = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
    month, day = ends[number]
    return date(year, month - 2, 1), date(year, month, day)


@dataclass
class DemoIndicator:
    project: str
    name: str
    description: str
    unit: str
    measure: str
    direction: str
    baseline: tuple[str, date]
    targets: list[tuple[date, date, str]]
    # (period, value)
    measurements: list[tuple[tuple[date, date], str]] = field(default_factory=list)
    method: str = ""
    link: str = ""


INDICATORS = [
    DemoIndicator(
        project="la-serena-triaje-permisos-dom",
        name="Días promedio para resolver un permiso de edificación",
        description="Días corridos entre el ingreso de la solicitud completa y la resolución "
        "de la Dirección de Obras Municipales. " + FICTIONAL,
        unit="días",
        measure=Indicator.Measure.NUMBER,
        direction=Indicator.Direction.DECREASE,
        baseline=("45", date(2025, 1, 1)),
        targets=[
            (date(2025, 1, 1), date(2025, 12, 31), "30"),
            (date(2026, 1, 1), date(2026, 12, 31), "20"),
        ],
        measurements=[
            (quarter(2025, 1), "41"),
            (quarter(2025, 2), "38"),
            (quarter(2025, 3), "31"),
            (quarter(2025, 4), "29"),
            (quarter(2026, 1), "28"),
            (quarter(2026, 2), "27"),
            (quarter(2026, 3), "26"),
        ],
        method="Promedio de los expedientes resueltos en el trimestre, según el sistema de "
        "expedientes de la DOM (ficticio).",
        link="https://example.org/la-serena/dom-indicadores",
    ),
    DemoIndicator(
        project="la-serena-triaje-permisos-dom",
        name="Solicitudes derivadas a la fila rápida",
        description="Porcentaje de solicitudes clasificadas como simples al ingresar. " + FICTIONAL,
        unit="%",
        measure=Indicator.Measure.PERCENTAGE,
        direction=Indicator.Direction.INCREASE,
        baseline=("0", date(2025, 1, 1)),
        targets=[(date(2026, 1, 1), date(2026, 12, 31), "40")],
        measurements=[
            (quarter(2025, 2), "12"),
            (quarter(2025, 3), "24.5"),
            (quarter(2025, 4), "31"),
            (quarter(2026, 1), "33"),
            (quarter(2026, 2), "35"),
            (quarter(2026, 3), "36"),
        ],
        method="Registro del clasificador, revisado por la DOM (ficticio).",
    ),
    DemoIndicator(
        project="cordoba-rosario-asistente-vecinal",
        name="Consultas resueltas sin derivar a una persona",
        description="Porcentaje de consultas que el asistente respondió sin derivación y que "
        "el vecino marcó como resueltas. " + FICTIONAL,
        unit="%",
        measure=Indicator.Measure.PERCENTAGE,
        direction=Indicator.Direction.INCREASE,
        baseline=("0", date(2025, 5, 5)),
        targets=[(date(2026, 1, 1), date(2026, 6, 30), "60")],
        measurements=[
            (quarter(2025, 3), "35"),
            (quarter(2025, 4), "48"),
            (quarter(2026, 1), "52"),
            (quarter(2026, 2), "58"),
        ],
        method="Encuesta de una pregunta al cerrar cada conversación (ficticio).",
    ),
    DemoIndicator(
        project="valparaiso-rutas-recoleccion-residuos",
        name="Rutas de recolección publicadas como datos abiertos",
        description="Si las rutas y horarios optimizados se publican como datos abiertos. "
        + FICTIONAL,
        unit="",
        measure=Indicator.Measure.YES_NO,
        direction=Indicator.Direction.INCREASE,
        baseline=("0", date(2024, 11, 4)),
        targets=[(date(2025, 1, 1), date(2025, 12, 31), "1")],
        measurements=[(quarter(2025, 2), "1")],
    ),
]


def seed_indicators() -> list[Indicator]:
    today = timezone.localdate()
    created = []
    for spec in INDICATORS:
        project = Project.objects.filter(slug=spec.project).first()
        if project is None:
            continue
        reporter = (
            Officer.objects.filter(
                municipality__project_links__project=project, status=Officer.Status.APPROVED
            )
            .order_by("pk")
            .values_list("user_id", flat=True)
            .first()
        )
        indicator, _new = Indicator.objects.update_or_create(
            project=project,
            name=spec.name,
            defaults={
                "description": spec.description,
                "unit": spec.unit,
                "measure": spec.measure,
                "direction": spec.direction,
                "baseline_value": Decimal(spec.baseline[0]),
                "baseline_date": spec.baseline[1],
            },
        )
        for start, end, value in spec.targets:
            Target.objects.update_or_create(
                indicator=indicator,
                period_start=start,
                period_end=end,
                defaults={"value": Decimal(value)},
            )
        for (start, end), value in spec.measurements:
            if end >= today:
                continue  # a quarter that has not ended yet has no measurement
            Measurement.objects.update_or_create(
                indicator=indicator,
                period_start=start,
                period_end=end,
                defaults={
                    "value": Decimal(value),
                    "method": spec.method,
                    "evidence_link": spec.link,
                    "reported_by_id": reporter,
                    "reported_at": min(
                        timezone.now(),
                        timezone.make_aware(datetime.combine(end + timedelta(days=12), time(10))),
                    ),
                },
            )
        created.append(indicator)
    return created
