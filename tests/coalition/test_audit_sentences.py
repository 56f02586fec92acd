"""The audit log reads as sentences in the reader's language, with states by their label and
instants in the chapter's time zone with its name; every action the code records has its
sentence, registered by the app that owns it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from calls.models import Application
from coalition.audit import describe, record_event, registered_actions
from coalition.instants import format_instant, zone_name
from tests.factories import CallFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

SOURCE_DIRS = ("coalition", "calls", "municipalities", "projects")
# `action="call.publish"`, and the names of a conditional `action="a.b" if ... else "c.d"`.
ACTION_LITERAL = re.compile(
    r'action\s*=\s*"([a-z_]+\.[a-z_]+)"(?:\s+if\s+.+?\s+else\s+"([a-z_]+\.[a-z_]+)")?'
)


def recorded_actions() -> set[str]:
    """Every action name written as a literal next to `action=` in the source."""
    found = set()
    for folder in SOURCE_DIRS:
        for path in (Path(settings.BASE_DIR) / folder).rglob("*.py"):
            for names in ACTION_LITERAL.findall(path.read_text(encoding="utf-8")):
                found.update(name for name in names if name)
    # Built with an f-string in municipalities.services._decide.
    return found | {"officer.approve", "officer.refuse"}


def test_every_recorded_action_has_a_sentence():
    missing = recorded_actions() - set(registered_actions())
    assert not missing, (
        "Audit actions without a sentence (register them in the app's audit_actions.py): "
        f"{sorted(missing)}"
    )


def test_submission_reads_as_a_sentence_with_state_labels_and_zone(client, staff_user, chapter):
    call = CallFactory(chapter=chapter, title="Convocatoria 2027")
    city = MunicipalityFactory(name="Puente Alto", chapter=chapter)
    application = Application.objects.create(call=call, municipality=city)
    record_event(
        actor=staff_user,
        action="application.submit",
        target=application,
        chapter=chapter,
        from_state="draft",
        to_state="submitted",
    )
    staff_user.language = "en"
    staff_user.save(update_fields=["language"])
    client.force_login(staff_user)

    content = client.get(reverse("audit_log")).content.decode()

    assert f"{staff_user.full_name} submitted the application of {application}" in content
    assert "Draft → Submitted" in content
    assert "Santiago time" in content
    assert "<code>" not in content  # no raw action code shown
    text = re.sub(r"<[^>]+>", " ", content)
    assert "application.submit" not in text
    assert "submitted</td>" not in content


def test_unknown_action_falls_back_to_a_generic_sentence(chapter):
    event = record_event(actor=None, action="something.new", chapter=chapter)
    with translation.override("en"):
        assert describe(event) == "The system made a change"


def test_instants_carry_the_name_of_their_zone():
    instant = datetime(2026, 7, 1, 16, 0, tzinfo=UTC)
    with translation.override("en"):
        assert zone_name("America/Argentina/Buenos_Aires") == "Buenos Aires time"
        assert zone_name("America/Caracas") == "Caracas time"
        santiago = format_instant(instant, "America/Santiago", fmt="H:i")
        buenos_aires = format_instant(instant, "America/Argentina/Buenos_Aires", fmt="H:i")
        site_default = format_instant(instant, None, fmt="H:i")
    assert santiago == "12:00 (Santiago time)"  # UTC-4 in July
    assert buenos_aires == "13:00 (Buenos Aires time)"
    assert site_default == santiago  # chapter-less events: the site's default zone
