"""coalition.instants writes the common date characters itself (month names, English "N" and
"P" with their words translated once per language) instead of Django's DateFormat: the text
must stay exactly Django's, in every language of the portal."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import formats, translation

from coalition import instants

SANTIAGO = ZoneInfo("America/Santiago")
FORMATS = ["DATETIME_FORMAT", "DATE_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT"]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("fmt", FORMATS)
def test_instants_are_written_as_django_writes_them(language, fmt):
    moments = [
        datetime(2026, month, 3, hour, minute, tzinfo=SANTIAGO)
        for month in range(1, 13)
        for hour in range(24)
        for minute in (0, 5, 30)
    ]
    with translation.override(language):
        write = instants.local_formatter(SANTIAGO.key, fmt=fmt, with_zone=False)
        assert [write(moment) for moment in moments] == [
            formats.date_format(moment, fmt) for moment in moments
        ]


def test_english_noon_and_midnight():
    with translation.override("en"):
        write = instants.local_formatter(SANTIAGO.key, with_zone=False)
        assert write(datetime(2026, 9, 1, 0, 0, tzinfo=SANTIAGO)) == "Sept. 1, 2026, midnight"
        assert write(datetime(2026, 9, 1, 12, 0, tzinfo=SANTIAGO)) == "Sept. 1, 2026, noon"
        assert write(datetime(2026, 9, 1, 13, 5, tzinfo=SANTIAGO)) == "Sept. 1, 2026, 1:05 p.m."
