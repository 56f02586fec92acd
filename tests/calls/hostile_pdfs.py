"""Small, well-formed PDFs that ask a parser for too much: built byte by byte.

Each file has a correct cross-reference *stream* (object streams need one), so a parser
finds every object where the table says and really reaches the hazard instead of giving up
on a broken file. Compressed data is produced with `zlib.compressobj` in 1 MB chunks:
building a file that inflates to gigabytes never holds more than a few megabytes here.
Results are cached: the helpers return immutable bytes.
"""

from __future__ import annotations

import functools
import io
import struct
import sys
import zlib

MB = 1024 * 1024
CHUNK = MB


def _raw(data: bytes, flush: int) -> bytes:
    """`data` as raw deflate blocks from a fresh compressor: with Z_FULL_FLUSH they end on
    a byte boundary and refer to nothing before them, so such pieces can be concatenated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(flush)


@functools.lru_cache(maxsize=8)
def _filler(unit: bytes, total: int) -> tuple[bytes, int]:
    """`unit` repeated to `total` bytes as raw deflate blocks (not final), compressed chunk
    by chunk, and the Adler-32 of the inflated bytes. Computed once, spliced many times."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = (unit * (CHUNK // len(unit) + 1))[:CHUNK]
    parts, adler, left = [], 1, total
    while left > 0:
        piece = block if left >= CHUNK else block[:left]
        parts.append(compressor.compress(piece))
        adler = zlib.adler32(piece, adler)
        left -= len(piece)
    parts.append(compressor.flush(zlib.Z_FULL_FLUSH))
    return b"".join(parts), adler


def _adler32_combine(first: int, second: int, second_length: int) -> int:
    """Adler-32 of A + B from those of A and B (zlib's adler32_combine)."""
    base = 65521
    remainder = second_length % base
    sum1 = first & 0xFFFF
    sum2 = (remainder * sum1) % base
    sum1 += (second & 0xFFFF) + base - 1
    sum2 += (first >> 16) + (second >> 16) + base - remainder
    sum1 = sum1 - base if sum1 >= base else sum1
    sum1 = sum1 - base if sum1 >= base else sum1
    sum2 = sum2 - (base << 1) if sum2 >= (base << 1) else sum2
    sum2 = sum2 - base if sum2 >= base else sum2
    return sum1 | (sum2 << 16)


def deflate_repeated(prefix: bytes, unit: bytes, total: int, suffix: bytes = b"") -> bytes:
    """zlib data that inflates to `prefix`, then `unit` repeated to `total` bytes, then
    `suffix`. The middle is compressed once (see `_filler`) and spliced between the two
    ends, so a file of a hundred such streams takes no longer to build than one."""
    filler, filler_adler = _filler(unit, total)
    adler = zlib.adler32(prefix)
    adler = _adler32_combine(adler, filler_adler, total)
    adler = _adler32_combine(adler, zlib.adler32(suffix), len(suffix))
    return b"".join(
        (
            b"\x78\xda",
            _raw(prefix, zlib.Z_FULL_FLUSH),
            filler,
            _raw(suffix, zlib.Z_FINISH),
            struct.pack(">I", adler),
        )
    )


class RawPdf:
    """Objects written in order, with their offsets (or their place in an object stream)
    kept for the cross-reference stream that `finish` writes."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.entries: dict[int, tuple[int, int, int]] = {}

    def add(self, number: int, body: bytes) -> None:
        self.entries[number] = (1, self.out.tell(), 0)
        self.out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def add_stream(self, number: int, entries: bytes, data: bytes) -> None:
        self.add(
            number,
            b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data),
        )

    def add_object_stream(
        self, number: int, objects: list[tuple[int, bytes]], *, compressed: bytes, first: int
    ) -> None:
        """An object stream whose inflated data (`compressed`) holds `objects`; the caller
        built the data, `first` is where the first object starts in it."""
        for index, (inner, _body) in enumerate(objects):
            self.entries[inner] = (2, number, index)
        self.add_stream(
            number,
            b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(objects), first),
            compressed,
        )

    def finish(self, *, root: int) -> bytes:
        number = max(self.entries) + 1
        offset = self.out.tell()
        self.entries[number] = (1, offset, 0)
        rows = [struct.pack(">BIH", 0, 0, 65535)]
        for item in range(1, number + 1):
            kind, field2, field3 = self.entries.get(item, (0, 0, 0))
            rows.append(struct.pack(">BIH", kind, field2, field3))
        data = b"".join(rows)
        self.out.write(
            b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Length %d >>\n"
            b"stream\n%s\nendstream\nendobj\n" % (number, number + 1, root, len(data), data)
        )
        self.out.write(b"startxref\n%d\n%%%%EOF\n" % offset)
        return self.out.getvalue()


def _page(parent: int, contents: int | None = None) -> bytes:
    body = b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842]" % parent
    if contents is not None:
        body += b" /Contents %d 0 R" % contents
    return body + b" >>"


def _catalog_and_tree(pdf: RawPdf, kids: list[int]) -> None:
    pdf.add(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    pdf.add(2, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids)))


@functools.lru_cache(maxsize=4)
def pages_in_inflating_object_streams(streams: int = 4, inflated: int = 70 * MB) -> bytes:
    """Each page dictionary sits in its own object stream, after filler bytes up to
    `inflated` bytes that the stream's /First offset skips: reading one page makes a
    parser inflate (and keep) the whole stream, without scanning the filler."""
    pdf = RawPdf()
    pages = [100 + index * 2 for index in range(streams)]
    _catalog_and_tree(pdf, pages)
    for page in pages:
        body = _page(2)
        header = b"%d 0 " % page
        filler = inflated - len(header) - len(body)
        data = deflate_repeated(header, b"%", filler, body)
        first = len(header) + filler
        pdf.add_object_stream(page + 1, [(page, body)], compressed=data, first=first)
    return pdf.finish(root=1)


@functools.lru_cache(maxsize=4)
def whitespace_in_object_streams(streams: int = 3, whitespace: int = 70 * MB) -> bytes:
    """Object streams whose header pairs are separated by `whitespace` bytes of blanks: a
    parser that skips whitespace one byte at a time spends tens of seconds on each."""
    pdf = RawPdf()
    pages = [100 + index * 2 for index in range(streams)]
    _catalog_and_tree(pdf, pages)
    for page in pages:
        body = _page(2)
        prefix = b"%d" % page
        suffix = b" 0 " + body
        first = len(prefix) + whitespace + 3
        data = deflate_repeated(prefix, b" ", whitespace, suffix)
        pdf.add_object_stream(page + 1, [(page, body)], compressed=data, first=first)
    return pdf.finish(root=1)


@functools.lru_cache(maxsize=2)
def inflating_content_stream(inflated: int = 200 * MB) -> bytes:
    """One page whose content stream inflates to `inflated` bytes of drawing operators."""
    pdf = RawPdf()
    _catalog_and_tree(pdf, [3])
    pdf.add(3, _page(2, contents=4))
    data = deflate_repeated(b"q\n", b"0 0 m 1 1 l S\n", inflated - 4, b"Q\n")
    pdf.add_stream(4, b"/Filter /FlateDecode", data)
    return pdf.finish(root=1)


def looping_page_tree() -> bytes:
    """A page tree node whose /Kids point back to the root: an endless tree."""
    pdf = RawPdf()
    pdf.add(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    pdf.add(2, b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 3 >>")
    pdf.add(3, b"<< /Type /Pages /Parent 2 0 R /Kids [4 0 R 2 0 R] /Count 2 >>")
    pdf.add(4, _page(3))
    pdf.add(5, _page(2))
    return pdf.finish(root=1)


def self_parent_page_tree() -> bytes:
    """A page tree node that is its own kid."""
    pdf = RawPdf()
    pdf.add(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    pdf.add(2, b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>")
    pdf.add(3, _page(2))
    return pdf.finish(root=1)


def well_formed_control() -> bytes:
    """The same construction with nothing hostile: proves the builder makes PDFs that the
    check accepts, so a refusal of the others is about their hazard."""
    pdf = RawPdf()
    _catalog_and_tree(pdf, [100])
    body = _page(2, contents=4)
    header = b"100 0 "
    data = deflate_repeated(header + body, b" ", 1000)
    pdf.add_object_stream(101, [(100, body)], compressed=data, first=len(header))
    pdf.add_stream(4, b"/Filter /FlateDecode", zlib.compress(b"0 0 m 100 100 l S\n"))
    return pdf.finish(root=1)


def pages_in_object_streams_up_to_the_size_limit() -> bytes:
    """The issue's worst case: 9.9 MB of such object streams, about 140 x 70 MB = 10 GB."""
    return pages_in_inflating_object_streams(streams=140)


HOSTILE = {
    "pages in object streams, 4 x 70 MB": pages_in_inflating_object_streams,
    "pages in object streams, 9.9 MB file, 140 x 70 MB": (
        pages_in_object_streams_up_to_the_size_limit
    ),
    "whitespace in object streams, 3 x 70 MB": whitespace_in_object_streams,
    "content stream inflating to 200 MB": inflating_content_stream,
    "page tree looping to an ancestor": looping_page_tree,
    "page tree node that is its own kid": self_parent_page_tree,
}


def loaded(module: str) -> bool:
    """Whether `module` is imported in this process (asked of a PDF check child)."""
    return module in sys.modules


def verdict_in_this_process(name: str) -> str:
    """The upload check's verdict on HOSTILE[name] ("control" for the good file), run from
    whatever process calls it (a Celery prefork worker in a test)."""
    from calls.pdfcheck import PdfRefused, check_in_child
    from calls.pdfsafety import Limits

    data = well_formed_control() if name == "control" else HOSTILE[name]()
    try:
        check_in_child(data, max_pages=None, limits=Limits())
    except PdfRefused as error:
        return error.code
    return "accepted"
