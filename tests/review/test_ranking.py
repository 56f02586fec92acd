"""The ranking: statistics, "cannot assess" never counted as 0, leniency adjustment,
disagreement queue, sorting, and a query count that does not grow with the call."""

from __future__ import annotations

import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls.models import Application
from calls.review.models import Discussed
from calls.review.ranking import call_ranking, ordered_for_display
from calls.review.scoring import leniency_adjusted, reviewer_adjustment
from tests.factories import MunicipalityFactory
from tests.review.results_fixtures import (
    set_rubric_levels,
    write_review,
)

pytestmark = pytest.mark.django_db

# Weights 40, 35, 25; levels 0-5 (5 = 100 points).
PARTIAL = 100 * 40 / 65  # [5, cannot assess, 0]: 61.54, on 65 % of the weight


@pytest.fixture
def scored(review_call, applications, far_official, expert, second_expert):
    """Peñalolén reviewed three times, one review with a "cannot assess"; Renca once."""
    set_rubric_levels(review_call)
    penalolen, renca = applications[0], applications[1]
    write_review(far_official, penalolen, [5, 5, 5])  # 100
    write_review(expert, penalolen, [4, 4, 4])  # 80
    write_review(second_expert, penalolen, [5, None, 0])  # 61.54, coverage 65
    write_review(expert, renca, [3, 3, 3])  # 60
    write_review(far_official, renca, [0, 0, 0], submit=False)  # a draft: never counted
    return applications


def test_statistics_of_a_row(scored):
    row = call_ranking(scored[0].call).row(scored[0].pk)
    assert row.submitted == 3 and row.assigned == 3
    expected_mean = (100 * 100 + 80 * 100 + PARTIAL * 65) / 265
    assert row.mean == pytest.approx(expected_mean, abs=0.01)
    assert row.median == pytest.approx(80)
    assert (row.low, row.high) == (pytest.approx(PARTIAL, abs=0.01), 100)
    assert row.stdev == pytest.approx(statistics.stdev([100, 80, PARTIAL]), abs=0.01)
    assert row.coverage == pytest.approx((100 + 100 + 65) / 3)
    assert row.disagreement  # 100 - 61.5 > 25


def test_cannot_assess_is_never_counted_as_zero(scored):
    ranking = call_ranking(scored[0].call)
    row = ranking.row(scored[0].pk)
    # The partial review scores 61.5 on what it assessed; as 0 it would have been 40.
    assert row.low == pytest.approx(PARTIAL, abs=0.01)
    first, second, third = (column.id for column in ranking.criteria)
    assert row.per_criterion[first] == pytest.approx((100 + 80 + 100) / 3)
    # Two assessments of the second criterion: 100 and 80, not (100 + 80 + 0) / 3.
    assert row.per_criterion[second] == pytest.approx(90)
    assert row.per_criterion[third] == pytest.approx((100 + 80 + 0) / 3)


def test_drafts_count_as_assigned_not_as_scores(scored):
    row = call_ranking(scored[0].call).row(scored[1].pk)
    assert (row.submitted, row.assigned) == (1, 2)
    assert row.mean == pytest.approx(60) and row.stdev is None and not row.disagreement


def test_unreviewed_rows_go_last_without_rank(scored):
    ranking = call_ranking(scored[0].call)
    assert [row.application_id for row in ranking.rows[:2]] == [scored[0].pk, scored[1].pk]
    assert [row.rank for row in ranking.rows] == [1, 2, None, None]


def test_discussion_queue_lists_flagged_first_until_discussed(scored, staff_user):
    call = scored[0].call
    ranking = call_ranking(call)
    assert [row.application_id for row in ranking.queue] == [scored[0].pk]
    assert ordered_for_display(ranking, None, True)[0].application_id == scored[0].pk
    Discussed.objects.create(application=scored[0], marked_by=staff_user)
    assert call_ranking(call).queue == []


def test_threshold_is_the_call_setting(scored):
    call = scored[0].call
    call.disagreement_threshold = 40
    call.save(update_fields=["disagreement_threshold"])
    assert not call_ranking(call).row(scored[0].pk).disagreement


def test_sorting_by_city_and_by_spread(scored):
    ranking = call_ranking(scored[0].call)
    cities = [row.city for row in ordered_for_display(ranking, "city", False)]
    assert cities == sorted(cities, key=str.casefold)
    by_spread = ordered_for_display(ranking, "spread", True)
    assert by_spread[0].application_id == scored[0].pk
    assert by_spread[-1].spread is None  # no value: last whatever the direction


def test_ranking_page_sorts_and_explains_leniency(scored, login, staff_user):
    call = scored[0].call
    response = login(staff_user).get(
        reverse("results_ranking_staff", args=[call.slug]), {"sort": "city", "order": "asc"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Advisory: each reviewer" in html and "Leniency-adjusted (advisory)" in html
    assert html.index("Peñalolén") < html.index("Renca") < html.index("Temuco")
    assert 'aria-sort="ascending"' in html


# --- Leniency ----------------------------------------------------------------------------


def test_leniency_puts_a_harsh_and_a_lenient_reviewer_on_one_scale():
    # Reviewer 1 is harsh, reviewer 2 lenient; both rank application 10 above 11 above 12.
    reviews = [
        (1, 10, 40.0),
        (1, 11, 30.0),
        (1, 12, 20.0),
        (2, 10, 100.0),
        (2, 11, 90.0),
        (2, 12, 80.0),
    ]
    adjusted = leniency_adjusted(reviews)
    committee_mean = statistics.fmean(score for *_, score in reviews)
    committee_spread = statistics.pstdev(score for *_, score in reviews)
    # Same z-scores for both reviewers: their adjusted scores coincide.
    assert adjusted[11] == pytest.approx(committee_mean)
    assert adjusted[10] == pytest.approx(committee_mean + 1.2247 * committee_spread, abs=0.01)
    assert adjusted[10] > adjusted[11] > adjusted[12]


def test_leniency_keeps_a_single_review_and_centres_a_flat_reviewer():
    keep = reviewer_adjustment([73.0], committee_mean=50, committee_spread=10)
    assert keep(73.0) == 73.0
    flat = reviewer_adjustment([90.0, 90.0, 90.0], committee_mean=50, committee_spread=10)
    assert flat(90.0) == 50
    assert leniency_adjusted([]) == {}


def test_leniency_never_replaces_the_raw_score(scored):
    row = call_ranking(scored[0].call).row(scored[0].pk)
    assert row.adjusted is not None and row.mean is not None
    assert row.adjusted != pytest.approx(row.mean)


# --- Queries -----------------------------------------------------------------------------


def ranked_call(call, members, count: int) -> None:
    for index in range(count):
        city = MunicipalityFactory(chapter=call.chapter, region=f"Región {index % 3}")
        application = Application.objects.create(
            call=call, municipality=city, status=Application.Status.ELIGIBLE
        )
        for offset, member in enumerate(members):
            write_review(member, application, [(index + offset) % 6, offset % 6, None])


def page_queries(client, call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("results_ranking_staff", args=[call.slug]))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.usefixtures("rubric")
def test_ranking_page_query_count_does_not_grow(
    review_call, far_official, expert, login, staff_user
):
    client = login(staff_user)
    ranked_call(review_call, [far_official, expert], 2)
    small = page_queries(client, review_call)
    ranked_call(review_call, [far_official, expert], 18)
    assert len(call_ranking(review_call).rows) == 20
    assert page_queries(client, review_call) == small


@pytest.mark.usefixtures("rubric")
def test_ranking_selector_runs_four_queries(review_call, far_official, expert):
    ranked_call(review_call, [far_official, expert], 5)
    with CaptureQueriesContext(connection) as queries:
        call_ranking(review_call)
    assert len(queries) == 4


def test_a_review_by_a_member_found_conflicted_no_longer_counts(scored, far_official):
    from calls.review.models import ConflictFlag

    before = call_ranking(scored[0].call).row(scored[0].pk)
    assert before.submitted == 3
    ConflictFlag.objects.create(
        member=far_official, application=scored[0], reason="same_region", status="confirmed"
    )
    after = call_ranking(scored[0].call).row(scored[0].pk)
    assert (after.submitted, after.assigned) == (2, 2)
    assert after.high == pytest.approx(80)  # far_official's 100 is gone


def test_staff_discuss_and_mark_discussed_through_the_pages(scored, staff_user, login):
    from calls.review.models import DiscussionPost

    client = login(staff_user)
    url = reverse("results_discussion_staff", args=[scored[0].pk])
    assert client.post(url, {"body": "Revisemos el criterio 2."}).status_code == 302
    page = client.get(url).content.decode()
    assert "Revisemos el criterio 2." in page and "Mark as discussed" in page
    client.post(reverse("results_discussion_mark", args=[scored[0].pk]), {"discussed": "1"})
    assert call_ranking(scored[0].call).queue == []
    ranking = client.get(reverse("results_ranking_staff", args=[scored[0].call.slug]))
    assert "No application waits for discussion." in ranking.content.decode()
    client.post(reverse("results_discussion_mark", args=[scored[0].pk]), {"discussed": "0"})
    assert [row.application_id for row in call_ranking(scored[0].call).queue] == [scored[0].pk]
    assert DiscussionPost.objects.get().author == staff_user


def test_ranking_rows_escape_the_citys_text(scored, login, staff_user):
    city = scored[3].municipality
    city.name, city.region = '<img src=x onerror="alert(1)">', "<b>Araucanía</b>"
    city.save(update_fields=["name", "region"])
    html = login(staff_user).get(reverse("results_ranking_staff", args=[scored[0].call.slug]))
    html = html.content.decode()
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert "<b>Araucanía</b>" not in html and "&lt;b&gt;Araucanía&lt;/b&gt;" in html
