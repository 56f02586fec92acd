"""Automatic assignment (coverage, load cap, conflicts, mix, determinism), bulk and manual
assignment, withdrawal, conflict detection and staff decisions on detected conflicts."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from calls.models import CommitteeMember
from calls.review import assignment as assigning
from calls.review import committee, conflicts, reviews
from calls.review.models import Assignment, ConflictFlag
from tests.factories import MunicipalityFactory
from tests.review.conftest import eligible_application, founder, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_committee(review_call, staff_user, chapter, santiago, valparaiso):
    """12 eligible applications over three regions and a committee of three officials (two
    of them founders in regions with applicants) and four experts."""
    regions = ["Región Metropolitana de Santiago", "Región de Valparaíso", "Región del Biobío"]
    applications = [
        eligible_application(
            review_call,
            MunicipalityFactory(chapter=chapter, region=regions[i % 3], province=f"P{i % 3}"),
            staff_user,
            documents=False,
        )
        for i in range(12)
    ]
    # Santiago itself applies: its own official must never get it.
    applications.append(eligible_application(review_call, santiago, staff_user, documents=False))
    temuco = founder(chapter, name="Temuco", region="Región de La Araucanía", province="Cautín")
    members = [
        seat(review_call, staff_user, email="o1@x.org", kind="official", municipality=santiago),
        seat(review_call, staff_user, email="o2@x.org", kind="official", municipality=valparaiso),
        seat(review_call, staff_user, email="o3@x.org", kind="official", municipality=temuco),
    ] + [
        seat(review_call, staff_user, email=f"e{i}@x.org", kind="expert", affiliation="U")
        for i in range(4)
    ]
    return applications, members


def confirm_plan(call, staff):
    _state, plan = assigning.auto_plan(call)
    assigning.plan_confirm(call=call, actor=staff, fingerprint=plan.fingerprint)
    return plan


def excluded(call):
    return assigning.committee_state(call).excluded


def test_auto_plan_covers_caps_respects_conflicts_and_mixes(big_committee, review_call, staff_user):
    applications, members = big_committee
    review_call.reviewers_per_application = 3
    review_call.review_load_cap = 7
    review_call.save()
    confirm_plan(review_call, staff_user)
    pairs = list(Assignment.objects.values_list("member_id", "application_id"))
    per_application = Counter(a for _m, a in pairs)
    per_member = Counter(m for m, _a in pairs)
    # Coverage: every eligible application gets 3 reviewers.
    assert all(per_application[a.pk] == 3 for a in applications)
    # Cap: nobody over 7.
    assert max(per_member.values()) <= 7
    # Conflicts: no BLOCKED, POTENTIAL or structural pair.
    assert not set(pairs) & excluded(review_call)
    santiago_app = applications[-1]
    assert (members[0].pk, santiago_app.pk) not in pairs
    # Mix: every application has at least one expert and one official.
    kinds = {m.pk: m.kind for m in members}
    for application in applications:
        mix = {kinds[m] for m, a in pairs if a == application.pk}
        assert mix == {"official", "expert"}, application


def test_auto_plan_is_deterministic(big_committee, review_call):
    first = assigning.auto_plan(review_call)[1]
    second = assigning.auto_plan(review_call)[1]
    assert first.pairs == second.pairs
    assert first.fingerprint == second.fingerprint


def test_auto_plan_tops_up_and_says_what_cannot_be_covered(big_committee, review_call, staff_user):
    review_call.reviewers_per_application = 3
    review_call.review_load_cap = 2
    review_call.save()
    plan = confirm_plan(review_call, staff_user)
    assert Counter(Assignment.objects.values_list("member_id", flat=True)).most_common(1)[0][1] <= 2
    assert plan.short  # 7 members x 2 = 14 < 13 x 3: some applications stay short
    assert sum(plan.short.values()) == 13 * 3 - 14
    # Raising the cap and planning again only adds what is missing.
    review_call.review_load_cap = 10
    review_call.save()
    again = confirm_plan(review_call, staff_user)
    assert not again.short
    assert len(again.pairs) == 13 * 3 - 14


def test_confirming_a_changed_plan_is_refused(big_committee, review_call, staff_user):
    _state, plan = assigning.auto_plan(review_call)
    applications, members = big_committee
    assigning.assign(member=members[3], application=applications[0], actor=staff_user)
    with translation.override("en"), pytest.raises(ValidationError, match="changed"):
        assigning.plan_confirm(call=review_call, actor=staff_user, fingerprint=plan.fingerprint)


def test_bulk_assignment_skips_conflicts_and_cap(
    members, applications, review_call, staff_user, official
):
    review_call.review_load_cap = 2
    review_call.save()
    with translation.override("en"):  # the skipped reasons are translated when made
        created, skipped = assigning.assign_bulk(
            call=review_call,
            actor=staff_user,
            member_ids=[m.pk for m in members],
            application_ids=[a.pk for a in applications],
        )
    reasons = Counter(reason for _m, _a, reason in skipped)
    assert created == 4 * 2
    # Santiago's official is flagged with Peñalolén and Renca, Valparaíso's with Viña del Mar.
    assert reasons["conflict of interest"] == 3
    assert not set(Assignment.objects.values_list("member_id", "application_id")) & excluded(
        review_call
    )


def test_only_eligible_applications_are_assigned(
    review_call, staff_user, expert, chapter, municipality
):
    from calls.models import Application

    draft = Application.objects.create(call=review_call, municipality=municipality)
    with pytest.raises(ValidationError):
        assigning.assign(member=expert, application=draft, actor=staff_user)


def test_withdrawal_reassigns_open_work_keeps_submitted(
    members, applications, review_call, staff_user, expert, second_expert, far_official
):
    review_call.reviewers_per_application = 2
    review_call.save()
    done = assigning.assign(member=expert, application=applications[3], actor=staff_user)
    assigning.assign(member=expert, application=applications[0], actor=staff_user)
    conflicts.declare(
        member=expert, application=applications[3], actor=expert.user, has_conflict=False
    )
    data = {
        "scores": {
            c.pk: {"level": c.levels.all()[0].pk, "cannot_assess": False}
            for c in reviews.rubric(review_call.pk)
        }
    }
    reviews.review_submit(assignment=done, actor=expert.user, version=0, data=data)
    _member, moved = committee.member_withdraw(member=expert, actor=staff_user)
    assert Assignment.objects.filter(pk=done.pk).exists()  # submitted work stays
    assert not Assignment.objects.filter(member=expert, application=applications[0]).exists()
    assert moved == 1
    new = Assignment.objects.get(application=applications[0])
    assert new.member_id in (second_expert.pk, far_official.pk)


def test_detection_blocks_own_city_flags_region_only_for_officials(
    review_call, staff_user, santiago, official, expert
):
    own = eligible_application(review_call, santiago, staff_user, documents=False)
    same_region = eligible_application(
        review_call,
        MunicipalityFactory(chapter=review_call.chapter, region=santiago.region, province="X"),
        staff_user,
        documents=False,
    )
    same_province = eligible_application(
        review_call,
        MunicipalityFactory(
            chapter=review_call.chapter, region="Otra región", province=santiago.province
        ),
        staff_user,
        documents=False,
    )
    far = eligible_application(
        review_call,
        MunicipalityFactory(chapter=review_call.chapter, region="Lejos", province="Lejos"),
        staff_user,
        documents=False,
    )
    flags = {f.application_id: f for f in ConflictFlag.objects.filter(member=official)}
    assert flags[own.pk].status == ConflictFlag.Status.BLOCKED
    assert flags[same_region.pk].status == ConflictFlag.Status.POTENTIAL
    assert flags[same_province.pk].status == ConflictFlag.Status.POTENTIAL
    assert far.pk not in flags
    assert not ConflictFlag.objects.filter(member=expert).exists()  # experts are not flagged
    # Detection is idempotent and never undoes a staff decision.
    conflicts.flag_decide(
        flag=flags[same_region.pk], actor=staff_user, confirm=False, reason="Sin vínculo"
    )
    assert conflicts.detect_for_call(review_call) == 0
    assert ConflictFlag.objects.get(pk=flags[same_region.pk].pk).status == "dismissed"
    # A dismissed flag lets the member review; a blocked one cannot be decided away.
    assigning.assign(member=official, application=same_region, actor=staff_user)
    with pytest.raises(ValidationError):
        conflicts.flag_decide(flag=flags[own.pk], actor=staff_user, confirm=False, reason="x")


def test_member_added_after_screening_is_flagged_at_once(
    review_call, staff_user, applications, valparaiso
):
    member = seat(
        review_call, staff_user, email="late@x.org", kind="official", municipality=valparaiso
    )
    vina = applications[2]
    assert ConflictFlag.objects.get(member=member, application=vina).status == "potential"


def test_confirmed_flag_removes_the_open_assignment(
    review_call, staff_user, applications, official, far_official
):
    flag = ConflictFlag.objects.get(member=far_official, application=applications[2])
    conflicts.flag_decide(flag=flag, actor=staff_user, confirm=False, reason="Sin vínculo")
    assigning.assign(member=far_official, application=applications[2], actor=staff_user)
    flag.status = ConflictFlag.Status.POTENTIAL
    flag.save()
    conflicts.flag_decide(flag=flag, actor=staff_user, confirm=True, reason="Asesoró a Viña")
    assert not Assignment.objects.filter(member=far_official).exists()


def test_one_chair_and_officials_represent_founders(review_call, staff_user, municipality):
    first = seat(review_call, staff_user, email="c1@x.org", kind="expert", is_chair=True)
    second = seat(review_call, staff_user, email="c2@x.org", kind="expert", is_chair=True)
    assert list(CommitteeMember.objects.filter(is_chair=True)) == [second]
    assert first.pk != second.pk
    with translation.override("en"), pytest.raises(ValidationError, match="founding city"):
        seat(review_call, staff_user, email="c3@x.org", kind="official", municipality=municipality)
