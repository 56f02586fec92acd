"""The public call page (timeline as steps, benefits and commitments as lists, no apply after
closing), the calls app's panels on the home page, and the file inputs' words."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.templatetags.calls_text import text_items
from municipalities.models import Membership
from tests.calls.helpers import make_call
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def steps(html: str) -> list[str]:
    """The <li> tags of the timeline's ordered list."""
    timeline = re.search(r'<ol class="steps"[^>]*>(.*?)</ol>', html, re.S)
    assert timeline, "the timeline is an ordered list of steps"
    return re.findall(r"<li[^>]*>", timeline.group(1))


# --- Text written one item per line ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (
            "Red de cooperación.\nProyectos colaborativos.",
            ["Red de cooperación.", "Proyectos colaborativos."],
        ),
        ("- uno\n- dos\n\n* tres\n• cuatro", ["uno", "dos", "tres", "cuatro"]),
        ("1. uno\n2) dos\na) tres", ["uno", "dos", "tres"]),
        ("uno • dos • tres", ["uno", "dos", "tres"]),
        (
            "Un solo párrafo, con un guion - en medio.",
            ["Un solo párrafo, con un guion - en medio."],
        ),
        ("  \n\n", []),
        ("", []),
        ("Línea\r\nsegunda", ["Línea", "segunda"]),
    ],
)
def test_text_items_split_lines_and_bullets(text, items):
    assert text_items(text) == items


def test_benefits_and_commitments_are_lists(anonymous, call):
    call.benefits = "- Red de cooperación entre pares.\n- Apoyo técnico y capacitación.\n"
    call.commitments = "1. Compartir datos.\n2. Un proyecto por año.\n3. Indicadores al día."
    call.save()
    html = html_of(anonymous, reverse("call_detail", args=[call.slug]))
    benefits = re.search(
        r'id="benefits-title".*?<ul class="text-items"[^>]*>(.*?)</ul>', html, re.S
    )
    commitments = re.search(
        r'id="commitments-title".*?<ul class="text-items"[^>]*>(.*?)</ul>', html, re.S
    )
    assert benefits and commitments
    assert re.findall(r"<li>(.*?)</li>", benefits.group(1)) == [
        "Red de cooperación entre pares.",
        "Apoyo técnico y capacitación.",
    ]
    assert len(re.findall(r"<li>", commitments.group(1))) == 3
    assert "<br>" not in html[html.index('id="benefits-title"') :]


def test_a_single_benefit_is_a_paragraph_and_markup_stays_text(anonymous, call):
    call.benefits = "<b>Visibilidad</b> para la ciudad."
    call.commitments = ""
    call.save()
    html = html_of(anonymous, reverse("call_detail", args=[call.slug]))
    # (the paragraph may carry the chapter's lang attribute)
    assert re.search(r"<p[^>]*>&lt;b&gt;Visibilidad&lt;/b&gt; para la ciudad\.</p>", html)
    assert 'id="commitments-title"' not in html


# --- The timeline and the apply section --------------------------------------------------------


def test_open_call_marks_the_first_step_and_offers_to_apply(officer_client, call):
    html = html_of(officer_client, reverse("call_detail", args=[call.slug]))
    tags = steps(html)
    assert len(tags) == 3
    assert ['aria-current="step"' in tag for tag in tags] == [True, False, False]
    assert 'data-countdown="' in html
    assert f'action="{reverse("application_start", args=[call.slug])}"' in html
    assert "Apply for Peñalolén" in html


def close(call) -> None:
    """Closed a minute ago (the clock is not moved: the officer's session would expire)."""
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.save()


def test_closed_call_marks_evaluation_and_offers_no_apply(officer_client, call):
    close(call)
    html = html_of(officer_client, reverse("call_detail", args=[call.slug]))
    tags = steps(html)
    assert ['aria-current="step"' in tag for tag in tags] == [False, True, False]
    assert "step-done" in tags[0]
    assert 'id="apply-title"' not in html
    assert reverse("application_start", args=[call.slug]) not in html
    assert "Apply for" not in html
    assert "This call is closed." in html
    assert "data-countdown" not in html


def test_announced_call_marks_the_last_step(anonymous, call, monkeypatch):
    later = call.announces_at + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    html = html_of(anonymous, reverse("call_detail", args=[call.slug]))
    assert ['aria-current="step"' in tag for tag in steps(html)] == [False, False, True]
    assert 'id="apply-title"' not in html


def test_upcoming_call_has_no_current_step_yet(anonymous, chapter, staff_user):
    now = timezone.now()
    upcoming = make_call(
        chapter,
        staff_user,
        slug="proxima",
        opens_at=now + timedelta(days=3),
        closes_at=now + timedelta(days=30),
    )
    html = html_of(anonymous, reverse("call_detail", args=[upcoming.slug]))
    assert not any('aria-current="step"' in tag for tag in steps(html))
    assert 'data-countdown-kind="opens"' in html
    assert 'id="apply-title"' not in html


def test_an_officer_keeps_the_way_to_their_application_after_closing(
    officer_client, call, application
):
    close(call)
    html = html_of(officer_client, reverse("call_detail", args=[call.slug]))
    assert reverse("application_edit", args=[application.pk]) in html
    assert reverse("application_start", args=[call.slug]) not in html


# --- The home page ---------------------------------------------------------------------------


def test_home_features_the_open_call_with_its_countdown(anonymous, call):
    html = html_of(anonymous, reverse("home"))
    featured = html[html.index('class="card featured-calls"') :]
    assert call.title in featured
    assert f'href="{reverse("call_detail", args=[call.slug])}"' in featured
    assert 'class="countdown" role="timer"' in featured
    assert "Closes in" in featured  # the server's text, before countdown.js takes over
    assert "/static/js/countdown.js" in html
    assert "Coming soon" not in html and "Próximamente" not in html


def test_home_shows_nothing_for_calls_when_there_are_none(anonymous, db):
    html = html_of(anonymous, reverse("home"))
    assert "featured-calls" not in html
    assert "selected-cities" not in html
    assert "countdown.js" not in html
    assert "Coming soon" not in html and "Próximamente" not in html


def test_home_lists_the_latest_selected_cities_once_announced(
    anonymous, chapter, staff_user, monkeypatch
):
    now = timezone.now()
    past = make_call(
        chapter,
        staff_user,
        slug="ciar-2025",
        title="Convocatoria CIAR 2025",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
        announces_at=now - timedelta(days=30),
    )
    for name in ["Renca", "La Pintana"]:
        city = MunicipalityFactory(chapter=chapter, name=name)
        Membership.objects.create(municipality=city, chapter=chapter, cohort=past)
    html = html_of(anonymous, reverse("home"))
    panel = html[html.index('class="card selected-cities"') :]
    assert "Convocatoria CIAR 2025" in panel
    assert panel.index("La Pintana") < panel.index("Renca")

    # Before the announcement instant, nobody is shown as selected.
    monkeypatch.setattr(timezone, "now", lambda: past.announces_at - timedelta(minutes=1))
    assert "selected-cities" not in html_of(anonymous, reverse("home"))


# --- File inputs ---------------------------------------------------------------------------


def test_document_inputs_have_a_label_and_say_which_file_is_there(officer_client, application):
    html = html_of(officer_client, reverse("application_edit", args=[application.pk]))
    for kind in ("letter", "report"):
        assert f'<label for="file-{kind}">Choose a PDF</label>' in html
        assert f'aria-describedby="file-{kind}-current"' in html
        current = re.search(rf'id="file-{kind}-current"[^>]*>([^<]*)<', html)
        assert current and current.group(1) == "No file chosen"
    assert 'class="file-button" aria-hidden="true">Choose file<' in html


def test_the_profile_logo_input_shows_the_current_file_without_a_storage_link(
    login, officer, municipality
):
    municipality.logo.name = "logos/penalolen-escudo.png"
    municipality.save()
    html = html_of(login(officer), reverse("municipality_edit", args=[municipality.slug]))
    existing = re.search(
        r'<span class="file-existing">(.*?)</span>\s*<span class="file-picker">', html, re.S
    )
    assert existing, "the current logo is named above the picker"
    assert "Currently" in existing.group(1) and "penalolen-escudo.png" in existing.group(1)
    assert "/media/" not in html and 'href="logos/' not in html  # uploads are private
    assert 'type="checkbox"' in existing.group(1)  # the box to remove it
    assert 'class="file-button" aria-hidden="true">Choose file<' in html


def test_home_panels_come_from_the_registry_in_order_and_only_with_content(rf):
    from coalition import panels

    saved = dict(panels._PANELS)
    try:
        panels._PANELS.clear()
        panels.register_home_panel(
            panels.HomePanel("b.second", "b.html", lambda request: {"n": 2}, order=20)
        )
        panels.register_home_panel(
            panels.HomePanel("a.first", "a.html", lambda request: {"n": 1}, order=10)
        )
        panels.register_home_panel(panels.HomePanel("c.empty", "c.html", lambda request: None))
        # Registering again under the same key replaces (ready() may run more than once).
        panels.register_home_panel(
            panels.HomePanel("a.first", "a2.html", lambda request: {"n": 1}, order=10)
        )
        shown = panels.home_panels(rf.get("/"))
        assert [(p.key, p.template) for p in shown] == [
            ("a.first", "a2.html"),
            ("b.second", "b.html"),
        ]
    finally:
        panels._PANELS.clear()
        panels._PANELS.update(saved)


def test_the_calls_app_registers_its_home_panels():
    from coalition.panels import _PANELS

    assert {"calls.open", "calls.selected"} <= set(_PANELS)
