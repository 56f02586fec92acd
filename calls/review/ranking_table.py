"""The ranking table's rows as HTML, built in Python the way Django's admin builds its change
list: 500 rows of seventeen cells take a few milliseconds here and about a hundred through
the template engine. Text that comes from people (city, region) is escaped; every other cell
is a number this module formatted itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from calls.review.ranking import Ranking, RankingRow

DASH = "\u2014"


@dataclass(frozen=True)
class QueueItem:
    row: RankingRow
    url: str
    low: str
    high: str


class Formatter:
    def __init__(self, area: str):
        self.separator = get_format("DECIMAL_SEPARATOR")
        # One reverse for the whole table: the row URLs differ only by the id.
        self.pattern = reverse(f"results_discussion_{area}", args=[0]).replace("/0/", "/{}/")

    def number(self, value: float | None, digits: int = 1) -> str:
        return DASH if value is None else f"{value:.{digits}f}".replace(".", self.separator)

    def url(self, row: RankingRow) -> str:
        return self.pattern.format(row.application_id)


def queue_items(ranking: Ranking, *, area: str) -> list[QueueItem]:
    fmt = Formatter(area)
    return [
        QueueItem(row, fmt.url(row), fmt.number(row.low), fmt.number(row.high))
        for row in ranking.queue
    ]


def table_rows(
    ranking: Ranking, rows: list[RankingRow], *, area: str, show_outcome: bool
) -> list[SafeString]:
    fmt = Formatter(area)
    number = fmt.number
    disagree = format_html('<span class="badge badge-flagged">{}</span>', _("Reviewers disagree"))
    discussed = format_html(' <span class="badge">{}</span>', _("Discussed"))
    outcome_badges = {}
    lines = []
    for row in rows:
        spread = DASH if row.low is None else f"{number(row.low)}\u2013{number(row.high)}"
        coverage = DASH if row.coverage is None else f"{number(row.coverage, 0)} %"
        numbers = [number(row.median), spread, number(row.stdev), coverage]
        numbers += [number(value) for value in row.criterion_means(ranking.criteria)]
        badges = disagree if row.disagreement else ""
        if row.discussed:
            badges += discussed
        if show_outcome and row.outcome:
            if row.outcome not in outcome_badges:
                outcome_badges[row.outcome] = format_html(
                    ' <span class="badge badge-{}">{}</span>', row.outcome, row.outcome_label
                )
            badges += outcome_badges[row.outcome]
        cells = "".join(f'<td class="number">{value}</td>' for value in numbers)
        opening = '<tr class="flagged">' if row.disagreement else "<tr>"
        lines.append(
            mark_safe(  # noqa: S308 - people's text escaped here, the rest formatted above
                f'{opening}<td class="number">{row.rank or DASH}</td>'
                f'<th scope="row"><a href="{escape(fmt.url(row))}">{escape(row.city)}</a></th>'
                f"<td>{escape(row.region) if row.region else DASH}</td>"
                f'<td class="number">{row.submitted} / {row.assigned}</td>'
                f'<td class="number">{number(row.mean)}</td>'
                f'<td class="number advisory">{number(row.adjusted)}</td>'
                f"{cells}<td>{badges}</td></tr>"
            )
        )
    return lines
