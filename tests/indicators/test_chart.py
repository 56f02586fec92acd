"""The server-drawn chart: accessible SVG, summary sentence, table; nothing the CSP forbids."""

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from projects.indicators.chart import build_chart, date_ticks, nice_step
from projects.indicators.formatting import month_year
from projects.indicators.selectors import project_indicators


def test_summary_sentence_of_the_permit_indicator(permits):
    with translation.override("en"):
        chart = build_chart(project_indicators(permits.project)[0])
        assert chart.summary == (
            "Baseline 45 days (Jan 2025); latest 26 days (Sep 2026); "
            "target 20 days by Dec 2026; 76 % of the way."
        )


def test_svg_is_an_image_with_title_desc_and_a_captioned_table(permits):
    with translation.override("en"):
        chart = build_chart(project_indicators(permits.project)[0])
        html = render_to_string("indicators/_chart.html", {"chart": chart})
    assert 'role="img"' in html
    ids = re.search(r'aria-labelledby="([^"]+)"', html.split("<svg", 1)[1]).group(1).split()
    for element_id in ids:
        assert f'id="{element_id}"' in html
    assert "<title id=" in html and "<desc id=" in html
    assert chart.summary in html
    assert "<caption>" in html
    # Baseline, two targets, two measurements: five rows, in order of date.
    rows = re.findall(
        r'<tr><th scope="row">(\w+)</th><td>([^<]+)</td><td class="number">([^<]+)<', html
    )
    assert [(kind, value) for kind, _period, value in rows] == [
        ("Baseline", "45 days"),
        ("Measurement", "38 days"),
        ("Target", "30 days"),
        ("Measurement", "26 days"),
        ("Target", "20 days"),
    ]
    # The CSP forbids inline script and style: none here, only presentation attributes.
    assert "<script" not in html and "style=" not in html and "<style" not in html
    # Coordinates are never localised.
    with translation.override("es"):
        html_es = render_to_string("indicators/_chart.html", {"chart": chart})
    assert re.search(r'cx="\d+\.\d"', html_es)
    for value in re.findall(r' (?:cx|cy|x|y|x1|x2|y1|y2)="([^"]*)"', html_es):
        assert re.fullmatch(r"-?\d+(\.\d)?", value), value
    for points in re.findall(r'points="([^"]*)"', html_es):
        assert all(re.fullmatch(r"-?\d+\.\d,-?\d+\.\d", pair) for pair in points.split())


def test_a_chart_with_only_a_baseline(published):
    from tests.indicators.conftest import days_indicator

    indicator = days_indicator(published)
    indicator.targets.all().delete()
    with translation.override("en"):
        chart = build_chart(project_indicators(published)[0])
    assert chart.summary == (
        "Baseline 45 days (Jan 2025); no measurement reported yet; no target set."
    )
    assert chart.measurement_path == "" and chart.target_path == ""


def test_ticks():
    import datetime as dt

    assert nice_step(25) == 10 or nice_step(25) == 5
    assert date_ticks(dt.date(2025, 1, 1), dt.date(2026, 12, 31))[0] == dt.date(2025, 1, 1)
    assert date_ticks(dt.date(2020, 1, 1), dt.date(2026, 12, 31))[-1] == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "ene 2025"), ("en", "Jan 2025"), ("pt-br", "jan 2025")],
)
def test_short_months_are_written_as_each_language_writes_them(language, expected):
    with translation.override(language):
        assert month_year(dt.date(2025, 1, 31)) == expected
