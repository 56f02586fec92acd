"""Every form of the portal, sent hostile values field by field: never a 500, nothing saved.

The views are found by walking the URL resolver: every view of our apps that accepts POST
(its `require_http_methods` list says so, or, undecorated, it reads `request.POST`) must be in
FORMS (who may use it, with which URL arguments and base data) or in NOT_TESTED_HERE (with the
reason). A new POST view in neither makes `test_every_form_view_is_covered` fail and say so.

For each form, the valid data comes from the page itself (the fields a browser would post) or
from the map. Then each field in turn gets each HOSTILE value (text where a number or an id
goes, a negative id, a number beyond any column, 100,000 characters, a NUL character, a
choice that does not exist, the key repeated, the field left out), as a user allowed to use
the form. The answer must be:

* never a 5xx (the test client re-raises nothing: a real 500 is seen as a 500);
* when refused (a 4xx, or a 200 page answering a POST): nothing in the database changed, and a
  400 page shows an error (at the field, or as a message);
* when accepted, the value was legitimate for that field: fine.

Each request runs inside a transaction rolled back afterwards, so every value meets the same
starting state. The GET filter forms (directory, map, staff application table) get the same
values in their query strings; the open data API has its own contract test (schemathesis).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from calls import services as call_services
from calls.models import Application, Document
from municipalities.models import Officer, Programme
from tests.calls import pdfs
from tests.calls.helpers import add_document, make_call
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    MunicipalityFactory,
    OfficerFactory,
    UserFactory,
    enable_totp,
)

pytestmark = pytest.mark.django_db

OUR_APPS = ("calls", "municipalities", "coalition", "projects")

HOSTILE: dict[str, Any] = {
    "text": "abc",
    "negative": "-1",
    "huge": str(10**20),
    "long": "x" * 100_000,
    "nul": "a\x00b",
    "choice": "no-such-choice",
}
REPEATED = "repeated"  # the key twice: the valid value, then "abc"
MISSING = "missing"


# --- Who may use which form --------------------------------------------------------------


@dataclass
class World:
    """One of each thing the forms act on, in one open call of one chapter."""

    staff: Any
    officer: Any
    plain: Any
    municipality: Any
    pending_request: Any
    call: Any
    draft_call: Any
    application: Any
    annex: Any
    submitted: Any
    # A published project of the officer's city that uses AI, with a published register entry.
    register_project: Any = None


def build_world() -> World:
    now = timezone.now()
    chapter = ChapterFactory(
        name="CIAR Chile", slug="ciar-chile", country="CL", time_zone="America/Santiago"
    )
    staff = ChapterStaffFactory(
        chapter=chapter, user__email="staff@hostile.example.org", user__language="en"
    ).user
    enable_totp(staff)
    municipality = MunicipalityFactory(chapter=chapter, name="Peñalolén", slug="penalolen")
    # A programme, so that the profile form has checkboxes of ids to attack.
    Programme.objects.create(name="GovTech Connect", slug="govtech-connect")
    officer = OfficerFactory(
        municipality=municipality, user__email="officer@hostile.example.org", user__language="en"
    )
    pending = OfficerFactory(
        municipality=municipality,
        status=Officer.Status.PENDING,
        user__email="pending@hostile.example.org",
    )
    call = make_call(
        chapter,
        staff,
        slug="abierta",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=20),
    )
    draft_call = make_call(
        chapter,
        staff,
        slug="borrador",
        opens_at=now + timedelta(days=5),
        closes_at=now + timedelta(days=40),
        publish=False,
    )
    application = call_services.application_start(
        call=call, municipality=municipality, actor=officer.user
    )
    annex = add_document(application, Document.Kind.ANNEX, 1)
    renca = MunicipalityFactory(chapter=chapter, name="Renca", slug="renca")
    submitted = Application.objects.create(
        call=call,
        municipality=renca,
        status=Application.Status.SUBMITTED,
        submitted_at=now,
        contact_name="Renca",
    )
    return World(
        staff=staff,
        officer=officer.user,
        plain=UserFactory(email="vecina@hostile.example.org", language="en"),
        municipality=municipality,
        pending_request=pending,
        call=call,
        draft_call=draft_call,
        application=application,
        annex=annex,
        submitted=submitted,
        register_project=_register_project(municipality, officer.user),
    )


def _register_project(municipality, officer):
    from tests.projects.factories import (
        build_project,
        publish_register_entry,
        save_register_entry,
    )

    project = build_project(
        [municipality],
        title="Triaje",
        slug="triaje",
        problem="Problema",
        solution="Solución",
        summary="Resumen",
    )
    data = {
        "summary": "Resumen",
        "contact_email": "a@example.org",
        "purpose": "Propósito",
        "human_oversight": "Revisión",
        "objection_procedure": "Reclamo",
        "data_sources": "Solicitudes",
        "uses_personal_data": False,
        "model_description": "Clasificador",
        "risk_level": "limited",
        "status": "in_development",
    }
    publish_register_entry(project, officer, data)
    # A draft change since, so that publishing again is possible.
    save_register_entry(project, officer, {"risks": "Riesgos"})
    return project


@dataclass
class Form:
    """How to use one form: as `user`, at the URL of `url_name` with `kwargs`; its valid
    data read from the form of the page that has the field `marker` (GET of the same URL, or
    `page`), or given as `data` when the view has no page of its own."""

    user: str
    kwargs: Callable[[World], dict] = lambda w: {}
    marker: str | None = None
    page: Callable[[World], str] | None = None
    data: Callable[[World], dict] | None = None
    method: str = "post"
    extra_fields: tuple[str, ...] = ()
    label: str = ""
    # "core": build_world() below; "committee": the committee world of the MFA test.
    world: str = "core"


def _pdf(w: World) -> SimpleUploadedFile:
    return SimpleUploadedFile("anexo.pdf", pdfs.pdf_with_pages(1), "application/pdf")


DIRECTORY_QUERY = {
    "q": "maipu",
    "country": "CL",
    "region": "",
    "chapter": "ciar-chile",
    "status": "member",
    "programme": "",
    "population": "small",
    "sort": "name",
    "stale": "on",
    "page": "1",
}

# URL name -> the forms served there. To add a view: say who may use it and with what.
FORMS: dict[str, list[Form]] = {
    "set_language": [Form("plain", data=lambda w: {"language": "en", "next": "/"})],
    "represent": [
        Form("plain", marker="position", label="ask to represent"),
        Form("plain", marker="new-name", label="propose a municipality"),
    ],
    "coalition_summary": [Form("staff", marker="chapter")],
    "application_start": [
        Form(
            "officer",
            kwargs=lambda w: {"slug": w.call.slug},
            data=lambda w: {"municipality": str(w.municipality.pk)},
        )
    ],
    "application_edit": [
        Form("officer", kwargs=lambda w: {"pk": w.application.pk}, marker="version")
    ],
    "application_upload": [
        Form(
            "officer",
            kwargs=lambda w: {"pk": w.application.pk},
            data=lambda w: {"kind": "annex", "replaces": "0", "file": _pdf(w)},
        )
    ],
    "application_remove_annex": [
        Form(
            "officer",
            kwargs=lambda w: {"pk": w.application.pk, "document_id": w.annex.pk},
            data=lambda w: {},
        )
    ],
    "application_submit": [
        Form("officer", kwargs=lambda w: {"pk": w.application.pk}, data=lambda w: {})
    ],
    "application_withdraw": [
        Form("officer", kwargs=lambda w: {"pk": w.application.pk}, data=lambda w: {})
    ],
    "municipality_edit": [
        Form("officer", kwargs=lambda w: {"slug": w.municipality.slug}, marker="description")
    ],
    "municipality_leave": [
        Form("officer", kwargs=lambda w: {"slug": w.municipality.slug}, data=lambda w: {})
    ],
    "officer_decide": [
        Form(
            "staff",
            kwargs=lambda w: {"pk": w.pending_request.pk},
            data=lambda w: {"decision": "refuse", "reason": "No consta el cargo."},
        )
    ],
    "staff_call_create": [Form("staff", marker="title")],
    "staff_call_edit": [
        Form("staff", kwargs=lambda w: {"slug": w.draft_call.slug}, marker="title")
    ],
    "staff_call_structure": [
        Form("staff", kwargs=lambda w: {"slug": w.draft_call.slug}, marker="criteria-TOTAL_FORMS")
    ],
    "staff_call_publish": [
        Form("staff", kwargs=lambda w: {"slug": w.draft_call.slug}, data=lambda w: {})
    ],
    "staff_application": [
        Form("staff", kwargs=lambda w: {"pk": w.submitted.pk}, marker="decision", label="screen"),
        Form("staff", kwargs=lambda w: {"pk": w.submitted.pk}, marker="reason", label="reopen"),
    ],
    # GET filter forms: the same hostile values in the query string.
    "directory": [Form("plain", marker="q", method="get", extra_fields=("page",))],
    # The map page has no form of its own: it reads the directory's query string.
    "member_map": [Form("plain", method="get", data=lambda w: DIRECTORY_QUERY)],
    "member_map_data": [Form("plain", method="get", data=lambda w: DIRECTORY_QUERY)],
    "staff_call_applications": [
        Form(
            "staff",
            kwargs=lambda w: {"slug": w.call.slug},
            marker="status",
            method="get",
            extra_fields=("format",),
        )
    ],
    # The AI register.
    "register_list": [Form("plain", marker="q", method="get", extra_fields=("page",))],
    "register_edit": [
        Form("officer", kwargs=lambda w: {"slug": w.register_project.slug}, marker="draft_revision")
    ],
    "register_publish": [
        Form(
            "officer",
            kwargs=lambda w: {"slug": w.register_project.slug},
            data=lambda w: {"change_note": "Riesgos descritos"},
        )
    ],
    "register_moderate": [
        Form(
            "staff",
            kwargs=lambda w: {"slug": w.register_project.slug},
            data=lambda w: {"action": "withdraw", "reason": "Datos incorrectos"},
        )
    ],
    # Projects (the officer's city's published project of the register world).
    "project_directory": [Form("plain", marker="q", method="get", extra_fields=("page",))],
    "project_create": [Form("officer", marker="title")],
    "project_edit": [
        Form("officer", kwargs=lambda w: {"slug": w.register_project.slug}, marker="version")
    ],
    "project_status": [
        Form("officer", kwargs=lambda w: {"slug": w.register_project.slug}, marker="changed_on")
    ],
    "project_publish": [
        Form("officer", kwargs=lambda w: {"slug": w.register_project.slug}, data=lambda w: {})
    ],
    "project_attachment_upload": [
        Form(
            "officer",
            kwargs=lambda w: {"slug": w.register_project.slug},
            data=lambda w: {"title": "Estudio de caso", "file": _pdf(w)},
        )
    ],
    "project_attachment_remove": [
        Form(
            "officer",
            kwargs=lambda w: {
                "slug": w.register_project.slug,
                "attachment_id": _project_attachment(w).pk,
            },
            data=lambda w: {},
        )
    ],
    "staff_projects": [Form("staff", marker="visibility", method="get", extra_fields=("page",))],
    "staff_project_withdraw": [
        Form("staff", kwargs=lambda w: {"slug": w.register_project.slug}, marker="reason")
    ],
    "staff_project_restore": [
        Form("staff", kwargs=lambda w: {"slug": w.register_project.slug}, data=lambda w: {})
    ],
    # Startups, challenges and the yearly commitment.
    "startup_list": [Form("plain", marker="q", method="get", extra_fields=("page",))],
    "startup_edit": [
        Form("officer", kwargs=lambda w: {"slug": _own_startup(w).slug}, marker="tax_id")
    ],
    "startup_merge": [
        Form(
            "staff",
            data=lambda w: {
                "duplicate": str(_own_startup(w).pk),
                "kept": str(_other_startup(w).pk),
                "confirm": "1",
            },
        )
    ],
    "challenge_list": [Form("plain", marker="q", method="get", extra_fields=("page",))],
    "challenge_new": [Form("officer", marker="data_available")],
    "challenge_edit": [
        Form("officer", kwargs=lambda w: {"slug": _challenge(w).slug}, marker="data_available")
    ],
    "staff_commitment": [
        Form("staff", method="get", data=lambda w: {"chapter": "ciar-chile", "year": "2025"})
    ],
}


def _own_startup(w: World):
    """A startup the officer registered, provider of the world's published project."""
    from projects.models import ProjectStartup, Startup

    startup, created = Startup.objects.get_or_create(
        slug="permisia",
        defaults={
            "name": "Permisia",
            "country": "CL",
            "tax_id": "76086428-5",
            "created_by": w.officer,
        },
    )
    if created:
        ProjectStartup.objects.create(project=w.register_project, startup=startup)
    return startup


def _other_startup(w: World):
    from projects.models import Startup

    return Startup.objects.get_or_create(
        slug="ciudata", defaults={"name": "Ciudata", "country": "AR"}
    )[0]


def _challenge(w: World):
    """An open challenge of the officer's city."""
    from projects.models import Challenge

    challenge, created = Challenge.objects.get_or_create(
        slug="desafio",
        defaults={"title": "Desafío", "area": "procedures", "description": "D", "status": "open"},
    )
    if created:
        challenge.municipalities.add(w.municipality)
    return challenge


def _project_attachment(w: World):
    """An attachment of the world's project, made when the form's URL is built (before the
    state that every hostile request is compared with)."""
    from django.core.files.base import ContentFile

    from projects.models import ProjectAttachment

    attachment = ProjectAttachment(
        project=w.register_project, title="Caso", original_name="caso.pdf", sha256="0" * 64
    )
    attachment.file.save("caso.pdf", ContentFile(pdfs.pdf_with_pages(1)), save=True)
    return attachment


def _indicator(w: World):
    """An impact indicator of the register world's published project, with a target and a
    measurement (made once per world)."""
    import datetime as dt

    from projects.indicators.models import Indicator, Measurement, Target

    indicator = Indicator.objects.filter(project=w.register_project).first()
    if indicator is None:
        indicator = Indicator.objects.create(
            project=w.register_project,
            name="Días promedio por permiso",
            unit="días",
            direction="decrease",
            baseline_value=45,
            baseline_date=dt.date(2025, 1, 1),
        )
        Target.objects.create(
            indicator=indicator,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            value=20,
        )
        Measurement.objects.create(
            indicator=indicator,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 3, 31),
            value=38,
        )
    return indicator


def _indicator_kwargs(w: World, **extra) -> dict:
    return {"slug": w.register_project.slug, "indicator_id": _indicator(w).pk, **extra}


def _measurements_csv(w: World) -> SimpleUploadedFile:
    text = (
        "indicator_id,period_start,period_end,value,method\n"
        f"{_indicator(w).pk},2025-04-01,2025-06-30,31,Sistema de permisos\n"
    )
    return SimpleUploadedFile("mediciones.csv", text.encode(), "text/csv")


# Impact indicators of projects (officers of the project's cities).
FORMS.update(
    {
        "indicator_create": [
            Form("officer", kwargs=lambda w: {"slug": w.register_project.slug}, marker="name")
        ],
        "indicator_edit": [Form("officer", kwargs=_indicator_kwargs, marker="name")],
        "indicator_delete": [Form("officer", kwargs=_indicator_kwargs, data=lambda w: {})],
        "indicator_targets": [Form("officer", kwargs=_indicator_kwargs, marker="period_end")],
        "indicator_target_delete": [
            Form(
                "officer",
                kwargs=lambda w: _indicator_kwargs(w, target_id=_indicator(w).targets.get().pk),
                data=lambda w: {},
            )
        ],
        "measurement_create": [Form("officer", kwargs=_indicator_kwargs, marker="value")],
        "measurement_delete": [
            Form(
                "officer",
                kwargs=lambda w: _indicator_kwargs(
                    w, measurement_id=_indicator(w).measurements.get().pk
                ),
                data=lambda w: {},
            )
        ],
        "indicators_import": [
            Form(
                "officer",
                kwargs=lambda w: {"slug": w.register_project.slug},
                data=lambda w: {"file": _measurements_csv(w)},
            )
        ],
        "indicators_import_confirm": [
            Form(
                "officer",
                kwargs=lambda w: {"slug": w.register_project.slug},
                data=lambda w: {"token": "no-such-import"},
            )
        ],
    }
)


def _review(user: str, kwargs, **options) -> Form:
    return Form(user, kwargs=kwargs, world="committee", **options)


FORMS.update(
    {
        "committee_invitation_accept": [
            _review("invited", lambda w: {"token": w.invitation.token}, data=lambda w: {})
        ],
        "review_declare": [
            _review(
                "committee",
                lambda w: {"pk": w.assignment.pk},
                data=lambda w: {"has_conflict": "0", "kind": "", "note": ""},
            )
        ],
        "review_edit": [_review("committee", lambda w: {"pk": w.assignment.pk}, marker="version")],
        "review_dossier": [
            _review("committee", lambda w: {"pk": w.assignment.pk}, data=lambda w: {})
        ],
        "committee_manage": [
            _review("staff", lambda w: {"slug": w.call.slug}, marker="full_name", label="name"),
            _review(
                "staff",
                lambda w: {"slug": w.call.slug},
                marker="reviewers_per_application",
                label="settings",
            ),
        ],
        "committee_assignments": [
            _review("staff", lambda w: {"slug": w.call.slug}, marker="members", label="bulk"),
            _review(
                "staff",
                lambda w: {"slug": w.call.slug},
                data=lambda w: {"action": "remove", "assignment": str(w.assignment.pk)},
                label="remove",
            ),
        ],
        "committee_member_withdraw": [
            _review(
                "staff",
                lambda w: {"slug": w.call.slug, "member_id": w.member.pk},
                data=lambda w: {},
            )
        ],
        "committee_invitation_cancel": [
            _review(
                "staff",
                lambda w: {"slug": w.call.slug, "invitation_id": w.invitation.pk},
                data=lambda w: {},
            )
        ],
        "committee_flag_decide": [
            _review(
                "staff",
                lambda w: {"slug": w.call.slug, "flag_id": w.flag.pk},
                data=lambda w: {"decision": "dismissed", "reason": "Otra región."},
            )
        ],
        "results_discussion_staff": [
            _review("staff", lambda w: {"pk": w.application.pk}, marker="body")
        ],
        "results_discussion_committee": [
            _review("committee", lambda w: {"pk": w.application.pk}, marker="body")
        ],
        "results_discussion_mark": [
            _review("staff", lambda w: {"pk": w.application.pk}, data=lambda w: {"discussed": "1"})
        ],
        "results_decision": [
            _review("staff", lambda w: {"pk": w.application.pk}, marker="outcome")
        ],
        "results_propose": [
            _review("staff", lambda w: {"slug": w.call.slug}, data=lambda w: {"publish_now": "on"})
        ],
        "results_approve": [
            _review(
                "staff", lambda w: {"slug": w.call.slug, "pk": w.publication.pk}, data=lambda w: {}
            )
        ],
        "results_withdraw": [
            _review(
                "second_staff",
                lambda w: {"slug": w.call.slug, "pk": w.publication.pk},
                data=lambda w: {},
            )
        ],
        "results_export_staff": [
            _review("staff", lambda w: {"slug": w.call.slug}, data=lambda w: {"kind": "scores_csv"})
        ],
        "results_export_committee": [
            _review(
                "committee", lambda w: {"slug": w.call.slug}, data=lambda w: {"kind": "scores_csv"}
            )
        ],
    }
)

# POST views this test does not send forms to, and why. Keep each reason true.
NOT_TESTED_HERE: dict[str, str] = {}


def committee_world():
    """The MFA test's world (one of everything of the committee), privileged users with MFA,
    and the person the open invitation was sent to."""
    from tests.coalition.mfa_world import build_world as build_committee_world

    world = build_committee_world()
    world.set_mfa(True)
    world.invited = UserFactory(email=world.invitation.email, language="en")
    for user in (world.staff, world.second_staff, world.committee):
        user.language = "en"
        user.save(update_fields=["language"])
    return world


# --- Finding the form views ------------------------------------------------------------------


def walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def allowed_methods(view) -> set[str] | None:
    """The list given to `require_http_methods` (or require_POST...), found in the closures
    of the view's decorators; None when the view does not restrict its methods."""
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        for cell in getattr(view, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(m, str) and m in {"GET", "POST", "HEAD", "PUT"} for m in value)
            ):
                return set(value)
        view = getattr(view, "__wrapped__", None)
    return None


def reads_post(function) -> bool:
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return "request.POST" in source or 'request.method == "POST"' in source


def accepts_post(view) -> bool:
    """Whether the view takes a POST: its decorators say so, or, undecorated, it or a function
    of its module that it calls reads `request.POST` (a page helper shared by two views)."""
    methods = allowed_methods(view)
    if methods is not None:
        return "POST" in methods
    function = inspect.unwrap(view)
    if reads_post(function):
        return True
    module = inspect.getmodule(function)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    called = set(re.findall(r"\b(\w+)\(", source)) - {function.__name__}
    return any(
        inspect.isfunction(getattr(module, name, None)) and reads_post(getattr(module, name))
        for name in called
    )


def form_views() -> dict[str, str]:
    """URL name -> route of every view of our apps that accepts POST."""
    found = {}
    for route, pattern in walk(get_resolver().url_patterns):
        view = pattern.callback
        module = getattr(view, "__module__", "") or ""
        if module.split(".")[0] in OUR_APPS and accepts_post(view):
            found[pattern.name] = route
    return found


def test_every_form_view_is_covered():
    missing = {
        name: route
        for name, route in form_views().items()
        if name not in FORMS and name not in NOT_TESTED_HERE
    }
    assert not missing, (
        "These views accept POST but the hostile-form test does not know them: "
        + ", ".join(f"{name} ({route})" for name, route in sorted(missing.items()))
        + ". Add each to FORMS in tests/test_hostile_forms.py (who may use it, its URL "
        "arguments, its page or base data), or to NOT_TESTED_HERE with the reason."
    )
    stale = set(FORMS) - {p.name for _route, p in walk(get_resolver().url_patterns)}
    assert not stale, f"FORMS names URLs that no longer exist: {sorted(stale)}"


# --- Reading a page's form -----------------------------------------------------------------


class FormReader(HTMLParser):
    """The forms of a page: what a browser would send, and the name of every field."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def _field(self, name: str, value: str | None) -> None:
        if self._form is None:
            return
        self._form["names"].add(name)
        if value is not None:
            self._form["values"].append((name, value))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "names": set()}
            self._form["values"] = []
            self.forms.append(self._form)
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                self._field(a["name"], a.get("value", "on") if "checked" in a else None)
            elif kind == "file":
                self._field(a["name"], None)
            elif kind not in ("submit", "button", "image", "reset"):
                self._field(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _selected in self._options[:1]
            ]
            self._field(self._select, None)
            for value in chosen:
                self._field(self._select, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._field(self._textarea, "".join(self._text).removeprefix("\n"))
            self._textarea = None


def page_form(html: str, marker: str, method: str) -> tuple[dict[str, Any], set[str]]:
    reader = FormReader()
    reader.feed(html)
    for form in reader.forms:
        if form["method"] == method and marker in form["names"]:
            data: dict[str, list[str]] = {}
            for name, value in form["values"]:
                data.setdefault(name, []).append(value)
            names = form["names"] - {"csrfmiddlewaretoken"}
            return {k: v[0] if len(v) == 1 else v for k, v in data.items()}, names
    raise AssertionError(f"no {method} form with a field {marker!r} on the page")


# --- What "nothing saved" means --------------------------------------------------------------


def _volatile(model_field) -> bool:
    """Columns that change when a save changes nothing a person typed: an application's
    saves keep every valid field, and bump these."""
    return model_field.name == "version" or getattr(model_field, "auto_now", False)


def snapshot() -> dict[str, list[tuple]]:
    state = {}
    for model in apps.get_models():
        if model._meta.app_label not in (*OUR_APPS, "review", "indicators"):
            continue
        columns = [f.attname for f in model._meta.concrete_fields if not _volatile(f)]
        state[model._meta.label] = sorted(model.objects.order_by().values_list(*columns), key=repr)
    return state


class _RolledBack(Exception):
    pass


@dataclass
class Outcome:
    status: int
    changed: list[str] = field(default_factory=list)
    shows_error: bool = False
    location: str = ""


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def send(
    client: Client, method: str, url: str, data: dict[str, Any], before: dict[str, list[tuple]]
) -> Outcome:
    """One request inside a transaction that is rolled back: the next one meets the same
    state (`before`). Reports what changed in the database (compared only when the request
    wrote something: the comparison is the slow part)."""
    outcome = Outcome(status=0)
    writes = []

    def spy(execute, sql, params, many, context):
        if WRITE.match(sql) and "django_session" not in sql:
            writes.append(sql)
        return execute(sql, params, many, context)

    try:
        with transaction.atomic():
            for value in data.values():
                if hasattr(value, "seek"):
                    value.seek(0)
            with connection.execute_wrapper(spy):
                response = getattr(client, method)(url, data)
            if writes:
                after = snapshot()
                outcome.changed = [label for label in before if before[label] != after[label]]
            outcome.status = response.status_code
            outcome.location = response.get("Location", "")
            content = getattr(response, "content", b"") if not response.streaming else b""
            outcome.shows_error = b"errorlist" in content or b"message-error" in content
            raise _RolledBack
    except _RolledBack:
        pass
    return outcome


FORMSET_ROW = re.compile(r"^(?P<prefix>[\w]+)-(?P<row>\d+)-(?P<field>\w+)$")


def attacked(names: set[str]) -> list[str]:
    """The names to attack: every field, but of a formset's rows only the first (each row
    is the same form; the management fields are attacked too)."""
    return sorted(
        name for name in names if not (match := FORMSET_ROW.match(name)) or match["row"] == "0"
    )


def hostile_variants(base: dict[str, Any], names: set[str]) -> Iterator[tuple[str, dict]]:
    for name in attacked(names):
        for kind, value in HOSTILE.items():
            yield f"{name}={kind}", {**base, name: value}
        valid = base.get(name, "1")
        first = valid[0] if isinstance(valid, list) else valid
        if not hasattr(first, "read"):
            yield f"{name}={REPEATED}", {**base, name: [first, "abc"]}
        without = dict(base)
        without.pop(name, None)
        yield f"{name}={MISSING}", without


def cases() -> Iterator[Any]:
    for name, forms in FORMS.items():
        for number, form in enumerate(forms):
            yield pytest.param(name, number, id=f"{name}:{form.label or number}")


@pytest.mark.parametrize(("url_name", "number"), list(cases()))
def test_hostile_values_get_a_message_never_a_500(url_name, number, settings):
    form = FORMS[url_name][number]
    world = committee_world() if form.world == "committee" else build_world()
    user = getattr(world, form.user)
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    url = reverse(url_name, kwargs=form.kwargs(world))

    if form.data is not None:
        base, names = form.data(world), set(form.data(world)) | {"id"}
    else:
        page = client.get(form.page(world) if form.page else url)
        assert page.status_code == 200, f"{url_name}: the page answered {page.status_code}"
        base, names = page_form(page.content.decode(), form.marker, form.method)
    names |= set(form.extra_fields)

    if form.method == "post" and form.data is None:
        # Save the page once as it is, for real: the first save of a form may normalise what
        # it stores (an application's answers get a key per question), and the hostile values
        # must be compared with a state that a save of the same page leaves as it is.
        client.post(url, base)
        page = client.get(url)
        base, names = page_form(page.content.decode(), form.marker, form.method)
        names |= set(form.extra_fields)
    before = snapshot()

    # The user really gets through (not sent to sign in or to set up MFA).
    baseline = send(client, form.method, url, base, before)
    assert baseline.status < 500, baseline
    for gate in (reverse("account_login"), reverse("mfa_required")):
        assert not baseline.location.startswith(gate), f"{url_name}: {user} is sent to {gate}"

    problems = []
    for variant, data in hostile_variants(base, names):
        outcome = send(client, form.method, url, data, before)
        refused = outcome.status >= 400 or (form.method == "post" and outcome.status == 200)
        if outcome.status >= 500:
            problems.append(f"{variant}: {outcome.status}")
        elif refused and outcome.changed:
            problems.append(f"{variant}: refused ({outcome.status}) but changed {outcome.changed}")
        elif outcome.status == 400 and not outcome.shows_error:
            problems.append(f"{variant}: 400 without an error shown")
    assert not problems, f"{url_name} ({url}):\n" + "\n".join(problems)


def test_the_known_findings_are_refused_with_a_4xx(client):
    """The two 500s the issue reported, at their own address."""
    world = build_world()
    client = Client(raise_request_exception=False)
    client.force_login(world.officer)
    response = client.post(
        reverse("application_start", args=[world.call.slug]), {"municipality": "abc"}
    )
    assert response.status_code == 404
    staff = Client(raise_request_exception=False)
    staff.force_login(world.staff)
    url = reverse("staff_call_structure", args=[world.draft_call.slug])
    data, _names = page_form(staff.get(url).content.decode(), "criteria-TOTAL_FORMS", "post")
    data["criteria-0-levels"] = "0: nada\n40000: todo"
    response = staff.post(url, data)
    assert response.status_code == 400
    assert "Line 2: Ensure this value is less than or equal to 100." in response.content.decode()


def test_an_id_list_beyond_the_column_matches_nothing_instead_of_failing():
    """`pk__in` with a number no id column holds (coalition.lookups): no match, no error."""
    programme = Programme.objects.create(name="GovTech Connect", slug="govtech-connect")
    assert list(Programme.objects.filter(pk__in=[10**20, programme.pk])) == [programme]
    assert list(Programme.objects.filter(pk__in=[10**20])) == []
    assert list(Programme.objects.filter(pk__in=[-(10**20)])) == []
