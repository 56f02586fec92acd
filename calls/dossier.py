"""PDFs made from an application: the dossier the committee reads and the submission receipt.

The dossier is one PDF: a cover and the form answers (rendered with WeasyPrint from
``templates/pdf/dossier.html``), then the commitment letter, the descriptive report and the
annexes exactly as uploaded, merged with pypdf, with one bookmark per part.

The attached PDFs keep their pages, links and outlines. Their digital signatures cannot
survive the merge (a signature covers the bytes of its own file), so a viewer would call
them "invalid": signature fields are therefore taken out of the dossier, and a visible
signature's stamp is painted onto its page. What the portal knows about each signature
(checked on upload) is listed in the form part; the signed originals are kept unchanged.

Both PDFs are rendered in the chapter's language and time zone, unless told otherwise.

Every attached file is parsed first by the same bounded check as an upload
(`calls.pdfcheck.check_in_child`: a child process with a ceiling on memory and CPU time,
which reads every object of the file). Only a file that passes is merged, so a hostile
file that was stored before the checks existed cannot take the worker down: it is left
out, and a page in its place says so.
"""

from __future__ import annotations

import io
import logging
import textwrap
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from calls.models import Application, Document, EligibilityRequirement, Question
from calls.pdfcheck import PdfRefused, check_in_child, format_size
from coalition.pdf import render_pdf

logger = logging.getLogger(__name__)

KIND_ORDER = {Document.Kind.LETTER: 0, Document.Kind.REPORT: 1, Document.Kind.ANNEX: 2}
FORM_SECTIONS = (
    ("contact", ("contact_name", "contact_role", "contact_email", "contact_phone")),
    ("unit", ("innovation_unit", "innovation_team")),
    ("digital", ("digital_plan", "initiatives")),
    ("motivation", ("motivation",)),
)


@dataclass
class Attachment:
    document: Document
    title: str
    reader: PdfReader | None = None
    problem: str = ""

    @property
    def included(self) -> bool:
        return self.reader is not None


# --- Public API ----------------------------------------------------------------------------


def build_dossier(application: Application, *, language: str | None = None) -> bytes:
    """The application as one PDF (see the module docstring). Four queries."""
    application = _load(application)
    chapter = application.call.chapter
    with (
        translation.override(language or chapter.default_language),
        timezone.override(chapter.zone),
    ):
        attachments = _attachments(application, open_files=True)
        form_pdf = render_pdf("pdf/dossier.html", _context(application, attachments))

        writer = PdfWriter()
        writer.append(PdfReader(io.BytesIO(form_pdf)), outline_item=_("Form"))
        for attachment in attachments:
            if not attachment.included:
                if attachment.problem:
                    _add_notice_page(writer, attachment.title, attachment.problem)
                continue
            start = len(writer.pages)
            writer.append(attachment.reader, outline_item=attachment.title)
            _drop_signature_widgets(writer, range(start, len(writer.pages)))
        _drop_signature_fields(writer)
        writer.add_metadata(
            {
                "/Title": f"{application.municipality.name} — {application.call.title}",
                "/Producer": "Coalition portal",
            }
        )
        writer.page_mode = "/UseOutlines"
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def build_receipt(application: Application, *, language: str | None = None) -> bytes:
    """A one-page confirmation of a submission, with the hash of what was submitted and of
    each document. Four queries."""
    application = _load(application)
    chapter = application.call.chapter
    with (
        translation.override(language or chapter.default_language),
        timezone.override(chapter.zone),
    ):
        return render_pdf(
            "pdf/receipt.html", _context(application, _attachments(application, open_files=False))
        )


# --- Data ----------------------------------------------------------------------------------


def _load(application: Application) -> Application:
    return (
        Application.objects.select_related("call__chapter", "municipality")
        .prefetch_related(
            Prefetch("documents", queryset=Document.objects.order_by("uploaded_at", "pk")),
            Prefetch("call__requirements", queryset=EligibilityRequirement.objects.all()),
            Prefetch("call__questions", queryset=Question.objects.all()),
        )
        .get(pk=application.pk)
    )


def _documents(application: Application) -> list[Document]:
    return sorted(
        application.documents.all(),
        key=lambda d: (KIND_ORDER.get(d.kind, 9), d.uploaded_at, d.pk),
    )


def _attachments(application: Application, *, open_files: bool) -> list[Attachment]:
    """The documents in dossier order, each with its parsed PDF when `open_files` (the
    receipt only lists them)."""
    attachments = []
    annex = 0
    for document in _documents(application):
        if document.kind == Document.Kind.LETTER:
            title = _("Commitment letter")
        elif document.kind == Document.Kind.REPORT:
            title = _("Descriptive report")
        else:
            annex += 1
            title = _("Annex %(number)s") % {"number": annex}
        attachment = Attachment(document=document, title=title)
        if open_files:
            _open(attachment)
        attachments.append(attachment)
    return attachments


def _open(attachment: Attachment) -> None:
    document = attachment.document
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except OSError as error:
        logger.warning(
            "Dossier of application %s: document %s left out: %s",
            document.application_id,
            document.pk,
            error,
        )
        attachment.problem = _("The file could not be read; it is not included.")
        return
    try:
        check_in_child(data, max_pages=None, verify_signatures=False)
    except PdfRefused as error:
        logger.warning(
            "Dossier of application %s: document %s left out by the check: %s",
            document.application_id,
            document.pk,
            error.code,
        )
        attachment.problem = _(
            "This document could not be included: the file is damaged or too complex to "
            "read safely. The original is kept in the portal."
        )
        return
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("needs a password")
        len(reader.pages)
    except Exception as error:
        logger.warning(
            "Dossier of application %s: document %s left out: %s",
            document.application_id,
            document.pk,
            error,
        )
        attachment.problem = _("The file could not be read; it is not included.")
        return
    attachment.reader = reader


def _add_notice_page(writer: PdfWriter, title: str, text: str) -> None:
    """A page in place of a document that is not merged, with a bookmark to it."""
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    page = writer.add_blank_page(595.28, 841.89)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    lines = [(16, title), *((11, line) for line in textwrap.wrap(text, 85))]
    ops = [b"BT 72 770 Td"]
    for size, line in lines:
        raw = line.encode("cp1252", "replace")
        escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"/F1 %d Tf (%s) Tj 0 -%d Td" % (size, escaped, size + 8))
    ops.append(b"ET")
    content = DecodedStreamObject()
    content.set_data(b"\n".join(ops))
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.add_outline_item(title=title, page_number=len(writer.pages) - 1)


def _display(value) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _context(application: Application, attachments: list[Attachment]) -> dict:
    call = application.call
    sections = []
    titles = {
        "contact": _("Contact"),
        "unit": _("Innovation unit"),
        "digital": _("Digital transformation"),
        "motivation": _("Motivation"),
    }
    for key, names in FORM_SECTIONS:
        rows = [
            {
                "label": Application._meta.get_field(name).verbose_name,
                "value": getattr(application, name),
            }
            for name in names
        ]
        sections.append({"title": titles[key], "rows": rows})

    declarations = []
    given = application.declarations or {}
    for requirement in call.requirements.all():
        entry = given.get(str(requirement.pk)) or {}
        accepted = entry.get("accepted") if isinstance(entry, dict) else None
        declarations.append(
            {
                "text": requirement.text,
                "answer": _display(accepted) if accepted is not None else _("Not answered"),
                "evidence": (entry.get("evidence") or "") if isinstance(entry, dict) else "",
                "evidence_requested": requirement.evidence_requested,
            }
        )

    answers = []
    given = application.answers or {}
    for question in call.questions.all():
        answers.append({"label": question.label, "value": _display(given.get(str(question.pk)))})

    documents = [
        {
            "title": a.title,
            "name": a.document.original_name,
            "pages": a.document.pages,
            "size": format_size(a.document.size),
            "sha256": a.document.sha256,
            "signature": a.document.get_signature_display(),
            "digital": a.document.signature != Document.Signature.NONE,
            "signer_name": a.document.signer_name,
            "signed_at": a.document.signed_at,
            "problem": a.problem,
        }
        for a in attachments
    ]
    content_hash = application.content_hash
    if not content_hash:
        from calls.services import content_hash as current_hash

        content_hash = current_hash(application)
    return {
        "application": application,
        "call": call,
        "chapter": call.chapter,
        "municipality": application.municipality,
        "status": application.get_status_display(),
        "submitted_at": application.submitted_at,
        "content_hash": content_hash,
        "time_zone": call.chapter.time_zone,
        "generated_at": timezone.now(),
        "sections": sections,
        "declarations": declarations,
        "answers": answers,
        "documents": documents,
    }


# --- Signature fields ----------------------------------------------------------------------


def _is_signature_field(annot: DictionaryObject) -> bool:
    node = annot
    for _depth in range(16):
        if "/FT" in node:
            return node["/FT"] == "/Sig"
        parent = node.get("/Parent")
        if parent is None:
            return False
        node = parent.get_object()
    return False


def _drop_signature_widgets(writer: PdfWriter, page_numbers: range) -> None:
    """Take the signature widgets off the merged pages, painting their visible stamp."""
    serial = 0
    for number in page_numbers:
        page = writer.pages[number]
        annots = page.get("/Annots")
        if annots is None:
            continue
        annots = annots.get_object()
        kept = ArrayObject()
        drawing = []
        for ref in annots:
            annot = ref.get_object()
            if not (
                isinstance(annot, DictionaryObject)
                and annot.get("/Subtype") == "/Widget"
                and _is_signature_field(annot)
            ):
                kept.append(ref)
                continue
            serial += 1
            operator = _stamp(writer, page, annot, f"/SignatureStamp{number}_{serial}")
            if operator:
                drawing.append(operator)
        if len(kept) == len(annots):
            continue
        if kept:
            page[NameObject("/Annots")] = kept
        else:
            del page["/Annots"]
        if drawing:
            _append_content(writer, page, b"\n".join(drawing))


def _stamp(writer: PdfWriter, page, annot: DictionaryObject, name: str) -> bytes:
    """The operators that paint the widget's normal appearance at its rectangle."""
    flags = int(annot.get("/F", 0))
    if flags & (2 | 32):  # Hidden, NoView
        return b""
    appearance = annot.get("/AP")
    appearance = appearance.get_object().get("/N") if appearance is not None else None
    if appearance is None or "/BBox" not in appearance.get_object():
        return b""
    stream_ref = appearance if hasattr(appearance, "idnum") else writer._add_object(appearance)
    form = stream_ref.get_object()
    x1, y1, x2, y2 = (float(v) for v in annot.get("/Rect", [0, 0, 0, 0]))
    rx1, rx2, ry1, ry2 = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    if rx2 - rx1 < 0.5 or ry2 - ry1 < 0.5:
        return b""
    a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    bx1, by1, bx2, by2 = (float(v) for v in form["/BBox"])
    corners = [(a * x + c * y + e, b * x + d * y + f) for x in (bx1, bx2) for y in (by1, by2)]
    tx1, tx2 = min(p[0] for p in corners), max(p[0] for p in corners)
    ty1, ty2 = min(p[1] for p in corners), max(p[1] for p in corners)
    if tx2 - tx1 <= 0 or ty2 - ty1 <= 0:
        return b""
    sx, sy = (rx2 - rx1) / (tx2 - tx1), (ry2 - ry1) / (ty2 - ty1)
    resources = page.get("/Resources")
    if resources is None:
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    resources = resources.get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        xobjects = DictionaryObject()
        resources[NameObject("/XObject")] = xobjects
    xobjects.get_object()[NameObject(name)] = stream_ref
    return (
        f"q {sx:.4f} 0 0 {sy:.4f} {rx1 - tx1 * sx:.4f} {ry1 - ty1 * sy:.4f} cm {name} Do Q"
    ).encode()


def _append_content(writer: PdfWriter, page, operators: bytes) -> None:
    """Paint `operators` over the page, isolated from whatever state its content leaves."""
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(b"\nQ\n" + operators + b"\n")
    current = page.raw_get("/Contents") if "/Contents" in page else None
    if current is None:
        parts = []
    elif isinstance(current.get_object(), ArrayObject):
        parts = list(current.get_object())
    else:
        parts = [current]
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *parts, writer._add_object(after)]
    )


def _drop_signature_fields(writer: PdfWriter) -> None:
    acroform = writer.root_object.get("/AcroForm")
    if acroform is None:
        return
    acroform = acroform.get_object()
    fields = acroform.get("/Fields")
    if fields is not None:
        fields = fields.get_object()
        kept = ArrayObject(ref for ref in fields if not _is_signature_field(ref.get_object()))
        if not kept:
            del writer.root_object["/AcroForm"]
            return
        acroform[NameObject("/Fields")] = kept
    if "/SigFlags" in acroform:
        del acroform["/SigFlags"]
