"""Instants on staff pages are shown in the zone of the chapter they belong to, with the zone's
name: an Argentine city's request in Buenos Aires time, a Chilean call in Santiago time, and
a staff member who runs both chapters sees each in its own zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from calls.models import Call
from coalition.models import ChapterStaff
from municipalities.models import Officer
from tests.factories import CallFactory, MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db

# 15 July 2027, 03:30 UTC: 23:30 on the 14th in Santiago (UTC-4), 00:30 in Buenos Aires (UTC-3).
WINTER = datetime(2027, 7, 15, 3, 30, tzinfo=UTC)


@pytest.fixture
def staff_of_both(staff_user, other_chapter):
    ChapterStaff.objects.create(chapter=other_chapter, user=staff_user)
    staff_user.language = "en"
    staff_user.save(update_fields=["language"])
    return staff_user


def test_officer_requests_in_the_zone_of_the_citys_chapter(client, staff_of_both, other_chapter):
    city = MunicipalityFactory(name="Rosario", chapter=other_chapter, country="AR")
    request = OfficerFactory(municipality=city, status=Officer.Status.PENDING)
    Officer.objects.filter(pk=request.pk).update(requested_at=WINTER)
    client.force_login(staff_of_both)
    page = client.get(reverse("officer_requests")).content.decode()
    assert "12:30 a.m. (Buenos Aires time)" in page
    assert "Santiago time" not in page


def test_staff_call_table_in_each_calls_zone(client, staff_of_both, chapter, other_chapter):
    CallFactory(chapter=chapter, closes_at=WINTER, status=Call.Status.PUBLISHED)
    CallFactory(chapter=other_chapter, closes_at=WINTER, status=Call.Status.PUBLISHED)
    client.force_login(staff_of_both)
    page = client.get(reverse("staff_call_list")).content.decode()
    assert "July 14, 2027, 11:30 p.m. (Santiago time)" in page
    assert "July 15, 2027, 12:30 a.m. (Buenos Aires time)" in page
