"""Digital signatures verified with pyHanko: the verdict the portal stores on a document.

For each signature the file declares (`calls.sigfields`), pyHanko checks, in the bounded
child process (`calls.pdfsafety`) and without any network access (no OCSP, no CRL, no
certificate fetching; the validation time is fixed by the caller):

1. that the bytes the signature covers still have the digest it signed, and that the
   signature value matches the signing certificate: otherwise **modified after signing**;
2. that it covers the whole file: bytes appended after signing (an incremental update) are
   accepted only when they add nothing but later signatures, form filling allowed by the
   signature's permissions or validation data (pyHanko's difference analysis);
   otherwise **content added after signing**;
3. that the signing certificate chains to a trusted root of the chapter: **valid, trusted
   issuer**; an intact signature whose issuer is unknown, or with no roots configured, is
   **intact, issuer not verified**, never "valid".

A signature pyHanko cannot evaluate (unsupported format, malformed, a widget outside the
form fields) is **not verified**. A document with several signatures gets the worst
verdict; `signer_name` and `signed_at` come from the signature dictionary (``/Name``,
``/M``) or else the certificate and the signed attributes.

Trusted roots: PEM files in ``SIGNATURE_TRUST_ROOTS_DIR``: ``<dir>/*.pem`` for every
chapter and ``<dir>/<chapter slug>/*.pem`` for one chapter (for example the country's
government signature authorities). Read in the web process, passed to the child as DER.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from calls import sigfields

logger = logging.getLogger(__name__)

# Verdicts, == calls.models.Document.Signature values; worst first.
MODIFIED, APPENDED, UNVERIFIED, UNTRUSTED, VALID = (
    "modified",
    "appended",
    "unverified",
    "untrusted",
    "valid",
)
NONE = "none"
SEVERITY = (MODIFIED, APPENDED, UNVERIFIED, UNTRUSTED, VALID)


def worst(verdicts: list[str]) -> str:
    """The verdict of a document from those of its signatures."""
    if not verdicts:
        return NONE
    return min(verdicts, key=SEVERITY.index)


# --- In the web process --------------------------------------------------------------------


def trust_roots_for(chapter_slug: str | None) -> tuple[bytes, ...]:
    """DER certificates of the roots trusted for signatures of `chapter_slug`'s documents."""
    from django.conf import settings

    directory = getattr(settings, "SIGNATURE_TRUST_ROOTS_DIR", "")
    if not directory:
        return ()
    base = Path(directory)
    paths = sorted(base.glob("*.pem"))
    if chapter_slug and "/" not in chapter_slug and not chapter_slug.startswith("."):
        paths += sorted((base / chapter_slug).glob("*.pem"))
    roots: list[bytes] = []
    for path in paths:
        roots.extend(_pem_certificates(path))
    return tuple(dict.fromkeys(roots))


def _pem_certificates(path: Path) -> list[bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        certificates = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError):
        logger.error("Trusted signature root %s is not a readable PEM certificate", path)
        return []
    return [certificate.public_bytes(Encoding.DER) for certificate in certificates]


# --- In the child --------------------------------------------------------------------------


def detect(reader) -> list[sigfields.SignatureInfo]:
    try:
        return sigfields.detect(reader)
    except (MemoryError, RecursionError):
        raise
    except Exception:  # detection is best effort; the file itself is readable
        logger.warning("Could not read the signature fields of a PDF", exc_info=True)
        return []


def verify(
    stream,
    detected: list[sigfields.SignatureInfo],
    *,
    trust_roots: tuple[bytes, ...],
    moment: dt.datetime | None,
) -> list[dict[str, Any]]:
    """One dict per detected signature: field_name, signer_name, signed_at, verdict."""
    # pyHanko logs every failed check with a traceback; the verdict says it all.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    embedded = _embedded_signatures(stream)
    context = _validation_context(trust_roots, moment) if embedded else None
    results = []
    for info in detected:
        signature = _match(embedded, info.field_name)
        verdict, name, signed_at = UNVERIFIED, info.signer_name, info.signed_at
        if signature is not None:
            verdict = _verdict(signature, context)
            name = name or _common_name(signature)
            signed_at = signed_at or _reported_time(signature)
        results.append(
            {
                "field_name": info.field_name,
                "signer_name": name[:255],
                "signed_at": signed_at,
                "verdict": verdict,
            }
        )
    return results


def _embedded_signatures(stream) -> list:
    from pyhanko.pdf_utils.reader import PdfFileReader

    stream.seek(0)
    try:
        reader = PdfFileReader(stream, strict=False)
        return [
            signature
            for signature in reader.embedded_signatures
            if signature.sig_object_type == "/Sig"
        ]
    except (MemoryError, RecursionError):
        raise
    except Exception:
        logger.info("pyHanko cannot read the signatures of a PDF", exc_info=True)
        return []


def _match(embedded: list, field_name: str):
    for signature in embedded:
        if signature.field_name == field_name or signature.field_name.split(".")[-1] == (
            field_name
        ):
            embedded.remove(signature)
            return signature
    return None


def _validation_context(trust_roots: tuple[bytes, ...], moment: dt.datetime | None):
    from asn1crypto import x509
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        # An explicit list, even empty: pyHanko would otherwise fall back to the operating
        # system's TLS roots, which are no authority on signatures.
        trust_roots=[x509.Certificate.load(der) for der in trust_roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment or dt.datetime.now(dt.UTC),
    )


def _verdict(signature, context) -> str:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        status = validate_pdf_signature(signature, context)
    except (MemoryError, RecursionError):
        raise
    except Exception:
        logger.info("pyHanko cannot validate a signature", exc_info=True)
        return UNVERIFIED
    if not (status.intact and status.valid):
        return MODIFIED
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        later_ok = (
            status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and status.modification_level is not None
            and status.modification_level <= ModificationLevel.FORM_FILLING
            and status.docmdp_ok is not False
        )
        if not later_ok:
            return APPENDED
    return VALID if status.trusted else UNTRUSTED


def _common_name(signature) -> str:
    try:
        return str(signature.signer_cert.subject.native.get("common_name") or "")
    except Exception:  # a name is a nicety
        return ""


def _reported_time(signature) -> dt.datetime | None:
    try:
        return signature.self_reported_timestamp
    except Exception:  # a time is a nicety
        return None
