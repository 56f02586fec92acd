"""Digital signatures as the file declares them, read with pypdf (no verification here).

A document counts as digitally signed when one of its signature fields (AcroForm fields, or
widget annotations of its pages: some producers leave them out of the AcroForm) carries a
signature dictionary with a ``/Contents`` value. The signer is ``/Name`` when present,
otherwise the common name of the signing certificate embedded in the PKCS#7/CMS
``/Contents`` (best effort, with `cryptography`). The signing time is ``/M``. Document time
stamps (``/DocTimeStamp``) are not signatures.

What is found here is then verified with pyHanko (`calls.signatures`); both run in the
bounded child process (`calls.pdfsafety`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MAX_FIELD_DEPTH = 16


@dataclass(frozen=True)
class SignatureInfo:
    signer_name: str
    signed_at: dt.datetime | None
    field_name: str


def detect(reader: PdfReader) -> list[SignatureInfo]:
    """The signatures the file declares; best effort: an unreadable field is skipped."""
    return list(_signatures(reader))


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
