"""Real digital signatures for tests: a test certification authority made with
`cryptography`, signer certificates it issues, PDFs signed by pyHanko, and the ways a
signed PDF is altered afterwards (inside the signed bytes, or by an incremental update).

Keys are ECDSA P-256 (milliseconds to make); certificates and keys are cached per name.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.calls import pdfs

NOW = dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Identity:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "AR"),
        ]
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@functools.lru_cache(maxsize=8)
def authority(common_name: str = "Autoridad Certificante de Prueba") -> Identity:
    """A self-signed root certification authority."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=365))
        .not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return Identity(certificate, key)


@functools.lru_cache(maxsize=8)
def signer(common_name: str, issuer: Identity, revocation_url: str = "") -> Identity:
    """A signing certificate for `common_name`, issued by `issuer`; with `revocation_url`,
    it names an OCSP responder and a CRL there, as real signing certificates do."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=30))
        .not_valid_after(NOW + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
    )
    if revocation_url:
        url = x509.UniformResourceIdentifier
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.AuthorityInformationAccessOID.OCSP, url(f"{revocation_url}/ocsp")
                    ),
                    x509.AccessDescription(
                        x509.AuthorityInformationAccessOID.CA_ISSUERS, url(f"{revocation_url}/ca")
                    ),
                ]
            ),
            critical=False,
        ).add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([url(f"{revocation_url}/crl")], None, None, None)]
            ),
            critical=False,
        )
    return Identity(builder.sign(issuer.key, hashes.SHA256()), key)


def _asn1(identity: Identity):
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509

    cert = asn1_x509.Certificate.load(identity.certificate.public_bytes(serialization.Encoding.DER))
    key = asn1_keys.PrivateKeyInfo.load(
        identity.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


def sign(
    data: bytes, identity: Identity, *, chain: tuple[Identity, ...] = (), field: str = "Firma"
) -> bytes:
    """`data` signed by `identity` (its chain embedded), as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert, key = _asn1(identity)
    others = [_asn1(item)[0] for item in chain]
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name=field),
        signer=signers.SimpleSigner(
            signing_cert=cert,
            signing_key=key,
            cert_registry=SimpleCertificateStore.from_certs([cert, *others]),
        ),
        new_field_spec=fields.SigFieldSpec(field, on_page=0, box=(330, 60, 540, 130)),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    return pdf_signer.sign_pdf(writer).getvalue()


def letter() -> bytes:
    return pdfs.pdf_with_pages(1, "Carta de compromiso")


def tampered(signed: bytes) -> bytes:
    """One letter of the page text changed inside the signed bytes (same length)."""
    position = signed.index(b"Carta de compromiso")
    changed = signed[:position] + b"Carta de compromisa" + signed[position + 19 :]
    assert len(changed) == len(signed)
    return changed


def with_content_appended(signed: bytes) -> bytes:
    """An incremental update after signing that draws more text on the signed page."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

    writer = PdfWriter(PdfReader(io.BytesIO(signed)), incremental=True)
    page = writer.pages[0]
    extra = DecodedStreamObject()
    extra.set_data(b"BT /F1 14 Tf 72 700 Td (Monto: 1.000.000) Tj ET")
    current = page.raw_get("/Contents")
    page[NameObject("/Contents")] = ArrayObject([current, writer._add_object(extra)])
    out = io.BytesIO()
    writer.write(out)
    result = out.getvalue()
    assert result.startswith(signed)  # appended, the signed bytes untouched
    return result
