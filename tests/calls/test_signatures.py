"""Digital signatures are verified (calls.signatures), not only detected.

Real PDFs signed by pyHanko with certificates of a test authority made here
(tests/calls/signing.py), checked through `inspect_pdf`, that is in the bounded child.
"""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from calls.models import Document
from calls.pdfcheck import inspect_pdf
from calls.signatures import trust_roots_for, worst
from tests.calls import pdfs, signing

MB = 1024 * 1024


def der(identity: signing.Identity) -> bytes:
    return identity.certificate.public_bytes(serialization.Encoding.DER)


def check(data: bytes, roots: tuple[bytes, ...] = ()):
    return inspect_pdf(
        pdfs.as_upload(data),
        max_bytes=10 * MB,
        max_pages=None,
        trust_roots=roots,
        moment=dt.datetime.now(dt.UTC),
    )


@pytest.fixture(scope="module")
def ca():
    return signing.authority()


@pytest.fixture(scope="module")
def mayor(ca):
    return signing.signer("María Intendenta", ca)


@pytest.fixture(scope="module")
def signed(mayor, ca):
    return signing.sign(signing.letter(), mayor, chain=(ca,))


def test_intact_and_under_a_configured_root_is_valid(signed, ca):
    facts = check(signed, roots=(der(ca),))
    assert facts.signature == Document.Signature.VALID
    assert facts.signer_name == "María Intendenta"
    assert facts.signed_at is not None
    assert abs(facts.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)


def test_intact_without_roots_is_issuer_not_verified_never_valid(signed):
    assert check(signed).signature == Document.Signature.UNTRUSTED


def test_intact_under_another_root_is_issuer_not_verified(signed):
    stranger = signing.authority("Otra Autoridad")
    assert check(signed, roots=(der(stranger),)).signature == Document.Signature.UNTRUSTED


def test_tampered_inside_the_signed_range_is_modified(signed, ca):
    facts = check(signing.tampered(signed), roots=(der(ca),))
    assert facts.signature == Document.Signature.MODIFIED
    assert facts.signer_name == "María Intendenta"  # still says who signed what was altered


def test_content_appended_after_signing_is_said_so(signed, ca):
    facts = check(signing.with_content_appended(signed), roots=(der(ca),))
    assert facts.signature == Document.Signature.APPENDED


def test_a_second_signature_after_the_first_is_not_an_alteration(signed, mayor, ca):
    secretary = signing.signer("Juan Secretario", ca)
    both = signing.sign(signed, secretary, chain=(ca,), field="Firma2")
    facts = check(both, roots=(der(ca),))
    assert [s.verdict for s in facts.signatures] == ["valid", "valid"]
    assert facts.signature == Document.Signature.VALID
    assert facts.signer_name == "María Intendenta, Juan Secretario"


def test_the_self_signed_letter_of_the_other_tests_is_untrusted():
    facts = check(pdfs.signed_pdf())
    assert facts.signature == Document.Signature.UNTRUSTED
    assert facts.signer_name == pdfs.SIGNER_CN
    assert facts.signed_at == pdfs.SIGNED_AT


def test_an_unsigned_pdf_has_no_digital_signature():
    assert check(pdfs.unsigned_pdf()).signature == Document.Signature.NONE
    with translation.override("en"):
        assert str(Document.Signature.NONE.label) == "No digital signature"


def test_the_worst_verdict_wins():
    assert worst([]) == "none"
    assert worst(["valid", "untrusted"]) == "untrusted"
    assert worst(["valid", "appended", "modified"]) == "modified"


# --- Trusted roots per chapter -------------------------------------------------------------


def test_trust_roots_per_chapter_and_for_all(tmp_path, ca):
    everyone = signing.authority("Autoridad Regional")
    (tmp_path / "ciar-chile").mkdir()
    (tmp_path / "ciar-chile" / "gob.pem").write_bytes(ca.pem)
    (tmp_path / "regional.pem").write_bytes(everyone.pem)
    (tmp_path / "broken.pem").write_bytes(b"not a certificate")
    with override_settings(SIGNATURE_TRUST_ROOTS_DIR=str(tmp_path)):
        assert set(trust_roots_for("ciar-chile")) == {der(ca), der(everyone)}
        assert trust_roots_for("ciiar-argentina") == (der(everyone),)
        assert trust_roots_for("../ciar-chile") == (der(everyone),)
    with override_settings(SIGNATURE_TRUST_ROOTS_DIR=""):
        assert trust_roots_for("ciar-chile") == ()


def upload_letter(client, application, data):
    return client.post(
        reverse("application_upload", args=[application.pk]),
        {"kind": "letter", "file": pdfs.as_upload(data, "carta.pdf")},
    )


def test_an_upload_is_valid_with_the_chapters_root_and_untrusted_without(
    tmp_path, officer_client, application, signed, ca
):
    (tmp_path / application.call.chapter.slug).mkdir()
    (tmp_path / application.call.chapter.slug / "root.pem").write_bytes(ca.pem)
    with override_settings(SIGNATURE_TRUST_ROOTS_DIR=str(tmp_path / "nowhere")):
        upload_letter(officer_client, application, signed)
    assert application.documents.get().signature == Document.Signature.UNTRUSTED
    with override_settings(SIGNATURE_TRUST_ROOTS_DIR=str(tmp_path)):
        upload_letter(officer_client, application, signed)
    letter = application.documents.get()
    assert letter.signature == Document.Signature.VALID
    assert letter.signer_name == "María Intendenta"


def test_officers_see_the_verdict_with_signer_and_time(officer_client, application, signed, ca):
    upload_letter(officer_client, application, signing.tampered(signed))
    page = officer_client.get(reverse("application_edit", args=[application.pk]))
    text = page.content.decode()
    assert "Invalid signature: modified after signing" in text
    assert "María Intendenta" in text
    assert "Digitally signed" not in text


def test_staff_filter_the_applications_by_the_letters_verdict(
    staff_client, call, chapter, application, officer, signed
):
    from calls import services
    from tests.calls.helpers import fill_in
    from tests.factories import MunicipalityFactory, OfficerFactory

    fill_in(application, officer)  # letter: the self-signed one, intact, issuer not verified
    other = MunicipalityFactory(chapter=chapter, name="Valparaíso")
    user = OfficerFactory(municipality=other).user
    tampered_app = services.application_start(call=call, municipality=other, actor=user)
    services.application_upload_document(
        application=tampered_app,
        actor=user,
        kind=Document.Kind.LETTER,
        upload=pdfs.as_upload(signing.tampered(signed), "carta.pdf"),
    )
    third = MunicipalityFactory(chapter=chapter, name="Renca")
    services.application_start(
        call=call, municipality=third, actor=OfficerFactory(municipality=third).user
    )
    url = reverse("staff_call_applications", args=[call.slug])

    def names(query):
        response = staff_client.get(url, query)
        assert response.status_code == 200
        return sorted(row["municipality_name"] for row in response.context["rows"])

    assert names({"signature": "modified"}) == ["Valparaíso"]
    assert names({"signature": "untrusted"}) == [application.municipality.name]
    assert names({"signature": "no_letter"}) == ["Renca"]
    assert names({"signature": "valid"}) == []
    assert len(names({})) == 3
    with translation.override("en"):
        page = staff_client.get(url, {"signature": "modified"}).content.decode()
    assert "Invalid signature: modified after signing" in page


def test_signatures_detected_before_verification_become_not_verified(application):
    import importlib

    from django.apps import apps

    from tests.calls.helpers import add_document

    migration = importlib.import_module("calls.migrations.0004_document_signature_verdict")
    letter = add_document(application, "letter")
    report = add_document(application, "report")
    Document.objects.filter(pk=letter.pk).update(signature="digital")  # the old value
    migration.detected_to_unverified(apps, None)
    letter.refresh_from_db()
    report.refresh_from_db()
    assert letter.signature == Document.Signature.UNVERIFIED  # never "valid" unverified
    assert report.signature == Document.Signature.NONE
    migration.unverified_to_detected(apps, None)
    letter.refresh_from_db()
    assert letter.signature == "digital"


def test_verification_never_goes_to_the_network(ca):
    """The certificate names an OCSP responder, a CRL and its issuer's URL on a server that
    counts requests: validation in the child must not ask any of them."""
    import http.server
    import threading

    hits = []

    class Counter(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        mayor = signing.signer("Intendenta con OCSP", ca, url)
        facts = check(signing.sign(signing.letter(), mayor, chain=(ca,)), roots=(der(ca),))
    finally:
        server.shutdown()
    assert hits == []
    # No revocation information can be had offline: the signature is judged without it.
    assert facts.signature == Document.Signature.VALID
