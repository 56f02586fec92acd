"""The staff table of a call's applications, read as plain values.

Rows are dicts, not model instances: the applications with their municipality's name and
region (one query), their letters and reports (one query), and the call's requirements and
questions (one query each, read once for every row) — 4 queries whatever the number of
applications. What a row prints (labels, instants, the letter's verdict) is worked out here
with each translated label looked up once per page; the CSV export reads the same rows.
"""

from __future__ import annotations

from html import escape

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from calls.models import Application, Call, Document
from calls.selectors import REQUIRED_FIELDS
from coalition.templatetags.coalition import instant_formatter

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
    requirements = [(str(r.pk), r.evidence_requested) for r in call.requirements.all()]
    questions = [str(q.pk) for q in call.questions.all() if q.required]
    for row in rows:
        row["missing"] = missing_count(row, requirements, questions)
    return rows


def missing_count(row: dict, requirements: list[tuple[str, bool]], questions: list[str]) -> int:
    """How many items `calls.selectors.missing_items` lists for this row: the same checks
    (`requirements` and `questions` by their primary keys as the JSON's keys)."""
    missing = sum(1 for name in REQUIRED_NAMES if not str(row[name] or "").strip())
    declarations = row["declarations"] or {}
    for pk, evidence_requested in requirements:
        declaration = declarations.get(pk, {})
        if not declaration.get("accepted") or (
            evidence_requested and not declaration.get("evidence", "").strip()
        ):
            missing += 1
    answers = row["answers"] or {}
    for pk in questions:
        answer = answers.get(pk)
        if answer is None or str(answer).strip() == "":
            missing += 1
    return missing + (row["letter"] is None) + (row["report"] is None)


def table_body(call: Call, rows: list[dict]) -> SafeString:
    """The `<tr>`s of the HTML table, written in Python: with hundreds of rows, Django's
    template engine (and then a format_html per cell) was most of the page's time."""
    cells = RowCells(call)
    return mark_safe("\n".join(cells.row(row) for row in rows))  # noqa: S308 - escaped by RowCells


class RowCells:
    """What the rows of one page share, worked out once: the translated labels (escaped),
    the application's address and the formatter of instants in the chapter's time zone.
    Every text read from the database goes through `html.escape`, which Django's `escape`
    wraps in checks for lazy strings that cost more than the escaping (none come here)."""

    def __init__(self, call: Call) -> None:
        self.statuses = {value: str(label) for value, label in Application.Status.choices}
        self.signatures = {value: str(label) for value, label in Document.Signature.choices}
        self.by_template = gettext("by %(name)s")
        self.on_template = gettext("on %(when)s")
        self.instant = instant_formatter(call.chapter)
        # The page's address with the application's number in place of 0: one reverse().
        head, tail = reverse("staff_application", args=[0]).rsplit("0", 1)
        self.link_head, self.link_tail = escape(head), escape(tail)
        self.status_badges: dict[str, str] = {}
        self.signature_badges: dict[str, str] = {}
        self.missing_texts: dict[int, str] = {}

    def row(self, row: dict) -> str:
        report, submitted_at = row["report"], row["submitted_at"]
        return (
            f'<tr><th scope="row"><a href="{self.link_head}{row["pk"]:d}{self.link_tail}">'
            f"{escape(row['municipality_name'])}</a></th>"
            f"<td>{escape(row['municipality_region'] or '—')}</td>"
            f"<td>{self.status_badge(row['status'])}</td>"
            f"<td>{self.missing(row['missing'])}</td>"
            f'<td class="number">{escape(str(report["pages"])) if report else "—"}</td>'
            f"<td>{self.letter_verdict(row['letter'])}</td>"
            f"<td>{self.instant(submitted_at) if submitted_at else '—'}</td></tr>"
        )

    def status_badge(self, status: str) -> str:
        if status not in self.status_badges:
            label = self.statuses.get(status, status)
            self.status_badges[status] = (
                f'<span class="badge badge-{escape(status)}">{escape(label)}</span>'
            )
        return self.status_badges[status]

    def missing(self, count: int) -> str:
        if count not in self.missing_texts:
            text = (
                ngettext("%(counter)s missing", "%(counter)s missing", count) % {"counter": count}
                if count
                else gettext("Complete")
            )
            self.missing_texts[count] = escape(text)
        return self.missing_texts[count]

    def signature_badge(self, signature: str) -> str:
        if signature not in self.signature_badges:
            css = (
                " badge-member"
                if signature == Document.Signature.VALID
                else " badge-warning"
                if signature in WARNING_SIGNATURES
                else ""
            )
            label = self.signatures.get(signature, signature)
            self.signature_badges[signature] = f'<span class="badge{css}">{escape(label)}</span>'
        return self.signature_badges[signature]

    def letter_verdict(self, letter: dict | None) -> str:
        """templates/calls/partials/signature_verdict.html for a row of plain values, "—"
        without a letter. The translated sentences are trusted, as in the template."""
        if letter is None:
            return "—"
        signature = letter["signature"]
        html = self.signature_badge(signature)
        if signature != Document.Signature.NONE:
            if letter["signer_name"]:
                html += " " + self.by_template % {"name": escape(letter["signer_name"])}
            if letter["signed_at"]:
                html += " " + self.on_template % {"when": self.instant(letter["signed_at"])}
        return html
