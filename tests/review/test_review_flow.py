"""A member's path through their pages: dashboard, declaration, review page, drafts, submit,
others' reviews; and the staff pages that name the committee and assign."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.review import assignment as assigning
from calls.review import conflicts, reviews
from calls.review.models import (
    Assignment,
    ConflictDeclaration,
    Review,
)
from coalition.models import AuditEvent
from tests.calls.helpers import browser_form

pytestmark = pytest.mark.django_db


def criteria_of(call):
    return reviews.rubric(call.pk)


def full_scores(call, *, cannot_first=False, top=True):
    """Review data choosing the top (or bottom) level of each criterion; the first one
    "cannot assess" when asked."""
    scores = {}
    for i, criterion in enumerate(criteria_of(call)):
        levels = list(criterion.levels.all())
        if cannot_first and i == 0:
            scores[criterion.pk] = {"level": None, "cannot_assess": True, "comment": "n/a"}
        else:
            level = levels[-1] if top else levels[0]
            scores[criterion.pk] = {"level": level.pk, "cannot_assess": False, "comment": "ok"}
    return {"overall_comment": "Sólida.", "applicant_note": "", "scores": scores}


def assign(member, application, staff):
    return assigning.assign(member=member, application=application, actor=staff)


def test_dashboard_lists_assignments_deadline_in_chapter_zone(
    member_client, expert, application, staff_user
):
    assign(expert, application, staff_user)
    response = member_client(expert).get(reverse("committee_dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Peñalolén" in body
    assert "Santiago time" in body  # the zone by its readable name
    assert "Declare conflicts of interest" in body
    assert "0 of 1" in body
    assert response.context["seats"][0].to_declare


def test_declaration_comes_before_anything_of_the_application(
    member_client, expert, application, staff_user
):
    assignment = assign(expert, application, staff_user)
    client = member_client(expert)
    page = client.get(reverse("review_edit", args=[assignment.pk]))
    assert page.status_code == 302
    assert page.url == reverse("review_declare", args=[assignment.pk])
    declare = client.get(page.url)
    assert application.motivation not in declare.content.decode()
    document = application.documents.first()
    assert (
        client.get(reverse("review_document", args=[assignment.pk, document.pk])).status_code == 403
    )
    response = client.post(page.url, {"has_conflict": "no"})
    assert response.status_code == 302
    review_page = client.get(reverse("review_edit", args=[assignment.pk]))
    assert application.motivation in review_page.content.decode()
    assert AuditEvent.objects.filter(action="committee.conflict_declare").exists()


def test_declared_conflict_keeps_the_member_out(member_client, expert, application, staff_user):
    assignment = assign(expert, application, staff_user)
    client = member_client(expert)
    response = client.post(
        reverse("review_declare", args=[assignment.pk]),
        {"has_conflict": "yes", "kind": "close_tie", "note": "Mi hermana trabaja allí."},
    )
    assert response.status_code == 302
    assert client.get(reverse("review_edit", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("review_declare", args=[assignment.pk])).status_code == 404
    declaration = ConflictDeclaration.objects.get()
    assert declaration.has_conflict and declaration.kind == "close_tie"
    # A declared conflict is final.
    with pytest.raises(Exception, match="already declared"):
        conflicts.declare(
            member=expert, application=application, actor=expert.user, has_conflict=False
        )


def test_conflict_needs_its_kind(member_client, expert, application, staff_user):
    assignment = assign(expert, application, staff_user)
    response = member_client(expert).post(
        reverse("review_declare", args=[assignment.pk]), {"has_conflict": "yes", "kind": ""}
    )
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not ConflictDeclaration.objects.exists()


def declared(member, application, staff):
    assignment = assign(member, application, staff)
    conflicts.declare(member=member, application=application, actor=member.user, has_conflict=False)
    return assignment


def test_document_is_served_inline_and_frameable_by_the_portal_only(
    member_client, expert, application, staff_user
):
    assignment = declared(expert, application, staff_user)
    letter = application.documents.get(kind="letter")
    response = member_client(expert).get(
        reverse("review_document", args=[assignment.pk, letter.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    # Every other page keeps the strict policy.
    page = member_client(expert).get(reverse("review_edit", args=[assignment.pk]))
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    body = page.content.decode()
    assert "<iframe" in body
    assert reverse("review_document", args=[assignment.pk, letter.pk]) in body


def review_post(page_html: str, choices: dict[int, str], **extra) -> dict:
    """The review form as the browser would post it, with radio choices per criterion."""
    data = browser_form(page_html, has_field="overall_comment")
    for criterion_id, value in choices.items():
        data[f"c{criterion_id}"] = value
    data.update(extra)
    return data


def test_draft_autosave_submit_and_score_with_cannot_assess(
    member_client, expert, application, staff_user, review_call
):
    assignment = declared(expert, application, staff_user)
    client = member_client(expert)
    url = reverse("review_edit", args=[assignment.pk])
    criteria = criteria_of(review_call)
    html = client.get(url).content.decode()
    # Autosave (htmx) of a partial draft.
    top = {c.pk: str(list(c.levels.all())[-1].pk) for c in criteria}
    partial = review_post(html, {criteria[1].pk: top[criteria[1].pk]})
    response = client.post(url, partial, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    review = Review.objects.get()
    assert review.status == Review.Status.DRAFT and review.version == 1
    # Submitting with a criterion left open is refused and says which.
    html = client.get(url).content.decode()
    data = review_post(html, {criteria[1].pk: top[criteria[1].pk]}, action="submit")
    response = client.post(url, data)
    assert response.status_code == 400
    assert criteria[0].title in response.content.decode()
    # All decided, the first "cannot assess": the score leaves it out (never a 0).
    html = client.get(url).content.decode()
    choices = {criteria[0].pk: "na", criteria[1].pk: top[criteria[1].pk]}
    choices[criteria[2].pk] = str(criteria[2].levels.all()[0].pk)
    response = client.post(url, review_post(html, choices, action="submit"))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.SUBMITTED
    # 35 % at 100 and 25 % at 0 over the 60 % assessed.
    assert float(review.score) == pytest.approx(100 * 35 / 60, abs=0.01)
    assert review.weight_assessed == 60
    page = client.get(url).content.decode()
    assert "60% of the rubric" in page


def test_others_reviews_hidden_until_own_submitted(
    member_client, expert, second_expert, application, staff_user, review_call
):
    mine = declared(expert, application, staff_user)
    theirs = declared(second_expert, application, staff_user)
    reviews.review_submit(
        assignment=theirs,
        actor=second_expert.user,
        version=0,
        data={**full_scores(review_call), "overall_comment": "COMENTARIO-DEL-OTRO"},
    )
    client = member_client(expert)
    url = reverse("review_edit", args=[mine.pk])
    before = client.get(url)
    assert "COMENTARIO-DEL-OTRO" not in before.content.decode()
    assert before.context["page"].others is None
    reviews.review_submit(
        assignment=mine, actor=expert.user, version=0, data=full_scores(review_call, top=False)
    )
    after = client.get(url)
    body = after.content.decode()
    assert "COMENTARIO-DEL-OTRO" in body
    assert after.context["page"].mean == pytest.approx(50.0)


@pytest.mark.usefixtures("english_interface")
def test_revisions_after_submit_until_committee_closes(
    expert, application, staff_user, review_call
):
    assignment = declared(expert, application, staff_user)
    review = reviews.review_submit(
        assignment=assignment, actor=expert.user, version=0, data=full_scores(review_call)
    )
    assert float(review.score) == 100
    changed = reviews.review_save(
        assignment=assignment,
        actor=expert.user,
        version=review.version,
        data=full_scores(review_call, top=False),
    )
    assert float(changed.score) == 0
    revision = changed.revisions.get()
    assert revision.changed_by == expert.user
    old_levels = {v["level_score"] for v in revision.old["scores"].values()}
    new_levels = {v["level_score"] for v in revision.new["scores"].values()}
    assert old_levels == {5} and new_levels == {0}
    assert AuditEvent.objects.filter(action="review.revise").count() == 1
    # A revision may not leave a criterion open.
    incomplete = full_scores(review_call)
    last = list(incomplete["scores"])[-1]
    incomplete["scores"][last] = {"level": None, "cannot_assess": False, "comment": ""}
    with pytest.raises(Exception, match="every criterion"):
        reviews.review_save(
            assignment=assignment, actor=expert.user, version=changed.version, data=incomplete
        )
    # Once the committee closes, nothing changes any more.
    type(review_call).objects.filter(pk=review_call.pk).update(committee_closed_at=timezone.now())
    assignment = Assignment.objects.get(pk=assignment.pk)
    with pytest.raises(Exception, match="cannot write"):
        reviews.review_save(
            assignment=assignment,
            actor=expert.user,
            version=changed.version,
            data=full_scores(review_call),
        )


def test_stale_tab_is_told_not_overwriting(expert, application, staff_user, review_call):
    assignment = declared(expert, application, staff_user)
    first = reviews.review_save(
        assignment=assignment, actor=expert.user, version=0, data=full_scores(review_call)
    )
    with pytest.raises(reviews.StaleReview):
        reviews.review_save(
            assignment=assignment,
            actor=expert.user,
            version=first.version - 1,
            data=full_scores(review_call, top=False),
        )


def test_htmx_submit_redirects_and_late_autosave_changes_nothing(
    member_client, expert, application, staff_user, review_call
):
    assignment = declared(expert, application, staff_user)
    client = member_client(expert)
    url = reverse("review_edit", args=[assignment.pk])
    criteria = criteria_of(review_call)
    choices = {c.pk: str(c.levels.all()[0].pk) for c in criteria}
    html = client.get(url).content.decode()
    # An incomplete submission through htmx shows its message in the status, answered 200.
    partial = review_post(html, {criteria[0].pk: choices[criteria[0].pk]}, action="submit")
    response = client.post(url, partial, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert criteria[1].title in response.content.decode()
    html = client.get(url).content.decode()
    response = client.post(url, review_post(html, choices, action="submit"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == url
    review = Review.objects.get()
    assert review.status == Review.Status.SUBMITTED
    # A keystroke's autosave that arrives afterwards is ignored, not a stale-version error.
    late = review_post(html, choices, overall_comment="tarde")
    response = client.post(url, late, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    review.refresh_from_db()
    assert review.overall_comment == "" and not review.revisions.exists()


def test_member_reads_the_dossier_inline_and_may_ask_for_it(
    member_client, expert, application, staff_user
):
    from django.core.files.base import ContentFile

    from calls import services as call_services

    assignment = declared(expert, application, staff_user)
    client = member_client(expert)
    url = reverse("review_dossier", args=[assignment.pk])
    assert client.get(url).status_code == 404  # not prepared yet
    assert (
        "Prepare the dossier PDF"
        in client.get(reverse("review_edit", args=[assignment.pk])).content.decode()
    )
    application.dossier.save("dossier.pdf", ContentFile(b"%PDF-1.4 dossier"), save=False)
    application.dossier_source_hash = call_services.content_hash(application)
    application.save()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    page = client.get(reverse("review_edit", args=[assignment.pk])).content.decode()
    assert f'href="{url}"' in page
