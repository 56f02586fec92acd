"""Check an uploaded PDF before it is attached to an application.

`inspect_pdf` either returns the facts the portal keeps about a document (pages, size,
SHA-256, the verdict on its digital signatures) or raises `PdfRefused`, a
`ValidationError` whose message says why the file was refused, in the words and language
of the person who uploaded it.

How each refusal is decided, cheapest check first, so that a bad file costs little. Checks
1-4 read bytes in this process; everything that *parses* the file runs in a child process
with a ceiling on memory and CPU time (`calls.pdfsafety`, ``PDF_CHECK_MAX_SECONDS`` and
``PDF_CHECK_MAX_MEMORY_MB``), see `calls.pdfinspect`:

1. Empty: the upload has no bytes.
2. Too large: the size the upload reports (Django counts the bytes it received) is over
   the call's limit; nothing is read.
3. Not a PDF: ``%PDF-`` must appear in the first 1024 bytes (the tolerance of common
   readers). The name and the announced content type are ignored.
4. Damaged or incomplete: a PDF ends with ``%%EOF``, so the marker must be in the last
   1024 bytes. This is what catches truncated uploads: pypdf in tolerant mode would
   otherwise rebuild a cross-reference table and happily read what is left.
   Then, in the child, pypdf must read the document structure, every page dictionary and
   content stream and every object of the cross-reference table; any error is "damaged".
   A file cut exactly after an earlier incremental revision is a complete, earlier version
   of the document and is accepted as such.
5. Too complex: the child ran out of memory or time, or a pypdf limit was reached, or the
   page contents inflate to more than 128 MB (decompression bombs, whitespace bombs...).
6. Encrypted: a file that needs a password to open is refused. A file encrypted only with
   an owner password (printing or copying restricted, opens without a password) is
   accepted; `calls.dossier` opens it the same way.
7. No pages / too many pages.
8. Active content: JavaScript, launch actions or embedded files (`calls.pdfactive`).

Digital signatures are verified with pyHanko in the same child (`calls.signatures`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from calls import pdfinspect, signatures
from calls.pdfsafety import Limits, TooComplex, limits_from_settings, run_bounded
from calls.sigfields import parse_pdf_date, signer_from_cms  # noqa: F401 - public here too

logger = logging.getLogger(__name__)

HEADER_WINDOW = 1024
EOF_WINDOW = 1024
HASH_CHUNK = 1024 * 1024

MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The file is %(size)s; the limit is %(limit)s."),
    "not_pdf": _("The file is not a PDF. Save or export the document as PDF and upload it again."),
    "damaged": _(
        "The PDF is damaged or incomplete and cannot be read. Export it again and upload "
        "the new file."
    ),
    "too_complex": _("The PDF is too complex to check; export it again and upload the new file."),
    "encrypted": _(
        "The PDF is protected with a password. Upload a version that opens without one."
    ),
    "no_pages": _("The PDF has no pages."),
    "too_many_pages": _("The report has %(pages)s pages; the limit is %(limit)s."),
    "active_content": _(
        "The PDF contains active content (%(kinds)s), which is not allowed. Print it to PDF "
        "again without it and upload the new file."
    ),
}
ACTIVE_CONTENT_NAMES = {
    "javascript": _("JavaScript"),
    "launch": _("launch actions"),
    "embedded_files": _("embedded files"),
}


class PdfRefused(ValidationError):
    """An upload that is not an acceptable PDF. `code` says which check failed; the message
    is translated when it is shown (lazy, with named placeholders in `params`)."""

    def __init__(self, code: str, **params):
        super().__init__(MESSAGES[code], code=code, params=params or None)


@dataclass(frozen=True)
class SignatureInfo:
    signer_name: str
    signed_at: dt.datetime | None
    field_name: str
    verdict: str = signatures.UNVERIFIED


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    size: int
    sha256: str
    signature: str  # a calls.models.Document.Signature value
    signer_name: str = ""
    signed_at: dt.datetime | None = None
    signatures: tuple[SignatureInfo, ...] = ()


# --- Sizes ---------------------------------------------------------------------------------


def format_size(size: int, *, above: int | None = None) -> str:
    """12.3 MB, 10 MB, 800 KB, 12 B. Binary multiples, as limits are set in MB of 1024 * 1024
    bytes. A size known to be `above` a limit is rounded up when plain rounding would show
    it equal to or below the limit (10 MB + 1 byte is "10.1 MB", not "10 MB")."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            if value == int(value):
                return f"{number_format(int(value))} {unit}"
            shown = round(value, 1)
            if above is not None and shown * factor <= above:
                shown = math.ceil(value * 10) / 10
            return f"{number_format(shown, decimal_pos=1)} {unit}"
    return f"{number_format(size)} B"


# Evaluated when the message is shown, so the decimal separator follows the reader's locale.
_lazy_size = lazy(format_size, str)


def _kinds_text(kinds: tuple[str, ...]) -> str:
    return ", ".join(str(ACTIVE_CONTENT_NAMES[kind]) for kind in kinds)


_lazy_kinds = lazy(_kinds_text, str)


# --- Inspection ----------------------------------------------------------------------------


def inspect_pdf(
    upload: UploadedFile,
    *,
    max_bytes: int,
    max_pages: int | None,
    trust_roots: tuple[bytes, ...] = (),
    moment: dt.datetime | None = None,
    limits: Limits | None = None,
) -> PdfFacts:
    """Check `upload` and return its facts, or raise `PdfRefused` saying why not.

    The file is read once here for the hash (in chunks); the child parses the temporary
    file in place when Django wrote one, or a copy of the bytes of a small in-memory
    upload. `trust_roots` (DER) are the roots signatures may chain to, `moment` the time at
    which certificates are judged (now by default). The upload is left at its start.
    """
    size = upload.size if upload.size is not None else _measure(upload)
    if size == 0:
        raise PdfRefused("empty")
    if size > max_bytes:
        raise PdfRefused(
            "too_large", size=_lazy_size(size, above=max_bytes), limit=_lazy_size(max_bytes)
        )

    upload.seek(0)
    head = upload.read(HEADER_WINDOW)
    if b"%PDF-" not in head:
        raise PdfRefused("not_pdf")

    digest = hashlib.sha256()
    counted = 0
    for chunk in upload.chunks(HASH_CHUNK):
        digest.update(chunk)
        counted += len(chunk)
        if counted > max_bytes:
            raise PdfRefused(
                "too_large", size=_lazy_size(counted, above=max_bytes), limit=_lazy_size(max_bytes)
            )
    size = counted

    upload.seek(max(0, size - EOF_WINDOW))
    if b"%%EOF" not in upload.read(EOF_WINDOW):
        raise PdfRefused("damaged")

    try:
        answer = check_in_child(
            _source(upload),
            max_pages=max_pages,
            trust_roots=trust_roots,
            moment=moment,
            limits=limits,
        )
    finally:
        upload.seek(0)
    found = tuple(SignatureInfo(**item) for item in answer["signatures"])
    names = list(dict.fromkeys(s.signer_name for s in found if s.signer_name))
    times = [s.signed_at for s in found if s.signed_at is not None]
    return PdfFacts(
        pages=answer["pages"],
        size=size,
        sha256=digest.hexdigest(),
        signature=signatures.worst([s.verdict for s in found]),
        signer_name=", ".join(names)[:255],
        signed_at=max(times) if times else None,
        signatures=found,
    )


def check_in_child(
    source: bytes | str,
    *,
    max_pages: int | None,
    trust_roots: tuple[bytes, ...] = (),
    moment: dt.datetime | None = None,
    limits: Limits | None = None,
    verify_signatures: bool = True,
) -> dict:
    """The bounded parse of `source` (bytes or a path): the child's answer, or `PdfRefused`.
    `calls.dossier` uses it on stored files before merging them."""
    try:
        answer = run_bounded(
            pdfinspect.inspect_document,
            source,
            max_pages,
            trust_roots,
            moment,
            verify_signatures,
            limits=limits or limits_from_settings(),
        )
    except TooComplex as error:
        raise PdfRefused("too_complex") from error
    if answer["refused"] is not None:
        code, params = answer["refused"]
        if code == "active_content":
            params = {"kinds": _lazy_kinds(tuple(params["kinds"]))}
        raise PdfRefused(code, **params)
    return answer


def _source(upload: UploadedFile) -> bytes | str:
    """A path the child can open, or the bytes."""
    path = getattr(upload, "temporary_file_path", None)
    if path is not None:
        upload.file.flush()
        return path()
    upload.seek(0)
    return upload.read()


def _measure(upload: UploadedFile) -> int:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size
