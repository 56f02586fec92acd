"""Helpers for the calls tests: a call with its structure, complete applications, a frozen
clock, and a tiny HTML form reader that posts back what a browser would."""

from __future__ import annotations

from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from calls import call_setup, services
from calls.models import Application, Call, Document
from tests.calls import pdfs

# --- Calls -----------------------------------------------------------------------------------


def structure() -> dict[str, list[dict[str, Any]]]:
    """Requirements, questions and a rubric in the shape `call_set_structure` takes."""
    return {
        "requirements": [
            {
                "text": "Contar con un área de innovación o gobierno digital",
                "evidence_requested": True,
            },
            {"text": "Compartir datos y casos de estudio", "evidence_requested": False},
        ],
        "questions": [
            {
                "kind": "long_text",
                "label": "Describa un proyecto de IA que quiera impulsar",
                "help_text": "",
                "required": True,
                "word_limit": 12,
            },
            {
                "kind": "number",
                "label": "Presupuesto anual de innovación (USD)",
                "required": False,
            },
            {
                "kind": "choice",
                "label": "Tamaño del equipo",
                "required": True,
                "choices": ["1 a 3", "4 a 10", "Más de 10"],
            },
            {
                "kind": "yes_no",
                "label": "¿Tiene un plan de transformación digital aprobado?",
                "required": True,
            },
        ],
        "criteria": [
            {
                "title": "Capacidad institucional",
                "weight": 40,
                "levels": [
                    {"score": 0, "description": "Sin área de innovación"},
                    {"score": 5, "description": "Área con equipo y presupuesto"},
                ],
            },
            {
                "title": "Políticas digitales",
                "weight": 35,
                "levels": [
                    {"score": 0, "description": "Sin plan"},
                    {"score": 5, "description": "Plan aprobado y financiado"},
                ],
            },
            {
                "title": "Motivación",
                "weight": 25,
                "levels": [
                    {"score": 0, "description": "Genérica"},
                    {"score": 5, "description": "Concreta, con aportes"},
                ],
            },
        ],
    }


def make_call(
    chapter,
    staff,
    *,
    slug: str,
    opens_at: datetime,
    closes_at: datetime,
    announces_at: datetime | None = None,
    title: str | None = None,
    publish: bool = True,
    with_structure: bool = True,
    **fields,
) -> Call:
    """A call created the way the portal creates one: through the services."""
    call = Call(
        chapter=chapter,
        title=title or f"Convocatoria {slug}",
        slug=slug,
        summary="Convocatoria para que los municipios se sumen a la coalición.",
        objectives="Usar la IA de forma responsable en los servicios municipales.",
        opens_at=opens_at,
        closes_at=closes_at,
        announces_at=announces_at or closes_at + timedelta(days=30),
        contact_email="convocatoria@example.org",
        **fields,
    )
    call_setup.call_save(call=call, actor=staff)
    if with_structure:
        call_setup.call_set_structure(call=call, actor=staff, **structure())
    if publish:
        call_setup.call_publish(call=call, actor=staff)
    call.refresh_from_db()
    return call


# --- Applications ----------------------------------------------------------------------------


def complete_draft(application: Application) -> dict[str, Any]:
    """Data for `application_save_draft` that leaves nothing missing but the documents."""
    call = application.call
    declarations = {
        str(r.pk): {"accepted": True, "evidence": "Decreto alcaldicio 123/2024"}
        for r in call.requirements.all()
    }
    answers = {}
    for question in call.questions.all():
        answers[str(question.pk)] = {
            "long_text": "Un asistente para responder consultas de vecinos",
            "number": "25000.00",
            "choice": (question.choices or ["x"])[0],
            "yes_no": "yes",
            "short_text": "Sí",
        }[question.kind]
    return {
        "contact_name": "María José Soto",
        "contact_role": "Directora de Innovación",
        "contact_email": "innovacion@example.org",
        "contact_phone": "+56 2 2345 6789",
        "innovation_unit": "Laboratorio de Innovación Municipal",
        "innovation_team": "Seis personas",
        "digital_plan": "Plan Comunal Digital 2024-2028",
        "initiatives": "Chatbot de atención y datos abiertos",
        "motivation": "Queremos aprender con otras ciudades.",
        "declarations": declarations,
        "answers": answers,
    }


def fill_in(application: Application, actor, *, documents: bool = True) -> Application:
    """Complete the application through the services (form, letter and report)."""
    application.refresh_from_db()
    application = services.application_save_draft(
        application=application,
        actor=actor,
        version=application.version,
        data=complete_draft(application),
    )
    if documents:
        services.application_upload_document(
            application=application,
            actor=actor,
            kind=Document.Kind.LETTER,
            upload=pdfs.as_upload(pdfs.signed_pdf(), "carta.pdf"),
        )
        services.application_upload_document(
            application=application,
            actor=actor,
            kind=Document.Kind.REPORT,
            upload=pdfs.as_upload(pdfs.pdf_with_pages(3), "informe.pdf"),
        )
    application.refresh_from_db()
    return application


def add_document(application: Application, kind: str, number: int = 0) -> Document:
    """A document row with a small file, without the PDF checks (for volume tests)."""
    document = Document(
        application=application,
        kind=kind,
        original_name=f"{kind}-{number}.pdf",
        size=1000,
        pages=2,
        sha256=f"{number:064x}",
        signature=Document.Signature.UNTRUSTED if kind == "letter" else Document.Signature.NONE,
        signer_name="Intendenta" if kind == "letter" else "",
    )
    document.file.save(f"{kind}-{number}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    return document


def post_form(application: Application, **overrides) -> dict[str, Any]:
    """The application form as a browser posts it, complete, at the stored version."""
    application.refresh_from_db()
    data = complete_draft(application)
    post: dict[str, Any] = {k: v for k, v in data.items() if k not in ("declarations", "answers")}
    for key, declaration in data["declarations"].items():
        post[f"requirement_{key}"] = "on"
        post[f"evidence_{key}"] = declaration["evidence"]
    for key, answer in data["answers"].items():
        post[f"question_{key}"] = answer
    post["version"] = application.version
    post.update(overrides)
    return {k: v for k, v in post.items() if v is not None}


# --- Time ------------------------------------------------------------------------------------


class Clock:
    """`django.utils.timezone.now` frozen at an instant the test chooses (calls.models,
    calls.services and calls.selectors all read the time through it)."""

    def __init__(self, monkeypatch):
        self.instant = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.instant)

    def set(self, instant: datetime) -> None:
        assert timezone.is_aware(instant)
        self.instant = instant

    def tick(self, **delta) -> None:
        self.instant += timedelta(**delta)


# --- HTML forms ------------------------------------------------------------------------------


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self._form["fields"].append((a["name"], a.get("value", "")))
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
            if self._form is not None:
                self._form["fields"].extend((self._select, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            if text.startswith("\n"):
                text = text[1:]
            if self._form is not None:
                self._form["fields"].append((self._textarea, text))
            self._textarea = None


def browser_form(html: str, *, has_field: str) -> dict[str, Any]:
    """The fields a browser would post from the first form of `html` that has `has_field`
    (unchecked boxes left out, a select's first option when none is selected)."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        names = [name for name, _value in form["fields"]]
        if has_field in names:
            data: dict[str, Any] = {}
            for name, value in form["fields"]:
                data.setdefault(name, [])
                data[name].append(value)
            return {k: v[0] if len(v) == 1 else v for k, v in data.items()}
    raise AssertionError(f"no form with a field {has_field!r}")
