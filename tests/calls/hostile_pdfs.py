"""Small, well-formed PDFs that ask a parser for too much: built byte by byte.

Each file has a correct cross-reference *stream* (object streams need one), so a parser
finds every object where the table says and really reaches the hazard instead of giving up
on a broken file. Compressed data is produced with `zlib.compressobj` in 1 MB chunks:
building a file that inflates to 200 MB never holds more than a few megabytes here.
Results are cached: the helpers return immutable bytes.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib

MB = 1024 * 1024
CHUNK = MB


def deflate_repeated(prefix: bytes, unit: bytes, total: int, suffix: bytes = b"") -> bytes:
    """zlib data that inflates to `prefix`, then `unit` repeated to `total` bytes, then
    `suffix`: compressed chunk by chunk."""
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(prefix)]
    block = (unit * (CHUNK // len(unit) + 1))[:CHUNK]
    left = total
    while left > 0:
        piece = block if left >= CHUNK else block[:left]
        parts.append(compressor.compress(piece))
        left -= len(piece)
    parts.append(compressor.compress(suffix))
    parts.append(compressor.flush())
    return b"".join(parts)


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
    """Each page dictionary sits in its own object stream, followed by whitespace up to
    `inflated` bytes: reading one page makes a parser inflate the whole stream."""
    pdf = RawPdf()
    pages = [100 + index * 2 for index in range(streams)]
    _catalog_and_tree(pdf, pages)
    for page in pages:
        body = _page(2)
        header = b"%d 0 " % page
        first = len(header)
        data = deflate_repeated(header + body, b" ", inflated - first - len(body))
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


HOSTILE = {
    "pages in object streams, 4 x 70 MB": pages_in_inflating_object_streams,
    "whitespace in object streams, 3 x 70 MB": whitespace_in_object_streams,
    "content stream inflating to 200 MB": inflating_content_stream,
    "page tree looping to an ancestor": looping_page_tree,
    "page tree node that is its own kid": self_parent_page_tree,
}
