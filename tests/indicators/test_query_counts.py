"""The indicator pages make the same number of queries with a little and with a lot of data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.indicators.models import Indicator, Measurement, Target
from projects.models import Project
from tests.projects.factories import build_project
from tests.query_counts import page_queries

pytestmark = pytest.mark.django_db


def grow(project, officer, n: int) -> None:
    """`n` more indicators, each with two targets and `n` quarterly measurements."""
    start = Indicator.objects.filter(project=project).count()
    for i in range(start, start + n):
        indicator = Indicator.objects.create(
            project=project,
            name=f"Indicador {i}",
            unit="días",
            measure="number",
            direction="decrease",
            baseline_value=Decimal(45),
            baseline_date=dt.date(2020, 1, 1),
        )
        Target.objects.create(
            indicator=indicator,
            period_start=dt.date(2030, 1, 1),
            period_end=dt.date(2030, 12, 31),
            value=Decimal(20),
        )
        Measurement.objects.bulk_create(
            Measurement(
                indicator=indicator,
                period_start=dt.date(2020 + q // 4, q % 4 * 3 + 1, 1),
                period_end=dt.date(2020 + q // 4, q % 4 * 3 + 1, 28),
                value=Decimal(45 - q % 20),
                reported_by=officer,
            )
            for q in range(n)
        )


def grow_owing(la_serena, n: int) -> None:
    """`n` projects in production that owe their report."""
    for _ in range(n):
        project = build_project([la_serena], status=Project.Status.PRODUCTION)
        Indicator.objects.create(
            project=project,
            name="Días",
            baseline_value=Decimal(1),
            baseline_date=dt.date(2020, 1, 1),
        )


def test_pages_keep_their_query_count(client, officer, staff, published, la_serena):
    urls = {
        "public": [
            reverse("project_indicators", args=[published.slug]),
            reverse("project_detail", args=[published.slug]),
            reverse("indicators_csv", args=[published.slug]),
            reverse("measurements_csv"),
            reverse("measurements_json"),
        ],
        "officer": [
            reverse("project_indicators", args=[published.slug]),
            reverse("indicators_import", args=[published.slug]),
        ],
        "staff": [reverse("staff_overdue_reports")],
    }
    users = {"public": None, "officer": officer, "staff": staff}

    def counts() -> dict[str, int]:
        found = {}
        for who, addresses in urls.items():
            client.logout()
            if users[who]:
                client.force_login(users[who])
            for url in addresses:
                found[f"{who} {url}"] = page_queries(client, url, cold_cache=True)
        return found

    grow(published, officer, 2)
    grow_owing(la_serena, 2)
    small = counts()
    grow(published, officer, 4)
    grow_owing(la_serena, 4)
    assert Measurement.objects.count() == 2 * 2 + 4 * 4
    assert counts() == small


def test_owing_projects_is_one_query(la_serena, django_assert_num_queries):
    from projects.indicators import schedule

    grow_owing(la_serena, 3)
    with django_assert_num_queries(1):
        assert len(list(schedule.owing_projects(timezone.localdate()))) == 3
