"""What the bounded child process reads in an uploaded PDF (see `calls.pdfsafety`).

`inspect_document` parses the file with pypdf and answers with plain data: the number of
pages, the active content found, the digital signatures and their verdicts, or the reason
to refuse the file. No Django here: the child runs without it, and the parent
(`calls.pdfcheck`) turns the answer into the facts and messages of the portal.

Besides the structure checks described in `calls.pdfcheck`, the child reads *every* object
of the cross-reference table once. That is what makes the file safe to merge later in the
dossier without a ceiling: whatever object stream a page, font or annotation lives in has
been inflated here, under the ceiling. The page content streams are inflated too, counting
bytes without keeping them, so a content stream that inflates to hundreds of megabytes
(which every viewer of the dossier would have to inflate) is refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from typing import Any

from pypdf import PdfReader, overwrite_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, IndirectObject, NameObject, NullObject

from calls import pdfactive, signatures

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# pypdf's own ceilings, lower than its defaults (75 MB per stream): no object stream or
# cross-reference stream of a real document inflates to more than a few megabytes.
PYPDF_LIMITS = {
    "zlib_maximum_output_length": 16 * MB,
    "maximum_declared_stream_length": 64 * MB,
    "stream_decoding_work_maximum_length": 96 * MB,
}
# Drawing instructions of all pages together, inflated. A 10 MB file of dense vector maps
# stays far below; a decompression bomb goes far above.
CONTENT_INFLATE_LIMIT = 128 * MB
INFLATE_CHUNK = 1 * MB

# Refusal codes shared with `calls.pdfcheck.MESSAGES`.
DAMAGED, ENCRYPTED, NO_PAGES, TOO_MANY_PAGES = "damaged", "encrypted", "no_pages", "too_many_pages"
TOO_COMPLEX, ACTIVE_CONTENT = "too_complex", "active_content"


class Refusal(Exception):
    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


def inspect_document(
    source: bytes | str,
    max_pages: int | None,
    trust_roots: tuple[bytes, ...] = (),
    moment: dt.datetime | None = None,
    verify_signatures: bool = True,
) -> dict[str, Any]:
    """Inspect `source` (the bytes, or the path of a file) and answer
    ``{"refused": (code, params) | None, "pages": int, "signatures": [dict, ...]}``.
    Without `verify_signatures`, signatures are neither looked for nor verified."""
    overwrite_configuration(**PYPDF_LIMITS)
    try:
        reader, stream = _open(source)
        try:
            pages = _check_structure(reader, max_pages=max_pages)
            found = pdfactive.active_content(reader)
            if found:
                raise Refusal(ACTIVE_CONTENT, kinds=found)
            detected = signatures.detect(reader) if verify_signatures else []
            verified = (
                signatures.verify(stream, detected, trust_roots=trust_roots, moment=moment)
                if detected
                else []
            )
        finally:
            if isinstance(source, str):
                stream.close()
    except Refusal as refusal:
        return {"refused": (refusal.code, refusal.params), "pages": 0, "signatures": []}
    return {"refused": None, "pages": pages, "signatures": verified}


def _open(source: bytes | str):
    import io

    stream = open(source, "rb") if isinstance(source, str) else io.BytesIO(source)  # noqa: SIM115
    try:
        reader = PdfReader(stream, strict=False)
    except Exception as error:
        stream.close()
        raise _refusal_for(error) from error
    return reader, stream


def _refusal_for(error: BaseException) -> Refusal:
    """A pypdf limit is "too complex", anything else "damaged"."""
    seen = error
    while seen is not None:
        if isinstance(seen, LimitReachedError | MemoryError | RecursionError):
            logger.info("PDF over a parsing limit: %s", error)
            return Refusal(TOO_COMPLEX)
        seen = seen.__cause__ or seen.__context__
    logger.info("Damaged PDF: %s", error)
    return Refusal(DAMAGED)


def _check_structure(reader: PdfReader, *, max_pages: int | None) -> int:
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as error:  # unsupported or broken encryption dictionary
            logger.info("PDF encryption not readable: %s", error)
            raise Refusal(ENCRYPTED) from error
        if not opened:
            raise Refusal(ENCRYPTED)
    try:
        pages = len(reader.pages)
        if pages == 0:
            raise Refusal(NO_PAGES)
        if max_pages is not None and pages > max_pages:
            raise Refusal(TOO_MANY_PAGES, pages=pages, limit=max_pages)
        budget = [CONTENT_INFLATE_LIMIT]
        for page in reader.pages:
            _touch_page(page, budget)
        _resolve_every_object(reader)
    except Refusal:
        raise
    except Exception as error:
        raise _refusal_for(error) from error
    return pages


def _touch_page(page, budget: list[int]) -> None:
    """Resolve what a page needs to be displayed: its box and its content streams, which
    are inflated against the document's budget. A missing or mangled object raises: pypdf,
    being tolerant, resolves a reference to an object it cannot find to null."""
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
        _inflate_within(obj, budget)


def _inflate_within(stream, budget: list[int]) -> None:
    """Inflate a Flate-compressed stream chunk by chunk, keeping nothing, and take its size
    from `budget`. Other filters are not decoded (the portal never decodes them)."""
    filters = stream.get("/Filter")
    first = filters[0] if isinstance(filters, ArrayObject) and filters else filters
    if first != NameObject("/FlateDecode"):
        return
    data = getattr(stream, "_data", b"") or b""
    inflater = zlib.decompressobj()
    while data:
        try:
            out = inflater.decompress(data, INFLATE_CHUNK)
        except zlib.error:
            return  # pypdf's tolerance: viewers show what inflates; not our concern here
        budget[0] -= len(out)
        if budget[0] < 0:
            raise Refusal(TOO_COMPLEX)
        data = inflater.unconsumed_tail
        if not out and not data:
            break


def _resolve_every_object(reader: PdfReader) -> None:
    """Parse every object the cross-reference table lists, object streams included."""
    numbers: set[tuple[int, int]] = set()
    for generation, entries in reader.xref.items():
        numbers.update((number, generation) for number in entries)
    numbers.update((number, 0) for number in reader.xref_objStm)
    for number, generation in sorted(numbers):
        try:
            reader.get_object(IndirectObject(number, generation, reader))
        except (LimitReachedError, MemoryError, RecursionError):
            raise
        except Exception:  # noqa: S112 - an unreferenced broken object is harmless
            continue
