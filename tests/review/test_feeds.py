"""Atom feeds: a chapter's published calls, and its published results."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import Call
from calls.review import decisions, publication
from tests.calls.helpers import make_call

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url) -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - the portal's own response
    assert feed.tag == f"{ATOM}feed"
    return feed.findall(f"{ATOM}entry")


def test_calls_feed_lists_the_chapters_published_calls_only(
    review_call, chapter, other_chapter, staff_user, other_staff_user, anonymous
):
    now = timezone.now()
    Call.objects.create(chapter=chapter, title="Borrador interno", slug="borrador")
    make_call(
        other_chapter,
        other_staff_user,
        slug="convocatoria-ciiar",
        title="Convocatoria CIIAR Argentina",
        opens_at=now,
        closes_at=now + timezone.timedelta(days=5),
    )
    found = entries(anonymous, reverse("feed_chapter_calls", args=[chapter.slug]))
    titles = [entry.find(f"{ATOM}title").text for entry in found]
    assert titles == [review_call.title]
    link = found[0].find(f"{ATOM}link").get("href")
    assert link.endswith(reverse("call_detail", args=[review_call.slug]))


def test_unknown_chapter_is_a_404(anonymous, db):
    assert anonymous.get(reverse("feed_chapter_calls", args=["nadie"])).status_code == 404


def test_results_feed_shows_results_once_published(
    review_call,
    applications,
    chapter,
    staff_user,
    second_staff_user,
    anonymous,
    django_capture_on_commit_callbacks,
):
    url = reverse("feed_chapter_results", args=[chapter.slug])
    for application, outcome in zip(
        applications, ["selected", "not_selected", "selected", "waiting_list"], strict=True
    ):
        decisions.decision_record(
            application=application, actor=staff_user, outcome=outcome, rationale="Rúbrica"
        )
    proposal = publication.publication_propose(call=review_call, actor=staff_user)
    publication.publication_approve(publication=proposal, actor=second_staff_user)
    assert entries(anonymous, url) == []  # approved is not published

    with django_capture_on_commit_callbacks(execute=True):
        publication.results_publish_due(now=review_call.announces_at)
    found = entries(anonymous, url)
    assert len(found) == 1
    summary = found[0].find(f"{ATOM}summary").text
    assert "Peñalolén" in summary and "Viña del Mar" in summary
    assert "Renca" not in summary and "Temuco" not in summary


def test_call_page_announces_its_feeds(review_call, chapter, anonymous):
    page = anonymous.get(reverse("call_detail", args=[review_call.slug])).content.decode()
    assert reverse("feed_chapter_calls", args=[chapter.slug]) in page
    assert reverse("feed_chapter_results", args=[chapter.slug]) in page
