"""Atom feeds: each chapter's published calls, and its published results."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from calls.models import Call
from calls.review.models import Decision, ResultsPublication
from coalition.models import Chapter

FEED_SIZE = 30


class ChapterCallsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> Chapter:
        return get_object_or_404(Chapter, slug=slug)

    def title(self, chapter: Chapter) -> str:
        return _("Calls of %(chapter)s") % {"chapter": chapter.name}

    def subtitle(self, chapter: Chapter) -> str:
        return _("Application rounds published by %(chapter)s.") % {"chapter": chapter.name}

    def link(self, chapter: Chapter) -> str:
        return reverse("call_list")

    def items(self, chapter: Chapter):
        return Call.objects.filter(chapter=chapter, status=Call.Status.PUBLISHED).order_by(
            "-published_at", "-id"
        )[:FEED_SIZE]

    def item_title(self, call: Call) -> str:
        return call.title

    def item_description(self, call: Call) -> str:
        return call.summary

    def item_link(self, call: Call) -> str:
        return reverse("call_detail", args=[call.slug])

    def item_pubdate(self, call: Call):
        return call.published_at or call.opens_at

    def item_updateddate(self, call: Call):
        return call.published_at or call.opens_at


class ChapterResultsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> Chapter:
        return get_object_or_404(Chapter, slug=slug)

    def title(self, chapter: Chapter) -> str:
        return _("Results of the calls of %(chapter)s") % {"chapter": chapter.name}

    def subtitle(self, chapter: Chapter) -> str:
        return _("The cities selected in each call, once the results are published.")

    def link(self, chapter: Chapter) -> str:
        return reverse("call_list")

    def items(self, chapter: Chapter) -> list[ResultsPublication]:
        publications = list(
            ResultsPublication.objects.filter(
                call__chapter=chapter, status=ResultsPublication.Status.PUBLISHED
            )
            .select_related("call")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )
        # One query for the selected cities of every item, not one per item.
        selected: dict[int, list[str]] = {}
        for call_id, name in (
            Decision.objects.filter(
                application__call_id__in=[p.call_id for p in publications],
                outcome=Decision.Outcome.SELECTED,
            )
            .order_by("application__municipality__name")
            .values_list("application__call_id", "application__municipality__name")
        ):
            selected.setdefault(call_id, []).append(name)
        for item in publications:
            item.selected_names = selected.get(item.call_id, [])
        return publications

    def item_title(self, item: ResultsPublication) -> str:
        return _("Results: %(call)s") % {"call": item.call.title}

    def item_description(self, item: ResultsPublication) -> str:
        if not item.selected_names:
            return _("No city was selected.")
        return _("Selected cities: %(cities)s") % {"cities": ", ".join(item.selected_names)}

    def item_link(self, item: ResultsPublication) -> str:
        return reverse("call_detail", args=[item.call.slug])

    def item_guid(self, item: ResultsPublication) -> str:
        return f"results-{item.pk}"

    def item_pubdate(self, item: ResultsPublication):
        return item.published_at

    def item_updateddate(self, item: ResultsPublication):
        return item.published_at
