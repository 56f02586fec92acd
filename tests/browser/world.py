"""A fixture world for the page-by-page guardrails: the demo data (`seed_demo`: chapters,
the 29 real cities, an open call with a draft and two applications submitted with real PDFs,
a past Argentine call) plus what the demo lacks: calls in every phase, applications in every
state, a committee with assignments, and the long values that once broke reflow.

Every role signs in through Django's session machinery (no login form per role): `session_for`
returns a session key to put in a browser cookie, marked MFA-authenticated like allauth does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone

from calls import call_setup
from calls.models import Application, Call, CommitteeMember
from calls.review import assignment, conflicts
from calls.review.models import Invitation
from coalition.demo import seed_demo
from coalition.models import Chapter, User
from municipalities.models import Municipality, Officer
from tests.calls.helpers import add_document, structure
from tests.factories import enable_totp

# Values long enough to overflow a 320 px screen unless they are allowed to wrap.
LONG_WEBSITE = (
    "https://www.municipalidaddepuentealto.cl/transparencia-activa/"
    "plan-de-transformacion-digital-y-gobierno-abierto-2024-2027"
)
LONG_SOURCE = (
    "Instituto Nacional de Estadísticas (INE), Censo de Población y Vivienda 2017, "
    "resultados-definitivos-por-comuna-https://censo2017.ine.gob.cl/resultados/"
)

# "member": signed in, no role yet (asks to represent a city).
ROLES = ("anonymous", "member", "officer", "staff", "committee")


@dataclass
class World:
    chapter: Chapter
    users: dict[str, User | None]
    open_call: Call
    draft_call: Call
    upcoming_call: Call
    closed_call: Call
    past_call: Call
    municipality: Municipality
    draft_application: Application
    submitted_application: Application
    eligible_application: Application
    officer_request: Officer
    extra: dict[str, object] = field(default_factory=dict)


def _city(chapter: Chapter, slug: str, name: str) -> Municipality:
    city, _ = Municipality.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "chapter": chapter, "country": chapter.country, "region": "RM"},
    )
    return city


def _application(call: Call, city: Municipality, status: str, **fields) -> Application:
    """An application in a given state, with a letter and a report, made directly: the
    submission itself has its own tests; these pages only need the rows."""
    application = Application.objects.create(
        call=call,
        municipality=city,
        status=status,
        submitted_at=None if status == Application.Status.DRAFT else timezone.now(),
        contact_name="Contacto " + city.name,
        innovation_unit="Laboratorio de " + city.name,
        digital_plan="Plan digital 2024-2028",
        initiatives="Asistente virtual de trámites",
        motivation="Queremos aprender con otras ciudades.",
        **fields,
    )
    add_document(application, "letter", application.pk * 10)
    add_document(application, "report", application.pk * 10 + 1)
    return application


def _call(chapter: Chapter, staff: User, slug: str, *, opens, closes, publish: bool) -> Call:
    call = Call.objects.create(
        chapter=chapter,
        slug=slug,
        title=f"Convocatoria de prueba {slug}",
        summary="Resumen de la convocatoria de prueba.",
        objectives="Objetivos de la convocatoria de prueba.",
        opens_at=opens,
        closes_at=closes,
        announces_at=closes + timedelta(days=20),
        review_deadline=closes + timedelta(days=10),
    )
    shape = structure()
    call_setup.call_set_structure(call=call, actor=staff, **shape)
    if publish:
        call = call_setup.call_publish(call=call, actor=staff)
    return call


def _indicator(project, officer: User):
    """An impact indicator of the published project: baseline, two targets, three measurements
    (one with evidence), so that its chart, table and forms render."""
    from datetime import date

    from projects.indicators.models import Indicator, Measurement, Target

    indicator = Indicator.objects.create(
        project=project,
        name="Días promedio para derivar un reclamo a su unidad",
        unit="días",
        direction="decrease",
        baseline_value=12,
        baseline_date=date(2025, 1, 1),
        created_by=officer,
    )
    for end, value in ((date(2025, 12, 31), 6), (date(2026, 12, 31), 2)):
        Target.objects.create(
            indicator=indicator, period_start=date(end.year, 1, 1), period_end=end, value=value
        )
    for start, end, value in (
        (date(2025, 1, 1), date(2025, 3, 31), 10),
        (date(2025, 4, 1), date(2025, 6, 30), 7.5),
        (date(2025, 7, 1), date(2025, 9, 30), 5),
    ):
        Measurement.objects.create(
            indicator=indicator,
            period_start=start,
            period_end=end,
            value=value,
            method="Promedio del sistema de reclamos (ficticio)",
            reported_by=officer,
        )
    return indicator


def _register_project(city: Municipality, officer: User):
    """A published project of the officer's city with an AI register entry in two versions
    (so the history shows a table of changes) and a draft change since."""
    from tests.projects.factories import build_project, publish_register_entry

    project = build_project(
        [city],
        title="Clasificación de reclamos vecinales (ficticio)",
        slug="prueba-registro-ia",
        area="citizen_service",
        problem="Los reclamos tardan en llegar a la unidad que corresponde.",
        solution="Un clasificador sugiere la unidad; una persona confirma.",
        summary="Clasificación asistida de reclamos.",
    )
    data = {
        "summary": "Un programa sugiere a qué unidad va cada reclamo; una persona decide.",
        "contact_email": "innovacion@example.org",
        "purpose": "Que cada reclamo llegue antes a quien lo resuelve.",
        "human_oversight": "Una persona confirma cada sugerencia.",
        "objection_procedure": "Pida revisión humana en la Oficina de Partes.",
        "data_sources": "Reclamos de 2022 a 2025, sin datos personales.",
        "uses_personal_data": False,
        "model_description": "Clasificador de texto.",
        "risk_level": "limited",
        "status": "in_development",
        "impact_assessments": [{"title": "Evaluación de impacto", "url": "https://example.org/ei"}],
    }
    publish_register_entry(project, officer, data)
    publish_register_entry(
        project,
        officer,
        {"performance": "88 % de sugerencias aceptadas (muestra de 500 reclamos)."},
        change_note="Primera medición de desempeño",
    )
    return project


def _startup_and_challenge(city: Municipality, officer: User, project):
    """The demo startups and challenges; `permisia` registered by the officer and provider of
    the published project, and an open challenge of the officer's city addressed by it."""
    from projects.demo_startups import seed_startups_and_challenges
    from projects.models import Challenge, ProjectStartup, Startup

    seed_startups_and_challenges()
    startup = Startup.objects.get(slug="permisia")
    Startup.objects.filter(pk=startup.pk).update(created_by=officer)
    ProjectStartup.objects.get_or_create(project=project, startup=startup)
    challenge, _ = Challenge.objects.get_or_create(
        slug="puente-alto-tiempos-de-espera",
        defaults={
            "title": "Tiempos de espera en la atención presencial",
            "area": "citizen_service",
            "description": "Filas largas en la oficina de atención vecinal (ficticio).",
            "affected": "Vecinos que hacen trámites presenciales.",
            "data_available": "Registro de turnos 2025 (ficticio).",
            "status": Challenge.Status.OPEN,
            "published_at": timezone.now(),
        },
    )
    challenge.municipalities.add(city)
    project.challenge = challenge
    project.save(update_fields=["challenge"])
    return startup, challenge


def build_world() -> World:
    seed_demo()
    now = timezone.now()
    chapter = Chapter.objects.get(slug="ciar-chile")
    staff = User.objects.get(email="equipo.cl@demo.coalicion.test")
    committee = User.objects.get(email="comite@demo.coalicion.test")
    officer = User.objects.get(email="municipio@demo.coalicion.test")
    User.objects.filter(email__endswith="@demo.coalicion.test").update(language="es")
    for user in (staff, committee):
        user.refresh_from_db()
        enable_totp(user)
    officer.refresh_from_db()

    open_call = Call.objects.get(slug="ciar-chile-2027")
    past_call = Call.objects.get(slug="ciiar-argentina-2025")
    draft_call = _call(
        chapter,
        staff,
        "borrador-2028",
        opens=now + timedelta(days=60),
        closes=now + timedelta(days=90),
        publish=False,
    )
    upcoming_call = _call(
        chapter,
        staff,
        "proxima-2028",
        opens=now + timedelta(days=30),
        closes=now + timedelta(days=60),
        publish=True,
    )
    closed_call = _call(
        chapter,
        staff,
        "cerrada-2026",
        opens=now - timedelta(days=60),
        closes=now - timedelta(days=50),
        publish=True,
    )
    Call.objects.filter(pk=closed_call.pk).update(
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=1),
        announces_at=now + timedelta(days=30),
        review_deadline=now + timedelta(days=14),
    )
    closed_call.refresh_from_db()

    # Applications in every state of the open call (the demo brings a draft and two
    # submitted) and of the closed call (screened, for the committee).
    puente_alto = Municipality.objects.get(slug="puente-alto")
    Municipality.objects.filter(pk=puente_alto.pk).update(
        official_website=LONG_WEBSITE,
        population_source=LONG_SOURCE,
        description="Comuna del sur de la Región Metropolitana con un laboratorio de innovación.",
    )
    draft = Application.objects.get(call=open_call, municipality=puente_alto)
    submitted = _application(
        open_call, _city(chapter, "prueba-enviada", "Comuna Enviada"), "submitted"
    )
    _application(open_call, _city(chapter, "prueba-retirada", "Comuna Retirada"), "withdrawn")
    reopened = _application(
        open_call,
        _city(chapter, "prueba-reabierta", "Comuna Reabierta"),
        "reopened",
        reopen_reason="Falta la firma del alcalde en la carta.",
    )
    ineligible = _application(
        open_call,
        _city(chapter, "prueba-inelegible", "Comuna Inelegible"),
        "ineligible",
        screening_reason="No es una municipalidad de Chile.",
    )
    eligible = _application(closed_call, puente_alto, "eligible")
    second = _application(
        closed_call, _city(chapter, "prueba-elegible", "Comuna Elegible"), "eligible"
    )
    # The chair: reads the ranking and the discussion before reviewing everything.
    member = CommitteeMember.objects.create(call=closed_call, user=committee, is_chair=True)
    # Not assigned to the chair: its scores and discussion are open to them at once (an
    # assigned one stays closed until they submit their own review).
    unassigned = _application(
        closed_call, _city(chapter, "prueba-sin-asignar", "Comuna Sin Asignar"), "eligible"
    )
    extra: dict[str, object] = {
        "reopened": reopened,
        "ineligible": ineligible,
        "second_eligible": second,
        "member": member,
        "unassigned": unassigned,
    }
    # The committee's side (calls.review): an invitation, two assignments, one declared.
    extra["invitation"] = Invitation.objects.create(
        call=closed_call, email="experta@demo.coalicion.test", full_name="Experta Invitada"
    )

    extra["assignment"] = assignment.assign(member=member, application=eligible, actor=staff)
    assignment.assign(member=member, application=second, actor=staff)
    conflicts.declare(member=member, application=eligible, actor=committee, has_conflict=False)

    extra["register_project"] = _register_project(puente_alto, officer)
    extra["startup"], extra["challenge"] = _startup_and_challenge(
        puente_alto, officer, extra["register_project"]
    )
    extra["indicator"] = _indicator(extra["register_project"], officer)

    return World(
        chapter=chapter,
        users={
            "anonymous": None,
            "member": User.objects.get(email="visitante@demo.coalicion.test"),
            "officer": officer,
            "staff": staff,
            "committee": committee,
        },
        open_call=open_call,
        draft_call=draft_call,
        upcoming_call=upcoming_call,
        closed_call=closed_call,
        past_call=past_call,
        municipality=puente_alto,
        draft_application=draft,
        submitted_application=submitted,
        eligible_application=eligible,
        officer_request=Officer.objects.get(municipality__slug="temuco"),
        extra=extra,
    )


def session_for(user: User) -> str:
    """A signed-in session for `user`, as after allauth's login (with its second factor for
    those who have one), saved in the session store; returns the session key."""
    from importlib import import_module

    from allauth.mfa.utils import is_mfa_enabled

    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # What allauth records on login (allauth.account.internal.flows.login.record_authentication):
    # the mfa record is what a gate on "signed in with the second factor" reads.
    records = [{"method": "password", "at": time.time(), "email": user.email}]
    if is_mfa_enabled(user):
        records.append({"method": "mfa", "at": time.time(), "type": "totp"})
    session["account_authentication_methods"] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return session.session_key
