"""The staff table of a call's applications, read as plain values.

Rows are dicts, not model instances: the applications with their municipality's name and
region (one query), their letters and reports (one query), and the call's requirements and
questions (one query each, read once for every row) — 4 queries whatever the number of
applications. What a row prints (labels, instants, the letter's verdict) is worked out here
with each translated label looked up once per page; the CSV export reads the same rows.
"""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from calls.models import Application, Call, Document
from calls.selectors import REQUIRED_FIELDS
from coalition.templatetags.coalition import instant

REQUIRED_NAMES = [name for name, _anchor in REQUIRED_FIELDS]
DOCUMENT_COLUMNS = ("application_id", "kind", "pages", "signature", "signer_name", "signed_at")
WARNING_SIGNATURES = {Document.Signature.MODIFIED, Document.Signature.APPENDED}


def staff_rows(call: Call, applications: QuerySet[Application]) -> list[dict]:
    """The rows of `applications` (a filtered, ordered queryset of `call`'s applications)."""
    rows = list(
        applications.select_related(None)
        .prefetch_related(None)
        .values(
            "pk",
            "status",
            "submitted_at",
            "content_hash",
            "declarations",
            "answers",
            *REQUIRED_NAMES,
            municipality_name=F("municipality__name"),
            municipality_region=F("municipality__region"),
        )
    )
    by_id = {row["pk"]: row for row in rows}
    for row in rows:
        row["letter"] = row["report"] = None
    if by_id:
        documents = (
            # Those of the whole call (no list of ids to send), filtered rows picked below.
            Document.objects.filter(
                application__call=call, kind__in=(Document.Kind.LETTER, Document.Kind.REPORT)
            )
            .order_by("kind", "uploaded_at")
            .values(*DOCUMENT_COLUMNS)
        )
        for document in documents:
            row = by_id.get(document["application_id"])
            if row is not None and row[document["kind"]] is None:
                row[document["kind"]] = document
    # `call` comes from `selectors.access_call_for_staff`, with its structure prefetched.
    requirements = [(r.pk, r.evidence_requested) for r in call.requirements.all()]
    questions = [q.pk for q in call.questions.all() if q.required]
    for row in rows:
        row["missing"] = missing_count(row, requirements, questions)
    return rows


def missing_count(row: dict, requirements: list[tuple[int, bool]], questions: list[int]) -> int:
    """How many items `calls.selectors.missing_items` lists for this row: the same checks."""
    missing = sum(1 for name in REQUIRED_NAMES if not str(row[name] or "").strip())
    declarations = row["declarations"] or {}
    for pk, evidence_requested in requirements:
        declaration = declarations.get(str(pk), {})
        if not declaration.get("accepted") or (
            evidence_requested and not declaration.get("evidence", "").strip()
        ):
            missing += 1
    answers = row["answers"] or {}
    for pk in questions:
        answer = answers.get(str(pk))
        if answer is None or str(answer).strip() == "":
            missing += 1
    return missing + (row["letter"] is None) + (row["report"] is None)


ROW_HTML = (
    '<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td>'
    '<td><span class="badge badge-{}">{}</span></td><td>{}</td>'
    '<td class="number">{}</td><td>{}</td><td>{}</td></tr>'
)


def table_body(call: Call, rows: list[dict]) -> str:
    """The `<tr>`s of the HTML table, written in Python: with hundreds of rows, Django's
    template engine was most of the page's time. Every value is escaped by format_html; the
    labels are looked up once per page."""
    statuses = {value: str(label) for value, label in Application.Status.choices}
    signatures = {value: str(label) for value, label in Document.Signature.choices}
    by_template = gettext("by %(name)s")
    on_template = gettext("on %(when)s")
    complete = gettext("Complete")
    missing_texts: dict[int, str] = {}
    zone = call.chapter.time_zone
    # The page's address with the application's number in place of 0: one reverse().
    head, tail = reverse("staff_application", args=[0]).rsplit("0", 1)
    html = []
    for row in rows:
        count = row["missing"]
        if count not in missing_texts:
            missing_texts[count] = (
                ngettext("%(counter)s missing", "%(counter)s missing", count) % {"counter": count}
                if count
                else complete
            )
        html.append(
            format_html(
                ROW_HTML,
                f"{head}{row['pk']}{tail}",
                row["municipality_name"],
                row["municipality_region"] or "—",
                row["status"],
                statuses.get(row["status"], row["status"]),
                missing_texts[count],
                row["report"]["pages"] if row["report"] else "—",
                letter_verdict(row["letter"], signatures, by_template, on_template, zone) or "—",
                instant(row["submitted_at"], call.chapter) if row["submitted_at"] else "—",
            )
        )
    return mark_safe("\n".join(html))  # noqa: S308 - each row is built by format_html


def letter_verdict(letter, signatures, by_template, on_template, zone) -> str:
    """templates/calls/partials/signature_verdict.html, for a row of plain values."""
    if letter is None:
        return ""
    signature = letter["signature"]
    css = (
        " badge-member"
        if signature == Document.Signature.VALID
        else " badge-warning"
        if signature in WARNING_SIGNATURES
        else ""
    )
    html = format_html('<span class="badge{}">{}</span>', css, signatures.get(signature, signature))
    if signature != Document.Signature.NONE:
        if letter["signer_name"]:
            html += mark_safe(" " + by_template % {"name": escape(letter["signer_name"])})  # noqa: S308
        if letter["signed_at"]:
            when = instant(letter["signed_at"], zone)
            html += mark_safe(" " + on_template % {"when": when})  # noqa: S308
    return html
