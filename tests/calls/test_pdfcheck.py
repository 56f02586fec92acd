"""calls.pdfcheck: every way an upload can be refused, and what is read from a good one."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise

from calls.pdfcheck import MESSAGES, PdfRefused, format_size, inspect_pdf, parse_pdf_date
from tests.calls import pdfs

MB = 1024 * 1024
LIMIT = 10 * MB


def check(upload, *, max_bytes=LIMIT, max_pages=5):
    return inspect_pdf(upload, max_bytes=max_bytes, max_pages=max_pages)


def refusal(upload, **kwargs) -> PdfRefused:
    with pytest.raises(PdfRefused) as caught, translation.override("en"):
        check(upload, **kwargs)
    return caught.value


def message(error: ValidationError) -> str:
    with translation.override("en"):
        return error.messages[0]


# --- Good files ----------------------------------------------------------------------------


@pytest.mark.parametrize("temporary", [False, True], ids=["in-memory", "temporary-file"])
def test_a_valid_pdf_gives_its_facts_and_rewinds_the_upload(temporary):
    data = pdfs.pdf_with_pages(3)
    upload = pdfs.as_upload(data, temporary=temporary)
    try:
        facts = check(upload)
        assert facts.pages == 3
        assert facts.size == len(data)
        assert facts.sha256 == hashlib.sha256(data).hexdigest()
        assert facts.signature == "none"
        assert facts.signer_name == ""
        assert facts.signed_at is None
        assert upload.tell() == 0
        assert upload.read() == data  # still whole, ready to be stored
    finally:
        upload.close()


def test_facts_are_frozen():
    facts = check(pdfs.as_upload(pdfs.unsigned_pdf()))
    with pytest.raises(AttributeError):
        facts.pages = 2


def test_exactly_the_page_limit_and_no_limit_are_accepted():
    assert check(pdfs.as_upload(pdfs.pdf_with_pages(5)), max_pages=5).pages == 5
    assert check(pdfs.as_upload(pdfs.pdf_with_pages(7)), max_pages=None).pages == 7


def test_a_file_of_exactly_the_size_limit_is_accepted():
    data = pdfs.large_pdf(2 * MB)
    assert check(pdfs.as_upload(data), max_bytes=2 * MB).size == 2 * MB


def test_a_pdf_only_restricted_by_an_owner_password_is_accepted():
    facts = check(pdfs.as_upload(pdfs.encrypted_pdf(user_password="")))
    assert facts.pages == 1


def test_a_blank_page_without_content_is_fine():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(*pdfs.A4)
    assert check(pdfs.as_upload(pdfs._bytes(writer))).pages == 1


def test_the_header_may_come_after_some_junk_within_1024_bytes():
    data = b"\x00" * 500 + pdfs.pdf_with_pages(1)
    assert check(pdfs.as_upload(data)).pages == 1


# --- Refusals ------------------------------------------------------------------------------


def test_empty_file():
    error = refusal(pdfs.as_upload(pdfs.empty()))
    assert error.code == "empty"
    assert message(error) == "The file is empty."


def test_larger_than_the_limit_says_both_sizes():
    error = refusal(pdfs.as_upload(pdfs.large_pdf(LIMIT + 1)))
    assert error.code == "too_large"
    # Just over the limit is never shown as equal to it.
    assert message(error) == "The file is 10.1 MB; the limit is 10 MB."


def test_size_message_format():
    error = refusal(pdfs.as_upload(b"%PDF-1.7\n" + b"0" * int(12.3 * MB)))
    assert message(error) == "The file is 12.3 MB; the limit is 10 MB."


def test_too_large_is_refused_without_reading_the_file():
    upload = pdfs.as_upload(b"x" * 100)
    upload.size = LIMIT + 1  # what Django counted when it received the file
    upload.file = None  # reading would fail
    error = refusal(upload)
    assert error.code == "too_large"


def test_not_a_pdf_by_content_whatever_its_name_and_type():
    upload = pdfs.not_a_pdf_named_pdf()
    assert upload.name.endswith(".pdf")
    assert upload.content_type == "application/pdf"
    error = refusal(upload)
    assert error.code == "not_pdf"
    assert "not a PDF" in message(error)


def test_text_renamed_to_pdf_is_not_a_pdf():
    error = refusal(pdfs.as_upload(b"Carta de compromiso\n" * 100, "carta.pdf"))
    assert error.code == "not_pdf"


def test_password_protected():
    error = refusal(pdfs.as_upload(pdfs.encrypted_pdf()))
    assert error.code == "encrypted"
    assert "password" in message(error)


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9, 0.995])
def test_truncated(keep):
    error = refusal(pdfs.as_upload(pdfs.truncated_pdf(keep=keep)))
    assert error.code == "damaged"
    assert "damaged or incomplete" in message(error)


def test_last_bytes_missing():
    data = pdfs.pdf_with_pages(2)
    error = refusal(pdfs.as_upload(data[:-4]))
    assert error.code == "damaged"


def test_garbage_between_header_and_end_marker():
    error = refusal(pdfs.as_upload(pdfs.damaged_pdf()))
    assert error.code == "damaged"


def test_a_missing_page_object_is_damage():
    data = pdfs.pdf_with_pages(3)
    # Destroy the object header of one page's content stream (same length, so offsets hold).
    start = data.index(b"BT /F1")
    header = data.rindex(b" obj", 0, start)
    broken = data[: header - 6] + b"garbage   " + data[header + 4 :]
    assert len(broken) == len(data)
    error = refusal(pdfs.as_upload(broken))
    assert error.code == "damaged"


def test_too_many_pages_names_both_counts():
    error = refusal(pdfs.as_upload(pdfs.pdf_with_pages(7)), max_pages=5)
    assert error.code == "too_many_pages"
    assert message(error) == "The report has 7 pages; the limit is 5."


def test_zero_pages():
    from pypdf import PdfWriter

    from tests.calls.pdfs import _bytes

    error = refusal(pdfs.as_upload(_bytes(PdfWriter())))
    assert error.code == "no_pages"
    assert message(error) == "The PDF has no pages."


# --- Messages ------------------------------------------------------------------------------


def test_refusals_are_validation_errors_with_lazy_translatable_messages():
    error = refusal(pdfs.as_upload(pdfs.pdf_with_pages(7)))
    assert isinstance(error, ValidationError)
    assert isinstance(error.message, Promise)  # gettext_lazy: translated when shown
    assert error.params == {"pages": 7, "limit": 5}
    for text in MESSAGES.values():
        assert isinstance(text, Promise)
    # Named placeholders only, so translators can reorder them.
    assert "%(size)s" in str(MESSAGES["too_large"]) and "%(limit)s" in str(MESSAGES["too_large"])
    assert "%(pages)s" in str(MESSAGES["too_many_pages"])


def test_sizes_follow_the_language_of_the_reader():
    error = refusal(pdfs.as_upload(pdfs.large_pdf(LIMIT + 1)))
    with translation.override("es"):
        shown = error.messages[0]
    assert "10,1 MB" in shown


def test_format_size():
    with translation.override("en"):
        assert format_size(10 * MB) == "10 MB"
        assert format_size(int(12.34 * MB)) == "12.3 MB"
        assert format_size(LIMIT + 1, above=LIMIT) == "10.1 MB"
        assert format_size(LIMIT + 1) == "10.0 MB"
        assert format_size(800 * 1024) == "800 KB"
        assert format_size(12) == "12 B"


# --- Signatures ----------------------------------------------------------------------------


def test_signed_pdf_signer_from_the_certificate_and_signing_time():
    facts = check(pdfs.as_upload(pdfs.signed_pdf()))
    assert facts.signature == "untrusted"  # intact; no trusted roots configured
    assert facts.signer_name == pdfs.SIGNER_CN == "María Intendenta"
    assert facts.signed_at == pdfs.SIGNED_AT
    assert facts.signed_at.utcoffset() == dt.timedelta(hours=-3)
    assert facts.pages == 1


def test_signed_pdf_with_a_name_in_the_signature_dictionary():
    facts = check(pdfs.as_upload(pdfs.signed_pdf(name="Juan Pérez, Intendente", visible=False)))
    assert facts.signature == "untrusted"  # intact; no trusted roots configured
    assert facts.signer_name == "Juan Pérez, Intendente"
    assert len(facts.signatures) == 1


def test_unsigned_pdf():
    facts = check(pdfs.as_upload(pdfs.unsigned_pdf()))
    assert facts.signature == "none"
    assert facts.signatures == ()


def test_an_empty_signature_field_is_not_a_signature():
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(pdfs.as_upload(pdfs.unsigned_pdf())))
    field = writer._add_object(
        DictionaryObject(
            {
                NameObject("/FT"): NameObject("/Sig"),
                NameObject("/T"): TextStringObject("Firma"),
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/Rect"): ArrayObject([]),
            }
        )
    )
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([field])}
    )
    facts = check(pdfs.as_upload(pdfs._bytes(writer)))
    assert facts.signature == "none"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D:20251215103000-03'00'", dt.datetime(2025, 12, 15, 13, 30, tzinfo=dt.UTC)),
        ("D:20251215103000+05'30", dt.datetime(2025, 12, 15, 5, 0, tzinfo=dt.UTC)),
        ("D:20251215103000Z", dt.datetime(2025, 12, 15, 10, 30, tzinfo=dt.UTC)),
        ("D:20251215103000", dt.datetime(2025, 12, 15, 10, 30, tzinfo=dt.UTC)),
        ("D:2025", dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
        ("20251215", dt.datetime(2025, 12, 15, tzinfo=dt.UTC)),
        ("D:20251399", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_pdf_date(text, expected):
    parsed = parse_pdf_date(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


# --- Speed ---------------------------------------------------------------------------------


def test_a_10_mb_pdf_is_checked_well_under_half_a_second():
    data = pdfs.large_pdf(LIMIT, pages=5)
    upload = pdfs.as_upload(data, temporary=True)
    try:
        check(upload)  # warm-up (imports)
        started = time.perf_counter()
        facts = check(upload)
        elapsed = time.perf_counter() - started
    finally:
        upload.close()
    assert facts.size == LIMIT
    assert elapsed < 0.5, f"{elapsed:.3f} s"


# --- Active content ------------------------------------------------------------------------


def _writer():
    from pypdf import PdfReader, PdfWriter

    return PdfWriter(clone_from=PdfReader(pdfs.as_upload(pdfs.pdf_with_pages(2))))


def _action(**entries):
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    return DictionaryObject(
        {
            NameObject(f"/{key}"): NameObject(value)
            if value.startswith("/")
            else (TextStringObject(value))
            for key, value in entries.items()
        }
    )


def _link(writer, action, *, key="/A"):
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 72, 200, 100)]),
            NameObject(key): action,
        }
    )
    page = writer.pages[1]
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])


def _open_action_js(writer):
    from pypdf.generic import NameObject

    writer.root_object[NameObject("/OpenAction")] = _action(S="/JavaScript", JS="app.alert(1)")


def _names_js(writer):
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    script = writer._add_object(_action(S="/JavaScript", JS="this.print({bUI:false});"))
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("imprimir"), script])}
    )
    writer.root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def _link_js(writer):
    _link(writer, _action(S="/JavaScript", JS="app.launchURL('http://x')"))


def _js_after_a_web_link(writer):
    from pypdf.generic import NameObject

    web = _action(S="/URI", URI="https://example.org")
    web[NameObject("/Next")] = _action(S="/JavaScript", JS="app.alert(2)")
    _link(writer, web)


def _page_open_js(writer):
    from pypdf.generic import DictionaryObject, NameObject

    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action(S="/JavaScript", JS="app.alert(3)")}
    )


def _launch(writer):
    from pypdf.generic import NameObject

    writer.root_object[NameObject("/OpenAction")] = _action(S="/Launch", F="cmd.exe")


def _attachment(writer):
    writer.add_attachment("datos.xlsm", b"PK\x03\x04 macro")


def _file_attachment_annotation(writer):
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 72, 90, 90)]),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])


@pytest.mark.parametrize(
    ("build", "kinds"),
    [
        (_open_action_js, "JavaScript"),
        (_names_js, "JavaScript"),
        (_link_js, "JavaScript"),
        (_js_after_a_web_link, "JavaScript"),
        (_page_open_js, "JavaScript"),
        (_launch, "launch actions"),
        (_attachment, "embedded files"),
        (_file_attachment_annotation, "embedded files"),
    ],
)
def test_active_content_is_refused_saying_what(build, kinds):
    writer = _writer()
    build(writer)
    error = refusal(pdfs.as_upload(pdfs._bytes(writer)))
    assert error.code == "active_content"
    assert message(error) == (
        f"The PDF contains active content ({kinds}), which is not allowed. Print it to PDF "
        "again without it and upload the new file."
    )


def test_every_kind_found_is_named():
    writer = _writer()
    _names_js(writer)
    _launch(writer)
    _attachment(writer)
    error = refusal(pdfs.as_upload(pdfs._bytes(writer)))
    assert "(JavaScript, launch actions, embedded files)" in message(error)


def test_plain_links_are_not_active_content():
    writer = _writer()
    _link(writer, _action(S="/URI", URI="https://example.org/informe"))
    assert check(pdfs.as_upload(pdfs._bytes(writer))).pages == 2
