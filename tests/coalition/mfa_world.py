"""A small portal with one of everything a URL can name, for the URL-resolver MFA test.

One chapter, one city with an approved officer and a pending request, a closed call with an
eligible application (letter, report, annex, receipt, dossier), a committee with an assigned,
declared and submitted review, a detected conflict, an open invitation, a proposed
publication of results, a committee export and a chapter summary. Every private field and
file holds `SECRET`, so a response that shows private data is found by looking for it.

Made with the ORM where a service would need a whole flow (the flows have their own tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from calls import services as call_services
from calls.models import Application, Call, CommitteeMember, Document
from calls.review.models import (
    Assignment,
    CommitteeExport,
    ConflictDeclaration,
    ConflictFlag,
    DiscussionPost,
    Invitation,
    ResultsPublication,
    Review,
)
from coalition.models import Chapter, GeneratedDocument, User
from municipalities.models import Municipality, Officer, ProfileRevision, Programme
from tests.calls.helpers import add_document, make_call
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    MunicipalityFactory,
    OfficerFactory,
    UserFactory,
    enable_totp,
)

# In every private field and file of the world: no response to a user without the right
# may contain it.
SECRET = "PRIVATE-c0a1-7f3e"


def secret_pdf(label: str) -> ContentFile:
    return ContentFile(f"%PDF-1.4\n% {SECRET} {label}\n%%EOF\n".encode())


@dataclass
class World:
    chapter: Chapter
    staff: User
    second_staff: User
    committee: User
    superuser: User
    municipality: Municipality
    officer: User
    officer_request: Officer
    call: Call
    application: Application
    letter: Document
    annex: Document
    member: CommitteeMember
    assignment: Assignment
    flag: ConflictFlag
    invitation: Invitation
    publication: ResultsPublication
    export: CommitteeExport
    summary: GeneratedDocument
    # A published project of the city with a published AI register entry whose draft holds
    # SECRET (the public reads versions, never the draft).
    register_project: object = None
    # A PDF of that published project (public), and a draft project holding SECRET.
    project_attachment: object = None
    draft_project: object = None
    # A startup of that project (public page) and an open challenge of the city; a draft
    # challenge holds SECRET.
    startup: object = None
    challenge: object = None
    # An impact indicator of the published project, a target and a measurement with a (public)
    # evidence PDF.
    indicator: object = None
    target: object = None
    measurement: object = None

    @property
    def privileged(self) -> dict[str, User]:
        return {"staff": self.staff, "committee": self.committee, "superuser": self.superuser}

    def set_mfa(self, enabled: bool) -> None:
        """Give the three privileged users an authenticator, or take it away."""
        for user in self.privileged.values():
            Authenticator.objects.filter(user=user).delete()
            if enabled:
                enable_totp(user)


def _closed_call(chapter: Chapter, staff: User) -> Call:
    now = timezone.now()
    call = make_call(
        chapter,
        staff,
        slug="convocatoria-mfa",
        title="Convocatoria MFA",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=20),
    )
    # Closed yesterday: screening and review are under way.
    Call.objects.filter(pk=call.pk).update(
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=1),
        announces_at=now + timedelta(days=30),
        review_deadline=now + timedelta(days=14),
    )
    call.refresh_from_db()
    return call


def _eligible_application(call: Call, city: Municipality, staff: User) -> Application:
    application = Application.objects.create(
        call=call,
        municipality=city,
        status=Application.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=2),
        contact_name="Contacto " + city.name,
        motivation=f"{SECRET} motivation of {city.name}",
        digital_plan="Plan digital",
        initiatives="Chatbot municipal",
    )
    add_document(application, Document.Kind.LETTER, application.pk * 10)
    add_document(application, Document.Kind.REPORT, application.pk * 10 + 1)
    application.receipt.save("receipt.pdf", secret_pdf("receipt"), save=False)
    application.dossier.save("dossier.pdf", secret_pdf("dossier"), save=False)
    application.save()
    return call_services.application_screen(
        application=application, actor=staff, eligible=True, reason=""
    )


def _register_entry(municipality: Municipality, officer: User):
    """A published project using AI, its register entry published once, then a draft edit."""
    from projects.register.models import RegisterEntry, RegisterEntryVersion
    from tests.projects.factories import build_project

    project = build_project(
        [municipality],
        title="Triaje MFA",
        slug="triaje-mfa",
        problem="Problema",
        solution="Solución",
        summary="Resumen",
    )
    entry = RegisterEntry.objects.create(
        project=project, summary="Resumen público", risk_level="limited", status="in_use"
    )
    version = RegisterEntryVersion.objects.create(
        entry=entry,
        number=1,
        snapshot={"title": project.title, "summary": "Resumen público", "cities": []},
        risk_level="limited",
        status="in_use",
        summary="Resumen público",
        published_at=timezone.now(),
        published_by=officer,
    )
    RegisterEntry.objects.filter(pk=entry.pk).update(
        latest_version=version,
        first_published_at=version.published_at,
        risks=f"{SECRET} unpublished draft",
    )
    return project


def _startups_and_challenges(municipality: Municipality, project) -> tuple:
    from projects.models import (
        Challenge,
        CommitmentReminderSent,
        ProjectStartup,
        SectorTag,
        Startup,
    )

    tag = SectorTag.objects.create(name="GovTech", slug="govtech")
    startup = Startup.objects.create(
        name="Permisia MFA", slug="permisia-mfa", country="CL", tax_id="76086428-5"
    )
    startup.sectors.add(tag)
    Startup.objects.create(name="Duplicada MFA", slug="duplicada-mfa", country="CL")
    ProjectStartup.objects.create(project=project, startup=startup)
    challenge = Challenge.objects.create(
        title="Desafío MFA", slug="desafio-mfa", area="procedures", description="D", status="open"
    )
    challenge.municipalities.add(municipality)
    draft = Challenge.objects.create(
        title="Borrador MFA", slug="borrador-mfa", area="procedures", description=SECRET
    )
    draft.municipalities.add(municipality)
    CommitmentReminderSent.objects.create(municipality=municipality, year=2025)
    return startup, challenge


def _project_extras(project, municipality: Municipality, officer: User):
    """An attachment of the published project, a revision, and a draft project whose fields
    hold SECRET (nobody but its officers and their chapter's staff may see it)."""
    from projects.models import Project, ProjectAttachment, ProjectCity, ProjectRevision

    attachment = ProjectAttachment(
        project=project, title="Estudio de caso", original_name="caso.pdf", sha256="0" * 64
    )
    attachment.file.save("caso.pdf", ContentFile(b"%PDF-1.4\n% caso\n%%EOF\n"), save=True)
    ProjectRevision.objects.create(
        project=project, author=officer, changes={"title": {"old": "", "new": project.title}}
    )
    draft = Project.objects.create(
        title="Borrador MFA",
        slug="borrador-mfa",
        area="procedures",
        problem=f"{SECRET} draft problem",
        solution="Solución",
        summary="Resumen",
    )
    ProjectCity.objects.create(project=draft, municipality=municipality)
    return attachment, draft


def _indicators(project, officer: User) -> tuple:
    from datetime import date

    from projects.indicators.models import (
        Indicator,
        Measurement,
        ReportingReminderSent,
        Target,
    )

    indicator = Indicator.objects.create(
        project=project,
        name="Días promedio por permiso",
        unit="días",
        direction="decrease",
        baseline_value=45,
        baseline_date=date(2025, 1, 1),
    )
    target = Target.objects.create(
        indicator=indicator, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), value=20
    )
    measurement = Measurement(
        indicator=indicator,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        value=38,
        reported_by=officer,
        evidence_name="informe.pdf",
    )
    measurement.evidence.save("informe.pdf", ContentFile(b"%PDF-1.4\n% informe\n%%EOF\n"))
    ReportingReminderSent.objects.create(project=project, period_end=date(2025, 3, 31), kind="due")
    return indicator, target, measurement


def build_world() -> World:
    chapter = ChapterFactory(name="CIAR Chile", slug="ciar-chile")
    # Another chapter with its own summary: nobody of ours may see it.
    other = ChapterFactory(name="CIIAR Argentina", slug="ciiar-argentina", country="AR")
    staff = ChapterStaffFactory(chapter=chapter, user__email="staff@mfa.example.org").user
    second_staff = ChapterStaffFactory(chapter=chapter, user__email="staff2@mfa.example.org").user
    enable_totp(second_staff)
    superuser = UserFactory(email="root@mfa.example.org", is_superuser=True, is_staff=True)
    committee = UserFactory(email="jury@mfa.example.org")
    Group.objects.create(name="Editors")
    programme = Programme.objects.create(name="GovTech Connect", slug="govtech-connect")

    municipality = MunicipalityFactory(
        chapter=chapter, name="Peñalolén", slug="penalolen", ai_initiatives="Asistente"
    )
    municipality.programmes.add(programme)
    municipality.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    second_city = MunicipalityFactory(chapter=chapter, name="Renca", slug="renca")
    officer = OfficerFactory(municipality=municipality, user__email="officer@mfa.example.org").user
    officer_request = OfficerFactory(
        municipality=municipality,
        status=Officer.Status.PENDING,
        message=f"{SECRET} request message",
        user__email="asking@mfa.example.org",
    )
    ProfileRevision.objects.create(
        municipality=municipality,
        author=officer,
        changes={"description": {"old": f"{SECRET} old text", "new": "Nueva"}},
    )

    call = _closed_call(chapter, second_staff)
    application = _eligible_application(call, municipality, second_staff)
    other_application = _eligible_application(call, second_city, second_staff)
    letter = application.documents.get(kind=Document.Kind.LETTER)
    annex = add_document(application, Document.Kind.ANNEX, application.pk * 10 + 2)
    for document in (letter, annex):
        document.file.save(document.file.name.rsplit("/", 1)[-1], secret_pdf("doc"), save=True)

    member = CommitteeMember.objects.create(
        call=call, user=committee, kind=CommitteeMember.Kind.EXPERT, affiliation="U.", is_chair=True
    )
    assignment = Assignment.objects.create(
        member=member, application=application, assigned_by=second_staff
    )
    ConflictDeclaration.objects.create(member=member, application=application, has_conflict=False)
    Review.objects.create(
        assignment=assignment,
        status=Review.Status.SUBMITTED,
        overall_comment=f"{SECRET} review comment",
        submitted_at=timezone.now(),
    )
    flag = ConflictFlag.objects.create(
        member=member,
        application=other_application,
        reason=ConflictFlag.Reason.SAME_REGION,
        status=ConflictFlag.Status.POTENTIAL,
    )
    DiscussionPost.objects.create(
        application=application, author=second_staff, body=f"{SECRET} discussion"
    )
    invitation = Invitation.objects.create(
        call=call, email="invited@mfa.example.org", invited_by=second_staff, affiliation="U."
    )
    publication = ResultsPublication.objects.create(call=call, proposed_by=second_staff)
    export = CommitteeExport.objects.create(
        call=call,
        kind=CommitteeExport.Kind.SCORES_CSV,
        status=CommitteeExport.Status.READY,
        requested_by=committee,
        language="es",
    )
    export.file.save("scores.csv", ContentFile(f"{SECRET},scores\n".encode()), save=True)

    summary = GeneratedDocument.objects.create(
        kind=GeneratedDocument.Kind.COALITION_SUMMARY,
        status=GeneratedDocument.Status.READY,
        requested_by=second_staff,
        chapter=chapter,
        language="es",
        page_count=1,
    )
    summary.file.save("summary.pdf", secret_pdf("summary"), save=True)
    GeneratedDocument.objects.create(
        kind=GeneratedDocument.Kind.COALITION_SUMMARY, chapter=other, language="es"
    )
    world = World(
        chapter=chapter,
        staff=staff,
        second_staff=second_staff,
        committee=committee,
        superuser=superuser,
        municipality=municipality,
        officer=officer,
        officer_request=officer_request,
        call=call,
        application=application,
        letter=letter,
        annex=annex,
        member=member,
        assignment=assignment,
        flag=flag,
        invitation=invitation,
        publication=publication,
        export=export,
        summary=summary,
        register_project=_register_entry(municipality, officer),
    )
    world.project_attachment, world.draft_project = _project_extras(
        world.register_project, municipality, officer
    )
    world.startup, world.challenge = _startups_and_challenges(municipality, world.register_project)
    world.indicator, world.target, world.measurement = _indicators(world.register_project, officer)
    return world
