"""Real PDF files for tests, made in milliseconds.

Pages are written with pypdf and the standard Helvetica font (no WeasyPrint: it would cost
~0.2 s per document), so their text can be read back with `PdfReader.extract_text`. Results
are cached: the helpers return immutable bytes.

The signed PDF is really signed, by pyHanko, with a self-signed certificate made here with
`cryptography` (the certificate, not the signature, is cached).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from pypdf import PdfWriter
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

A4 = (595.28, 841.89)
SIGNER_CN = "María Intendenta"
SIGNED_AT = dt.datetime(2025, 12, 15, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=-3)))


# --- Building blocks -----------------------------------------------------------------------


def _pdf_string(text: str) -> bytes:
    """A literal string in WinAnsi (cp1252), escaped for a content stream."""
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _font(writer: PdfWriter):
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )


def _add_text_page(writer: PdfWriter, font, lines: list[str], *, xobjects=None) -> None:
    page = writer.add_blank_page(*A4)
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    ops = [b"BT /F1 14 Tf 72 770 Td 18 TL"]
    for line in lines:
        ops.append(_pdf_string(line) + b" Tj T*")
    ops.append(b"ET")
    if xobjects:
        resources[NameObject("/XObject")] = DictionaryObject(
            {NameObject(name): ref for name, ref in xobjects.items()}
        )
        for index, name in enumerate(xobjects):
            ops.append(f"q 400 0 0 300 72 {380 - index * 10} cm {name} Do Q".encode())
    page[NameObject("/Resources")] = resources
    content = DecodedStreamObject()
    content.set_data(b"\n".join(ops))
    page[NameObject("/Contents")] = writer._add_object(content)


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Documents -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def pdf_with_pages(n: int, text: str = "Informe descriptivo") -> bytes:
    """A valid PDF of `n` A4 pages; page i reads "<text> — página i de n"."""
    writer = PdfWriter()
    font = _font(writer)
    for number in range(1, n + 1):
        _add_text_page(writer, font, [text, f"página {number} de {n}"])
    writer.add_metadata({"/Title": text, "/Producer": "tests.calls.pdfs"})
    return _bytes(writer)


def unsigned_pdf() -> bytes:
    return pdf_with_pages(1, "Carta de compromiso")


def empty() -> bytes:
    return b""


@functools.lru_cache(maxsize=4)
def encrypted_pdf(user_password: str = "secreto") -> bytes:  # noqa: S107
    """AES-256 encrypted. With an empty user password it opens without one (only the owner
    password restricts it): the portal accepts that kind."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf_with_pages(1, "Documento protegido")))
    writer.encrypt(user_password=user_password, owner_password="propietario", algorithm="AES-256")
    return _bytes(writer)


def truncated_pdf(pages: int = 3, keep: float = 0.6) -> bytes:
    """A PDF cut short, as an interrupted upload or copy leaves it."""
    data = pdf_with_pages(pages, "Informe truncado")
    return data[: int(len(data) * keep)]


def damaged_pdf() -> bytes:
    """Starts and ends like a PDF; nothing in between is a PDF."""
    return b"%PDF-1.7\n" + b"esto no es un PDF\n" * 200 + b"startxref\n9999\n%%EOF\n"


@functools.lru_cache(maxsize=1)
def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (11, 79, 108)).save(out, format="PNG")
    return out.getvalue()


def not_a_pdf_named_pdf() -> SimpleUploadedFile:
    """A PNG that claims to be a PDF by its name and its content type."""
    return SimpleUploadedFile("carta.pdf", png_bytes(), content_type="application/pdf")


@functools.lru_cache(maxsize=4)
def large_pdf(size: int, pages: int = 1) -> bytes:
    """A valid PDF of exactly `size` bytes: `pages` pages of text, each with an uncompressed
    noise image (deterministic), the bytes shared among them; padded to the byte with a
    metadata string."""
    rng = random.Random(size)
    width = 256
    image_bytes = max(0, size - 2_000 - 600 * pages)
    per_page = image_bytes // pages
    height = max(1, per_page // (width * 3))
    pad = 0
    for _attempt in range(6):
        writer = PdfWriter()
        font = _font(writer)
        for number in range(1, pages + 1):
            image = DecodedStreamObject()
            image.set_data(rng.randbytes(width * height * 3))
            image.update(
                {
                    NameObject("/Type"): NameObject("/XObject"),
                    NameObject("/Subtype"): NameObject("/Image"),
                    NameObject("/Width"): NumberObject(width),
                    NameObject("/Height"): NumberObject(height),
                    NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
                    NameObject("/BitsPerComponent"): NumberObject(8),
                }
            )
            _add_text_page(
                writer,
                font,
                ["Anexo con imágenes", f"página {number} de {pages}"],
                xobjects={"/Im1": writer._add_object(image)},
            )
        writer.add_metadata({"/Subject": TextStringObject("x" * pad) if pad else ""})
        data = _bytes(writer)
        if len(data) == size:
            return data
        pad += size - len(data)
        if pad < 0:
            raise ValueError(f"large_pdf cannot make a PDF as small as {size} bytes")
    raise AssertionError("large_pdf did not converge")


# --- Signed documents ----------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _certificate(common_name: str):
    """A self-signed ECDSA certificate and key, as asn1crypto objects for pyHanko."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Municipalidad de Prueba"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "AR"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=30))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    cert_der = certificate.public_bytes(serialization.Encoding.DER)
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_x509.Certificate.load(cert_der), asn1_keys.PrivateKeyInfo.load(key_der)


@functools.lru_cache(maxsize=8)
def signed_pdf(
    common_name: str = SIGNER_CN,
    *,
    name: str | None = None,
    signed_at: dt.datetime = SIGNED_AT,
    visible: bool = True,
    pages: int = 1,
) -> bytes:
    """A PDF really signed with pyHanko (adbe.pkcs7.detached, CMS with the certificate).

    `name` goes to the signature dictionary's /Name; by default there is none, and the
    signer can only be read from the certificate. /M is `signed_at`. With `visible`, the
    signature has a stamp on the first page."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    certificate, key = _certificate(common_name)
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([certificate]),
    )

    class FixedTimeSigner(signers.PdfSigner):
        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = signed_at
            return session

    meta = signers.PdfSignatureMetadata(field_name="FirmaIntendente", name=name)
    box = (330, 60, 540, 130) if visible else None
    pdf_signer = FixedTimeSigner(
        meta,
        signer=signer,
        new_field_spec=fields.SigFieldSpec("FirmaIntendente", on_page=0, box=box),
    )
    source = pdf_with_pages(pages, "Carta de compromiso")
    writer = IncrementalPdfFileWriter(io.BytesIO(source))
    return pdf_signer.sign_pdf(writer).getvalue()


# --- Uploads -------------------------------------------------------------------------------


def as_upload(
    data: bytes,
    name: str = "documento.pdf",
    *,
    content_type: str = "application/pdf",
    temporary: bool = False,
):
    """An UploadedFile as Django hands it to a view: in memory, or (large uploads) in a
    temporary file on disk. Close temporary ones (the test's `with` or `.close()`)."""
    if not temporary:
        return SimpleUploadedFile(name, data, content_type=content_type)
    upload = TemporaryUploadedFile(name, content_type, len(data), None)
    upload.write(data)
    upload.flush()
    upload.seek(0)
    return upload
