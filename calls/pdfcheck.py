"""Check an uploaded PDF before it is attached to an application.

`inspect_pdf` either returns the facts the portal keeps about a document (pages, size,
SHA-256, digital signature) or raises `PdfRefused`, a `ValidationError` whose message says
why the file was refused, in the words and language of the person who uploaded it.

How each refusal is decided, cheapest check first, so that a bad file costs little:

1. Empty: the upload has no bytes.
2. Too large: the size the upload reports (Django counts the bytes it received) is over
   the call's limit; nothing is read.
3. Not a PDF: ``%PDF-`` must appear in the first 1024 bytes (the tolerance of common
   readers). The name and the announced content type are ignored.
4. Damaged or incomplete: a PDF ends with ``%%EOF``, so the marker must be in the last
   1024 bytes. This is what catches truncated uploads: pypdf in tolerant mode would
   otherwise rebuild a cross-reference table and happily read what is left, and it would
   scan the whole file backwards looking for the marker. Then pypdf must read the document
   structure and every page dictionary and content stream reference; any error is
   "damaged". Content streams are not decompressed (that would cost time for nothing).
   A file cut exactly after an earlier incremental revision is a complete, earlier version
   of the document and is accepted as such.
5. Encrypted: a file that needs a password to open is refused. A file encrypted only with
   an owner password (printing or copying restricted, opens without a password) is
   accepted; `calls.dossier` opens it the same way.
6. No pages / too many pages.

Digital signatures: a document counts as digitally signed when one of its signature fields
(AcroForm fields, or widget annotations of its pages) carries a signature dictionary with a
``/Contents`` value. The signer is ``/Name`` when present, otherwise the common name of the
signing certificate embedded in the PKCS#7/CMS ``/Contents`` (best effort, with
`cryptography`). The signing time is ``/M``. This is detection, not validation: neither the
certificate chain nor the digest is verified here, and the portal says "digital signature",
never "valid signature". Document time stamps (``/DocTimeStamp``) are not signatures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NullObject

logger = logging.getLogger(__name__)

HEADER_WINDOW = 1024
EOF_WINDOW = 1024
HASH_CHUNK = 1024 * 1024
MAX_FIELD_DEPTH = 16

SIGNATURE_DIGITAL = "digital"  # == calls.models.Document.Signature.DIGITAL
SIGNATURE_NONE = "none"  # == calls.models.Document.Signature.NONE

MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The file is %(size)s; the limit is %(limit)s."),
    "not_pdf": _("The file is not a PDF. Save or export the document as PDF and upload it again."),
    "damaged": _(
        "The PDF is damaged or incomplete and cannot be read. Export it again and upload "
        "the new file."
    ),
    "encrypted": _(
        "The PDF is protected with a password. Upload a version that opens without one."
    ),
    "no_pages": _("The PDF has no pages."),
    "too_many_pages": _("The report has %(pages)s pages; the limit is %(limit)s."),
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


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    size: int
    sha256: str
    signature: str  # "digital" or "none"
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


# --- Inspection ----------------------------------------------------------------------------


def inspect_pdf(upload: UploadedFile, *, max_bytes: int, max_pages: int | None) -> PdfFacts:
    """Check `upload` and return its facts, or raise `PdfRefused` saying why not.

    The file is read once for the hash (in chunks) and parsed in place by pypdf, which seeks
    in the underlying file, so a 10 MB upload is never copied whole into memory. The upload
    is left positioned at its start.
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

    stream = getattr(upload, "file", None) or upload
    try:
        pages, signatures = _read_structure(stream, max_pages=max_pages)
    finally:
        upload.seek(0)
    signed = tuple(signatures)
    names = list(dict.fromkeys(s.signer_name for s in signed if s.signer_name))
    times = [s.signed_at for s in signed if s.signed_at is not None]
    return PdfFacts(
        pages=pages,
        size=size,
        sha256=digest.hexdigest(),
        signature=SIGNATURE_DIGITAL if signed else SIGNATURE_NONE,
        signer_name=", ".join(names)[:255],
        signed_at=max(times) if times else None,
        signatures=signed,
    )


def _measure(upload: UploadedFile) -> int:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size


def _read_structure(stream, *, max_pages: int | None) -> tuple[int, list[SignatureInfo]]:
    try:
        reader = PdfReader(stream, strict=False)
    except Exception as error:
        logger.info("Unreadable PDF: %s", error)
        raise PdfRefused("damaged") from error

    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as error:  # unsupported or broken encryption dictionary
            logger.info("PDF encryption not readable: %s", error)
            raise PdfRefused("encrypted") from error
        if not opened:
            raise PdfRefused("encrypted")

    try:
        pages = len(reader.pages)
        if pages == 0:
            raise PdfRefused("no_pages")
        if max_pages is not None and pages > max_pages:
            raise PdfRefused("too_many_pages", pages=pages, limit=max_pages)
        for page in reader.pages:
            _touch_page(page)
    except PdfRefused:
        raise
    except Exception as error:
        logger.info("Damaged PDF: %s", error)
        raise PdfRefused("damaged") from error

    try:
        signatures = list(_signatures(reader))
    except Exception:  # signature detection is best effort; the file itself is readable
        logger.warning("Could not read the signature fields of a PDF", exc_info=True)
        signatures = []
    return pages, signatures


def _touch_page(page) -> None:
    """Resolve what a page needs to be displayed: its box and its content streams (read,
    not decompressed). A missing or mangled object raises: pypdf, being tolerant, resolves
    a reference to an object it cannot find to null."""
    _ = page.mediabox
    raw = page.raw_get("/Contents") if "/Contents" in page else None
    if raw is None or (isinstance(raw, NullObject) and not isinstance(raw, IndirectObject)):
        return  # no content: a blank page is legitimate
    contents = raw.get_object()
    parts = contents if isinstance(contents, ArrayObject) else [raw]
    for part in parts:
        obj = part.get_object() if part is not None else None
        if obj is None or not hasattr(obj, "get_data"):
            raise ValueError("page content is not a stream")


# --- Signatures ----------------------------------------------------------------------------


def _signatures(reader: PdfReader) -> Iterator[SignatureInfo]:
    seen: set[int] = set()
    root = reader.trailer["/Root"].get_object()
    acroform = _resolve(root.get("/AcroForm"))
    if isinstance(acroform, DictionaryObject):
        fields = _resolve(acroform.get("/Fields"))
        if isinstance(fields, ArrayObject):
            for field in fields:
                yield from _field_signatures(field, seen, depth=0)
    # Some producers leave signature widgets out of the AcroForm: look at the pages too.
    for page in reader.pages:
        annots = _resolve(page.get("/Annots"))
        if not isinstance(annots, ArrayObject):
            continue
        for annot in annots:
            obj = _resolve(annot)
            if isinstance(obj, DictionaryObject) and obj.get("/Subtype") == "/Widget":
                yield from _field_signatures(annot, seen, depth=0)


def _field_signatures(ref, seen: set[int], *, depth: int) -> Iterator[SignatureInfo]:
    field = _resolve(ref)
    if not isinstance(field, DictionaryObject) or depth > MAX_FIELD_DEPTH:
        return
    key = ref.idnum if isinstance(ref, IndirectObject) else id(field)
    if key in seen:
        return
    seen.add(key)
    if _inherited(field, "/FT") == "/Sig":
        value = _resolve(_inherited(field, "/V"))
        if (
            isinstance(value, DictionaryObject)
            and value.get("/Contents") is not None
            and value.get("/Type") != "/DocTimeStamp"
        ):
            seen.update(_ids_of_chain(field))
            yield _signature_info(value, str(field.get("/T", "")))
            return
    kids = _resolve(field.get("/Kids"))
    if isinstance(kids, ArrayObject):
        for kid in kids:
            yield from _field_signatures(kid, seen, depth=depth + 1)


def _ids_of_chain(field: DictionaryObject) -> set[int]:
    """The field and its parents: a widget and its field are one signature, not two."""
    ids = set()
    node = field
    for _depth in range(MAX_FIELD_DEPTH):
        parent = node.get("/Parent")
        if not isinstance(parent, IndirectObject):
            break
        ids.add(parent.idnum)
        node = parent.get_object()
    kids = _resolve(field.get("/Kids"))
    if isinstance(kids, ArrayObject):
        ids.update(kid.idnum for kid in kids if isinstance(kid, IndirectObject))
    return ids


def _inherited(field: DictionaryObject, key: str):
    node = field
    for _depth in range(MAX_FIELD_DEPTH):
        if key in node:
            return node[key]
        parent = _resolve(node.get("/Parent"))
        if not isinstance(parent, DictionaryObject):
            return None
        node = parent
    return None


def _resolve(value):
    return value.get_object() if value is not None else None


def _signature_info(value: DictionaryObject, field_name: str) -> SignatureInfo:
    name = str(value.get("/Name") or "").strip()
    if not name:
        name = signer_from_cms(bytes(value.get("/Contents") or b"")) or ""
        if not name and value.get("/Cert") is not None:
            name = _signer_from_cert_entry(value["/Cert"]) or ""
    signed_at = parse_pdf_date(str(value.get("/M") or ""))
    return SignatureInfo(signer_name=name[:255], signed_at=signed_at, field_name=field_name)


# --- PDF dates -----------------------------------------------------------------------------

_PDF_DATE = re.compile(
    r"^D?:?(?P<year>\d{4})(?P<month>\d{2})?(?P<day>\d{2})?(?P<hour>\d{2})?(?P<minute>\d{2})?"
    r"(?P<second>\d{2})?(?P<sign>[Zz+\-])?(?:(?P<tzh>\d{2})'?(?P<tzm>\d{2})?'?)?"
)


def parse_pdf_date(text: str) -> dt.datetime | None:
    """``D:20251215103000-03'00'`` → 2025-12-15 10:30:00-03:00. A date without an offset is
    taken as UTC (the specification leaves it unknown). Unparseable → None."""
    match = _PDF_DATE.match(text.strip())
    if not match:
        return None
    part = match.groupdict()
    try:
        offset = dt.timedelta(0)
        if part["sign"] in ("+", "-"):
            offset = dt.timedelta(hours=int(part["tzh"] or 0), minutes=int(part["tzm"] or 0))
            if part["sign"] == "-":
                offset = -offset
        return dt.datetime(
            int(part["year"]),
            int(part["month"] or 1),
            int(part["day"] or 1),
            int(part["hour"] or 0),
            int(part["minute"] or 0),
            int(part["second"] or 0),
            tzinfo=dt.timezone(offset),
        )
    except ValueError:
        return None


# --- Certificates (best effort) ------------------------------------------------------------


def _der_length(data: bytes) -> int | None:
    """Length of the DER element at the start of `data` (/Contents is zero-padded)."""
    if len(data) < 2 or data[0] != 0x30:
        return None
    first = data[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(data) < 2 + count:
        return None
    return 2 + count + int.from_bytes(data[2 : 2 + count], "big")


def signer_from_cms(contents: bytes) -> str | None:
    """Common name of the signing certificate of a PKCS#7/CMS signature, or None.

    cryptography exposes the certificates of a SignedData, not its SignerInfo, so the signer
    is taken to be the end of the chain: the certificate that issued none of the others."""
    length = _der_length(contents)
    if not length or length > len(contents):
        return None
    try:
        from cryptography.hazmat.primitives.serialization import pkcs7

        certificates = pkcs7.load_der_pkcs7_certificates(contents[:length])
    except Exception:
        return None
    return _leaf_common_name(certificates)


def _signer_from_cert_entry(entry) -> str | None:
    """adbe.x509.rsa_sha1 signatures carry the certificate(s) in /Cert."""
    try:
        from cryptography import x509

        entry = entry.get_object()
        items = entry if isinstance(entry, ArrayObject) else [entry]
        certificates = [x509.load_der_x509_certificate(bytes(item.get_object())) for item in items]
    except Exception:
        return None
    return _leaf_common_name(certificates)


def _leaf_common_name(certificates) -> str | None:
    if not certificates:
        return None
    from cryptography.x509.oid import NameOID

    issuers = {c.issuer.rfc4514_string() for c in certificates if c.issuer != c.subject}
    leaves = [c for c in certificates if c.subject.rfc4514_string() not in issuers]
    certificate = (leaves or certificates)[0]
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names:
        return None
    value = names[0].value
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
