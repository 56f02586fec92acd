"""Demo committees, written through the same services a committee uses.

- The past CIIAR Argentina call: a committee of five (three founding-city officials, two
  experts), a detected conflict confirmed and one dismissed, a declared conflict, three
  reviews per application (one "cannot assess", one disagreement discussed), decisions and
  results published at the call's announcement instant, consistent with the cities it shows.
- The open CIAR Chile call: the demo committee member has two assignments, one reviewed and
  one waiting for the conflict declaration; another official's potential conflict awaits staff.

Re-running leaves everything as it is (each call is seeded once).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test import override_settings

from calls import services as call_services
from calls.models import Application, Call, CommitteeMember, Criterion
from calls.review import assignment, committee, conflicts, decisions, discussion, publication
from calls.review import reviews as review_services
from calls.review.models import Assignment, ConflictFlag, ResultsPublication, Review
from coalition.demo import DemoAccount, ensure_user
from coalition.models import User
from municipalities.models import Municipality

PAST_COMMITTEE = [
    # (e-mail, name, founding city or None for an expert, affiliation, chair)
    ("cordoba@demo.coalicion.test", "Sofía Quiroga", "cordoba", "", True),
    ("rosario@demo.coalicion.test", "Julián Benítez", "rosario", "", False),
    ("mendoza@demo.coalicion.test", "Valeria Ponce", "mendoza", "", False),
    ("experto.ar@demo.coalicion.test", "Pablo Aguirre", None, "Universidad de Buenos Aires", False),
]

# Level chosen on each criterion of the demo rubric (levels 0-3); None: "cannot assess".
PAST_REVIEWS = {
    "godoy-cruz": {
        "cordoba": [3, 3, 2],
        "rosario": [3, 2, 3],
        "comite": [3, 3, None],
    },
    "rafaela": {
        "mendoza": [2, 3, 3],
        "cordoba": [3, 2, 2],
        "experto": [2, 2, 3],
    },
    "bahia-blanca": {
        "mendoza": [3, 3, 3],
        "rosario": [1, 1, 2],
        "comite": [3, 2, 3],
    },
}
NOTES = {
    "godoy-cruz": "El comité destacó el laboratorio de gobierno abierto y su tablero de datos.",
    "rafaela": "El comité valoró la continuidad del plan digital y el trabajo con la academia.",
    "bahia-blanca": "El comité pide sumar indicadores de impacto a los proyectos de datos.",
}


def demo_user(email: str, name: str) -> User:
    return ensure_user(DemoAccount(email, name, "committee member"))


def level_data(call: Call, levels: list[int | None], comment: str) -> dict[str, Any]:
    """The review form's data for `levels`, one per criterion in rubric order."""
    scores = {}
    criteria = Criterion.objects.filter(call=call).prefetch_related("levels").order_by("position")
    for criterion, chosen in zip(criteria, levels, strict=True):
        by_score = {level.score: level.pk for level in criterion.levels.all()}
        scores[str(criterion.pk)] = {
            "level": None
            if chosen is None
            else by_score[min(by_score, key=lambda s: abs(s - chosen))],
            "cannot_assess": chosen is None,
            "comment": "" if chosen is not None else "El informe no trae evidencia sobre esto.",
        }
    return {"scores": scores, "overall_comment": comment, "applicant_note": ""}


def review(member: CommitteeMember, application: Application, levels, comment: str) -> Review:
    """Declare no conflict, then write and submit the review, as the member would."""
    conflicts.declare(member=member, application=application, actor=member.user, has_conflict=False)
    target = Assignment.objects.get(member=member, application=application)
    return review_services.review_submit(
        assignment=target,
        actor=member.user,
        version=0,
        data=level_data(application.call, levels, comment),
    )


def seed_past_committee(call: Call, staff: User, demo_member: User, approver: User) -> None:
    if ResultsPublication.objects.filter(call=call).exists():
        return
    zone = ZoneInfo(call.chapter.time_zone)
    call.review_deadline = datetime(2026, 1, 16, 18, 0, tzinfo=zone)
    call.save(update_fields=["review_deadline"])
    # The demo committee member already sits on this committee (calls.demo): an expert.
    CommitteeMember.objects.filter(call=call, user=demo_member).update(
        kind=CommitteeMember.Kind.EXPERT, affiliation="Red de Innovación Local"
    )
    seats = {"comite": CommitteeMember.objects.get(call=call, user=demo_member)}
    for email, name, city, affiliation, chair in PAST_COMMITTEE:
        user = demo_user(email, name)
        municipality = Municipality.objects.get(slug=city) if city else None
        seats[city or "experto"] = committee.member_add(
            call=call,
            user=user,
            actor=staff,
            kind=CommitteeMember.Kind.OFFICIAL if city else CommitteeMember.Kind.EXPERT,
            municipality=municipality,
            affiliation=affiliation,
            is_chair=chair,
        )
    applications = {
        a.municipality.slug: a
        for a in Application.objects.filter(call=call).select_related("municipality")
    }
    # Detected: Mendoza's official and Godoy Cruz (same province, neighbouring cities) is
    # confirmed; Rosario's official and Rafaela (same province, 90 km apart) is dismissed.
    for flag in ConflictFlag.objects.filter(
        member__call=call, status=ConflictFlag.Status.POTENTIAL
    ).select_related("member__municipality", "application__municipality"):
        pair = (flag.member.municipality.slug, flag.application.municipality.slug)
        confirm = pair == ("mendoza", "godoy-cruz")
        conflicts.flag_decide(
            flag=flag,
            actor=staff,
            confirm=confirm,
            reason="Ciudades vecinas del Gran Mendoza; comparten proyectos metropolitanos."
            if confirm
            else "Sin vínculos de gestión entre ambas ciudades; revisión permitida.",
        )
    for slug, by_member in PAST_REVIEWS.items():
        for seat_key in by_member:
            assignment.assign(member=seats[seat_key], application=applications[slug], actor=staff)
    # The second expert was assigned Bahía Blanca too, and declared a conflict on opening it.
    assignment.assign(
        member=seats["experto"], application=applications["bahia-blanca"], actor=staff
    )
    conflicts.declare(
        member=seats["experto"],
        application=applications["bahia-blanca"],
        actor=seats["experto"].user,
        has_conflict=True,
        kind="worked_for",
        note="Asesoré a la Secretaría de Modernización de Bahía Blanca en 2025.",
    )
    for slug, by_member in PAST_REVIEWS.items():
        for seat_key, levels in by_member.items():
            review(seats[seat_key], applications[slug], levels, "Evaluación según la rúbrica.")
    # Bahía Blanca split the committee: discussed before deciding.
    bahia = applications["bahia-blanca"]
    discussion.discussion_post(
        application=bahia,
        author=seats["rosario"].user,
        body="Los proyectos de datos están en piloto; no veo resultados medidos todavía.",
    )
    discussion.discussion_post(
        application=bahia,
        author=seats["mendoza"].user,
        body="El tablero de movilidad está en producción desde 2024; el informe lo documenta.",
    )
    discussion.discussion_mark(application=bahia, actor=staff)
    for slug, application in applications.items():
        decisions.decision_record(
            application=application,
            actor=staff,
            outcome="selected",
            rationale="Madurez institucional y capacidad en datos por encima del umbral del "
            "comité; discutido en la sesión del 20 de enero.",
            note_for_applicant=NOTES.get(slug, ""),
        )
    Call.objects.filter(pk=call.pk).update(
        committee_closed_at=datetime(2026, 1, 20, 19, 0, tzinfo=zone)
    )
    proposal = publication.publication_propose(call=call, actor=staff)
    publication.publication_approve(publication=proposal, actor=approver)
    publication.results_publish(publication_id=proposal.pk, now=call.announces_at)


def seed_open_committee(call: Call, staff: User, demo_member: User) -> None:
    if CommitteeMember.objects.filter(call=call, user=demo_member).exists():
        return
    submitted = list(
        Application.objects.filter(call=call, status=Application.Status.SUBMITTED)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    for application in submitted:
        call_services.application_screen(
            application=application, actor=staff, eligible=True, reason=""
        )
    call.review_deadline = call.announces_at - (call.announces_at - call.closes_at) / 2
    call.save(update_fields=["review_deadline"])
    laura = committee.member_add(
        call=call,
        user=demo_member,
        actor=staff,
        kind=CommitteeMember.Kind.EXPERT,
        affiliation="Red de Innovación Local",
    )
    valparaiso = committee.member_add(
        call=call,
        user=demo_user("valparaiso@demo.coalicion.test", "Ignacio Araya"),
        actor=staff,
        kind=CommitteeMember.Kind.OFFICIAL,
        municipality=Municipality.objects.get(slug="valparaiso"),
        is_chair=True,
    )
    # Providencia is in the same region as both applicants: potential conflicts for staff.
    committee.member_add(
        call=call,
        user=demo_user("providencia@demo.coalicion.test", "Francisca León"),
        actor=staff,
        kind=CommitteeMember.Kind.OFFICIAL,
        municipality=Municipality.objects.get(slug="providencia"),
    )
    for member in (laura, valparaiso):
        for application in submitted:
            assignment.assign(member=member, application=application, actor=staff)
    if submitted:
        first = submitted[0]
        review(valparaiso, first, [3, 2, 2], "Plan aprobado y equipo estable.")
        review(laura, first, [2, 2, 3], "Buen plan; pocos resultados medidos todavía.")
        # The second assignment waits: no declaration yet, nothing opened.


def seed_review_demo(*, chapters: dict[str, Any], staff: dict[str, User], demo_member: User):
    past = Call.objects.filter(slug="ciiar-argentina-2025").first()
    current = Call.objects.filter(slug="ciar-chile-2027").first()
    approver = User.objects.filter(is_superuser=True).order_by("pk").first()
    # The demo's staff accounts have no authenticator (the local demo relaxes two-factor
    # authentication); the services check permissions with the roles a request would have.
    with override_settings(REQUIRE_MFA_FOR_PRIVILEGED=False), transaction.atomic():
        for user in (*staff.values(), demo_member, approver):
            for attribute in ("_coalition_roles", "_coalition_recorded_roles"):
                user.__dict__.pop(attribute, None)
        if past is not None and approver is not None:
            seed_past_committee(past, staff["AR"], demo_member, approver)
        if current is not None:
            seed_open_committee(current, staff["CL"], demo_member)
