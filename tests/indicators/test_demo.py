"""The demo's indicators: La Serena's permit days, idempotent."""

import pytest
from django.utils import translation

from projects.indicators.chart import build_chart
from projects.indicators.demo import seed_indicators
from projects.indicators.models import Indicator, Measurement
from projects.indicators.selectors import project_indicators
from projects.models import Project
from tests.projects.factories import build_project

pytestmark = pytest.mark.django_db


def test_demo_indicators_are_seeded_once(la_serena, officer):
    project = build_project(
        [la_serena], slug="la-serena-triaje-permisos-dom", status=Project.Status.PRODUCTION
    )
    seed_indicators()
    days = Indicator.objects.get(project=project, name__startswith="Días promedio")
    assert days.baseline_value == 45 and days.direction == "decrease"
    assert [str(t.value) for t in days.targets.order_by("period_end")] == ["30.0000", "20.0000"]
    values = list(days.measurements.order_by("period_end").values_list("value", flat=True))
    assert values[:4] == [41, 38, 31, 29]
    counts = (Indicator.objects.count(), Measurement.objects.count())
    seed_indicators()
    assert (Indicator.objects.count(), Measurement.objects.count()) == counts
    indicator = next(i for i in project_indicators(project) if i.pk == days.pk)
    with translation.override("en"):
        summary = build_chart(indicator).summary
    assert summary.startswith("Baseline 45 días (Jan 2025); latest ")
    assert days.measurements.first().reported_by == officer
