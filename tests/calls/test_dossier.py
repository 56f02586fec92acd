"""calls.dossier: the committee's dossier and the submission receipt, read back with pypdf."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader
from pypdf.generic import Destination

from calls.dossier import build_dossier, build_receipt
from calls.models import Application, Document, EligibilityRequirement, Question
from calls.pdfcheck import inspect_pdf
from tests.calls import pdfs
from tests.factories import CallFactory, ChapterFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

SUBMITTED_AT = dt.datetime(2025, 12, 16, 2, 15, tzinfo=dt.UTC)  # 15/12 23:15 in Buenos Aires
CONTENT_HASH = "ab" * 32


def attach(application, kind, data, name):
    facts = inspect_pdf(pdfs.as_upload(data, name), max_bytes=10 * 1024 * 1024, max_pages=None)
    document = Document(
        application=application,
        kind=kind,
        original_name=name,
        size=facts.size,
        pages=facts.pages,
        sha256=facts.sha256,
        signature=facts.signature,
        signer_name=facts.signer_name,
        signed_at=facts.signed_at,
    )
    document.file.save(f"{kind}-{facts.sha256[:16]}.pdf", ContentFile(data), save=False)
    document.save()
    return document


@pytest.fixture
def application():
    chapter = ChapterFactory(
        name="CIIAR Argentina",
        slug="ciiar-argentina",
        country="AR",
        time_zone="America/Argentina/Buenos_Aires",
    )
    municipality = MunicipalityFactory(name="Villa Esperanza", chapter=chapter, country="AR")
    call = CallFactory(chapter=chapter, title="Convocatoria CIIAR Argentina 2025")
    requirements = [
        EligibilityRequirement.objects.create(
            call=call, text="The municipality has an innovation unit.", position=1
        ),
        EligibilityRequirement.objects.create(
            call=call,
            text="The mayor commits staff time.",
            evidence_requested=True,
            position=2,
        ),
    ]
    questions = [
        Question.objects.create(
            call=call, kind=Question.Kind.NUMBER, label="How many civil servants?", position=1
        ),
        Question.objects.create(
            call=call, kind=Question.Kind.YES_NO, label="Do you have open data?", position=2
        ),
    ]
    application = Application.objects.create(
        call=call,
        municipality=municipality,
        status=Application.Status.SUBMITTED,
        contact_name="Ana Gómez",
        contact_role="Directora de Innovación",
        contact_email="ana@example.org",
        innovation_unit="Dirección de Modernización",
        innovation_team="Cinco personas.\nDos analistas de datos.",
        digital_plan="Plan Digital 2024-2027",
        initiatives="Chatbot de trámites",
        motivation="Queremos adoptar IA de forma responsable.",
        declarations={
            str(requirements[0].pk): {"accepted": True, "evidence": ""},
            str(requirements[1].pk): {"accepted": True, "evidence": "Decreto 123/2025"},
        },
        answers={str(questions[0].pk): 1200, str(questions[1].pk): False},
        submitted_at=SUBMITTED_AT,
        content_hash=CONTENT_HASH,
    )
    attach(application, Document.Kind.REPORT, pdfs.pdf_with_pages(5), "informe.pdf")
    attach(application, Document.Kind.LETTER, pdfs.signed_pdf(), "carta.pdf")
    attach(application, Document.Kind.ANNEX, pdfs.pdf_with_pages(2, "Anexo técnico"), "anexo.pdf")
    return application


def top_level_outline(reader: PdfReader) -> list[tuple[str, int]]:
    return [
        (item.title, reader.get_destination_page_number(item))
        for item in reader.outline
        if isinstance(item, Destination)
    ]


def test_dossier_has_the_form_then_every_document_with_bookmarks(application):
    reader = PdfReader(io.BytesIO(build_dossier(application, language="en")))
    outline = top_level_outline(reader)
    assert [title for title, _page in outline] == [
        "Form",
        "Commitment letter",
        "Descriptive report",
        "Annex 1",
    ]
    form_pages = outline[1][1]
    assert form_pages >= 2  # cover, then the form
    assert [page for _title, page in outline] == [
        0,
        form_pages,
        form_pages + 1,
        form_pages + 1 + 5,
    ]
    assert len(reader.pages) == form_pages + 1 + 5 + 2
    assert "Carta de compromiso" in reader.pages[form_pages].extract_text()
    assert "página 5 de 5" in reader.pages[form_pages + 5].extract_text()
    assert "Anexo técnico" in reader.pages[-1].extract_text()


def test_cover_and_form_content(application):
    reader = PdfReader(io.BytesIO(build_dossier(application, language="en")))
    cover = reader.pages[0].extract_text()
    assert "Villa Esperanza" in cover
    assert "Convocatoria CIIAR Argentina 2025" in cover
    assert CONTENT_HASH in cover.replace("\n", "").replace(" ", "")
    assert "11:15 p.m." in cover  # submitted at, in the chapter's time zone (UTC-3)
    assert "Buenos Aires time" in cover
    form = "".join(reader.pages[i].extract_text() for i in range(1, len(reader.pages) - 8))
    for expected in (
        "Ana Gómez",
        "Dirección de Modernización",
        "The mayor commits staff time.",
        "Decreto 123/2025",
        "How many civil servants?",
        "1200",
        "María Intendenta",  # the letter's signer, detected on upload
    ):
        assert expected in form, expected


def test_signatures_of_merged_documents_are_taken_out(application):
    reader = PdfReader(io.BytesIO(build_dossier(application, language="en")))
    acroform = reader.trailer["/Root"].get("/AcroForm")
    if acroform is not None:
        fields = acroform.get_object().get("/Fields", [])
        assert all(field.get_object().get("/FT") != "/Sig" for field in fields)
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            assert annot.get_object().get("/FT") != "/Sig"
    assert inspect_pdf(
        pdfs.as_upload(build_dossier(application)), max_bytes=10**8, max_pages=None
    ).signature == ("none")


def test_bookmarks_are_translated(application):
    application.call.chapter.default_language = "es"
    application.call.chapter.save()
    reader = PdfReader(io.BytesIO(build_dossier(application)))
    assert len(top_level_outline(reader)) == 4  # whatever the catalogue says today


def test_dossier_reads_everything_in_a_fixed_number_of_queries(
    application, django_assert_num_queries
):
    with django_assert_num_queries(4):
        build_dossier(application)


def test_a_missing_file_is_reported_not_fatal(application):
    annex = application.documents.get(kind=Document.Kind.ANNEX)
    annex.file.storage.delete(annex.file.name)
    reader = PdfReader(io.BytesIO(build_dossier(application, language="en")))
    # In its place, a page that says so, with its bookmark.
    assert [title for title, _page in top_level_outline(reader)][-2:] == [
        "Descriptive report",
        "Annex 1",
    ]
    assert "could not be read" in reader.pages[-1].extract_text()


def test_an_application_without_documents(application):
    application.documents.all().delete()
    reader = PdfReader(io.BytesIO(build_dossier(application, language="en")))
    assert [title for title, _page in top_level_outline(reader)] == ["Form"]


def test_receipt_is_one_page_with_the_hashes(application):
    reader = PdfReader(io.BytesIO(build_receipt(application, language="en")))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    compact = text.replace("\n", "").replace(" ", "")
    assert "Villa Esperanza" in text
    assert "Convocatoria CIIAR Argentina 2025" in text
    assert "11:15 p.m." in text
    assert CONTENT_HASH in compact
    for document in application.documents.all():
        assert document.sha256 in compact
    assert hashlib.sha256(pdfs.pdf_with_pages(5)).hexdigest() in compact


def test_receipt_reads_in_a_fixed_number_of_queries(application, django_assert_num_queries):
    with django_assert_num_queries(4):
        build_receipt(application)


def test_a_pdf_restricted_by_an_owner_password_is_merged(application):
    attach(application, Document.Kind.ANNEX, pdfs.encrypted_pdf(user_password=""), "anexo2.pdf")
    reader = PdfReader(io.BytesIO(build_dossier(application, language="en")))
    assert [title for title, _page in top_level_outline(reader)][-1] == "Annex 2"
    assert "Documento protegido" in reader.pages[-1].extract_text()
    assert not reader.is_encrypted


def test_the_signature_stamp_stays_visible_on_the_letter(application):
    reader = PdfReader(io.BytesIO(build_dossier(application, language="en")))
    letter_page = dict(top_level_outline(reader))["Commitment letter"]
    assert "María Intendenta" in reader.pages[letter_page].extract_text()
