"""Hostile access to the ranking, discussions, decisions, publication and exports.

Nobody outside the call's chapter staff, its chair and members who submitted their own review
reads anything here; a conflicted member never sees the application, by any URL; nobody but
the chapter's staff changes decisions, whatever the form fields say."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from calls.review import decisions, discussion, exports, publication
from calls.review.models import (
    CommitteeExport,
    ConflictDeclaration,
    ConflictFlag,
    Decision,
    Discussed,
    DiscussionPost,
    ResultsPublication,
)
from tests.review.results_fixtures import set_rubric_levels, write_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(review_call, applications, official, far_official, expert, second_expert):
    """far_official reviewed Peñalolén and Temuco, and has a draft on Renca; the Santiago
    official declared a conflict on Temuco and reviewed Viña del Mar; second_expert has
    nothing; the chair (expert) reviewed nothing yet."""
    set_rubric_levels(review_call)
    penalolen, renca, vina, temuco = applications
    write_review(far_official, penalolen, [5, 5, 5])
    write_review(far_official, temuco, [2, 2, 2])
    write_review(far_official, renca, [1, 1, 1], submit=False)
    write_review(official, vina, [3, 3, 3])
    # The official had reviewed Temuco and Peñalolén; then a conflict came to light: declared
    # for Temuco, confirmed by staff for Peñalolén (same region as Santiago).
    write_review(official, temuco, [5, 5, 5])
    write_review(official, penalolen, [5, 5, 5])
    ConflictFlag.objects.update_or_create(
        member=official,
        application=penalolen,
        defaults={"reason": "same_region", "status": "confirmed"},
    )
    ConflictDeclaration.objects.update_or_create(
        member=official,
        application=temuco,
        defaults={"has_conflict": True, "kind": "close_tie", "note": "Mi hermana trabaja allí"},
    )
    write_review(expert, temuco, [0, 0, 0])
    DiscussionPost.objects.create(application=temuco, author=expert.user, body="Secreto de Temuco")
    return {"penalolen": penalolen, "renca": renca, "vina": vina, "temuco": temuco}


def ranking_html(client, call, area="committee"):
    return client.get(reverse(f"results_ranking_{area}", args=[call.slug]))


# --- Members ------------------------------------------------------------------------------


def test_a_member_sees_only_what_they_reviewed(scene, far_official, login, review_call):
    response = ranking_html(login(far_official.user), review_call)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Peñalolén" in html and "Temuco" in html
    # Renca: their review is a draft. Viña: not theirs. Others' scores stay hidden.
    assert "Renca" not in html and "Viña del Mar" not in html


def test_an_unassigned_member_reads_nothing(scene, second_expert, login, review_call):
    client = login(second_expert.user)
    assert ranking_html(client, review_call).status_code == 403
    for application in scene.values():
        url = reverse("results_discussion_committee", args=[application.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Hola"}).status_code == 404
    assert (
        client.post(
            reverse("results_export_committee", args=[review_call.slug]), {"kind": "scores_csv"}
        ).status_code
        == 403
    )
    assert DiscussionPost.objects.count() == 1


def test_a_conflicted_member_never_sees_the_application(scene, official, login, review_call):
    client = login(official.user)
    html = ranking_html(client, review_call).content.decode()
    assert "Viña del Mar" in html
    assert "Temuco" not in html  # declared conflict, though they had reviewed it
    assert "Peñalolén" not in html  # detected conflict confirmed by staff
    temuco = reverse("results_discussion_committee", args=[scene["temuco"].pk])
    assert client.get(temuco).status_code == 404
    assert client.post(temuco, {"body": "Opino que..."}).status_code == 404
    assert DiscussionPost.objects.filter(author=official.user).count() == 0


def test_a_member_who_is_an_officer_of_the_applicant_never_sees_it(
    scene, applicant_officer_member, login, review_call
):
    write_review(applicant_officer_member, scene["penalolen"], [5, 5, 5])
    write_review(applicant_officer_member, scene["vina"], [4, 4, 4])
    client = login(applicant_officer_member.user)
    html = ranking_html(client, review_call).content.decode()
    assert "Viña del Mar" in html and "Peñalolén" not in html
    url = reverse("results_discussion_committee", args=[scene["penalolen"].pk])
    assert client.get(url).status_code == 404


def test_the_chair_sees_every_row_but_conflicted_ones(scene, expert, login, review_call):
    ConflictDeclaration.objects.create(
        member=expert, application=scene["renca"], has_conflict=True, kind="worked_for"
    )
    html = ranking_html(login(expert.user), review_call).content.decode()
    assert all(city in html for city in ("Peñalolén", "Temuco", "Viña del Mar"))
    assert "Renca" not in html


def test_members_cannot_decide_publish_or_mark(scene, far_official, login, review_call):
    client = login(far_official.user)
    penalolen = scene["penalolen"]
    assert client.get(reverse("results_decision", args=[penalolen.pk])).status_code == 403
    response = client.post(
        reverse("results_decision", args=[penalolen.pk]),
        {"outcome": "selected", "rationale": "Yo decido"},
    )
    assert response.status_code == 403
    assert client.post(reverse("results_propose", args=[review_call.slug])).status_code == 403
    assert (
        client.post(reverse("results_discussion_mark", args=[penalolen.pk]), {"discussed": "1"})
    ).status_code == 403
    assert client.get(reverse("results_ranking_staff", args=[review_call.slug])).status_code == 403
    assert not Decision.objects.exists() and not ResultsPublication.objects.exists()
    assert not Discussed.objects.exists()


def test_members_discuss_what_they_reviewed(scene, far_official, login):
    url = reverse("results_discussion_committee", args=[scene["temuco"].pk])
    client = login(far_official.user)
    page = client.get(url).content.decode()
    assert "Secreto de Temuco" in page
    assert client.post(url, {"body": "Coincido."}).status_code == 302
    assert DiscussionPost.objects.filter(author=far_official.user, body="Coincido.").exists()


# --- Officers and other chapters -----------------------------------------------------------


def test_an_officer_of_the_applicant_city_reads_nothing(scene, officer, login, review_call):
    client = login(officer)
    penalolen = scene["penalolen"]
    for url in (
        reverse("results_ranking_staff", args=[review_call.slug]),
        reverse("results_ranking_committee", args=[review_call.slug]),
        reverse("results_overview", args=[review_call.slug]),
        reverse("results_discussion_staff", args=[penalolen.pk]),
        reverse("results_discussion_committee", args=[penalolen.pk]),
        reverse("results_decision", args=[penalolen.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("results_decision", args=[penalolen.pk]),
        {"outcome": "selected", "rationale": "Nos elegimos"},
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_another_chapters_staff_reads_and_changes_nothing(
    scene, other_staff_user, staff_user, login, review_call
):
    client = login(other_staff_user)
    penalolen = scene["penalolen"]
    assert ranking_html(client, review_call, "staff").status_code == 403
    assert client.get(reverse("results_overview", args=[review_call.slug])).status_code == 403
    assert client.get(reverse("results_decision", args=[penalolen.pk])).status_code == 404
    assert client.get(reverse("results_discussion_staff", args=[penalolen.pk])).status_code == 404
    posted = client.post(
        reverse("results_decision", args=[penalolen.pk]),
        {"outcome": "selected", "rationale": "Desde otro capítulo"},
    )
    assert posted.status_code == 404
    marked = client.post(
        reverse("results_discussion_mark", args=[penalolen.pk]), {"discussed": "1"}
    )
    assert marked.status_code == 404
    assert client.post(reverse("results_propose", args=[review_call.slug])).status_code == 403
    assert (
        client.post(
            reverse("results_export_staff", args=[review_call.slug]), {"kind": "scores_csv"}
        ).status_code
        == 403
    )
    for application in scene.values():
        decisions.decision_record(
            application=application, actor=staff_user, outcome="selected", rationale="Rúbrica"
        )
    proposal = publication.publication_propose(call=review_call, actor=staff_user)
    approve = reverse("results_approve", args=[review_call.slug, proposal.pk])
    assert client.post(approve).status_code == 403
    withdraw = reverse("results_withdraw", args=[review_call.slug, proposal.pk])
    assert client.post(withdraw).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    assert not Discussed.objects.exists()
    assert set(Decision.objects.values_list("rationale", flat=True)) == {"Rúbrica"}


def test_extra_form_fields_change_nothing(scene, staff_user, far_official, login):
    """A decision posted with someone else's name, another application or a snapshot keeps
    the server's own values."""
    penalolen = scene["penalolen"]
    response = login(staff_user).post(
        reverse("results_decision", args=[penalolen.pk]),
        {
            "outcome": "selected",
            "rationale": "Rúbrica",
            "application": scene["renca"].pk,
            "decided_by": far_official.user.pk,
            "score_snapshot": '{"mean": 100}',
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.application == penalolen and decision.decided_by == staff_user
    assert decision.score_snapshot["mean"] == pytest.approx(100.0)  # Peñalolén: one 100 review
    assert len(decision.score_snapshot["reviews"]) == 1


def test_a_publication_of_another_call_is_not_reachable(scene, staff_user, login, review_call):
    from tests.calls.helpers import make_call

    other_call = make_call(
        review_call.chapter,
        staff_user,
        slug="otra",
        opens_at=review_call.opens_at,
        closes_at=review_call.closes_at,
    )
    for application in scene.values():
        decisions.decision_record(
            application=application, actor=staff_user, outcome="selected", rationale="Rúbrica"
        )
    proposal = publication.publication_propose(call=review_call, actor=staff_user)
    # Approving through another call's URL finds nothing.
    url = reverse("results_approve", args=[other_call.slug, proposal.pk])
    assert login(staff_user).post(url).status_code == 404


# --- Exports --------------------------------------------------------------------------------


def csv_rows(export: CommitteeExport) -> list[dict[str, str]]:
    export.refresh_from_db()
    assert export.status == "ready"
    with export.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_staff_export_every_score_one_row_per_review_and_criterion(
    scene, staff_user, far_official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.export_request(
            call=scene["penalolen"].call, actor=staff_user, kind="scores_csv", language="en"
        )
    rows = csv_rows(export)
    # Four counted reviews x three criteria: the draft and the two reviews of the member
    # found conflicted afterwards are out, as in the ranking.
    assert len(rows) == 4 * 3
    assert {row["municipality"] for row in rows} == {"Peñalolén", "Temuco", "Viña del Mar"}
    assert far_official.user.full_name in {row["reviewer"] for row in rows}


def test_member_export_holds_only_their_rows_and_no_names(
    scene, official, far_official, login, django_capture_on_commit_callbacks, review_call
):
    client = login(official.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("results_export_committee", args=[review_call.slug]), {"kind": "scores_csv"}
        )
    export = CommitteeExport.objects.get()
    rows = csv_rows(export)
    assert {row["municipality"] for row in rows} == {"Viña del Mar"}
    assert official.user.full_name not in {row["reviewer"] for row in rows}
    download = reverse("results_export_download_committee", args=[export.pk])
    assert client.get(download).status_code == 200
    # Another member cannot fetch it, even knowing its id.
    assert login(far_official.user).get(download).status_code == 404


def test_committee_report_pdf(scene, staff_user, login, django_capture_on_commit_callbacks):
    call = scene["penalolen"].call
    client = login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("results_export_staff", args=[call.slug]), {"kind": "report_pdf"})
    export = CommitteeExport.objects.get()
    export.refresh_from_db()
    assert export.status == "ready"
    response = client.get(reverse("results_export_download_staff", args=[export.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_discussion_service_refuses_outsiders(scene, second_expert, officer):
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the service
        discussion.discussion_post(application=scene["temuco"], author=second_expert.user, body="x")
    with pytest.raises(Exception):  # noqa: B017
        discussion.discussion_post(application=scene["temuco"], author=officer, body="x")


def test_a_members_ranking_counts_only_their_rows(scene, far_official, review_call):
    from calls.review.ranking import call_ranking
    from calls.review.results_access import results_reader

    reader = results_reader(far_official.user, review_call)
    full = call_ranking(review_call)
    assert [row.rank for row in full.rows if row.application_id in reader.application_ids] != [
        1,
        2,
    ]
    mine = full.only(reader.application_ids, rerank=True)
    assert [row.rank for row in mine.rows] == [1, 2]
    # The full ranking is left as it was.
    assert [row.rank for row in call_ranking(review_call).rows] == [row.rank for row in full.rows]


def test_the_chair_sees_no_scores_of_what_they_still_review(scene, expert, login, review_call):
    """The chair reviewed Temuco; Peñalolén is assigned to them too, not reviewed yet."""
    from calls.review.models import Assignment

    Assignment.objects.create(member=expert, application=scene["penalolen"])
    client = login(expert.user)
    html = ranking_html(client, review_call).content.decode()
    assert "Temuco" in html and "Viña del Mar" in html
    assert "Peñalolén" not in html
    url = reverse("results_discussion_committee", args=[scene["penalolen"].pk])
    assert client.get(url).status_code == 404


def test_old_exports_are_purged_with_their_files(
    scene, staff_user, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    call = scene["penalolen"].call
    with django_capture_on_commit_callbacks(execute=True):
        old = exports.export_request(call=call, actor=staff_user, kind="scores_csv", language="en")
    old.refresh_from_db()
    path = old.file.path
    CommitteeExport.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - timedelta(days=31)
    )
    with django_capture_on_commit_callbacks(execute=True):
        exports.export_request(call=call, actor=staff_user, kind="scores_csv", language="en")
    assert not CommitteeExport.objects.filter(pk=old.pk).exists()
    import os

    assert not os.path.exists(path)
    assert CommitteeExport.objects.count() == 1
