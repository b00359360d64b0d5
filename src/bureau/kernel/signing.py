"""The bureau's digital signature on its PDF documents (PAdES, ETSI EN 319 142, via pyHanko), in one adapter.

`sign_pdf(pdf, reason=…, location=…)` returns the PDF with an incremental-update signature of the issuing bureau;
`verify_pdf(pdf)` checks a document's signature against the configured certificate. Certificates sign their
licence versions with it (certificates/lifecycle.py); penalty decisions can use the same two functions.

The key and certificate come from settings (SIGNING_KEY_PATH, SIGNING_CERT_PATH, SIGNING_CHAIN_PATH,
SIGNING_KEY_PASSWORD; docs/deployment.md). Outside production, when none is configured, a demo key pair and
self-signed certificate are generated on first use under var/signing/ (`manage.py signing_setup`, run by `make
run`); production refuses to start without a configured key (settings.py).

A GB/T 38540 SM2 electronic seal plugs in behind the same two functions: docs/certificates.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import secrets
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from bureau.kernel.errors import DomainError


@dataclass(frozen=True)
class SignatureStatus:
    """What a document's signature says. `valid` = intact (the signed bytes are unchanged) and made with a
    certificate the bureau trusts (the configured one or its chain)."""

    signed: bool
    intact: bool
    trusted: bool
    signer: str
    signed_at: dt.datetime | None
    digest: str  # SHA-256 of the whole file as given
    message: str

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted


def _paths() -> tuple[Path, Path, Path | None]:
    key, cert = Path(settings.SIGNING_KEY_PATH), Path(settings.SIGNING_CERT_PATH)
    chain = Path(settings.SIGNING_CHAIN_PATH) if settings.SIGNING_CHAIN_PATH else None
    return key, cert, chain


def generate_demo_identity(directory: Path, *, name: str) -> bool:
    """A demo RSA key and a self-signed certificate (10 years) for `name`, written atomically into `directory`
    (a concurrent process that loses the race discards its own). Returns whether this call created them."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    if (directory / "key.pem").is_file() and (directory / "cert.pem").is_file():
        return False
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"{name}（演示签名证书）")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = directory.parent / f".{directory.name}-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    (staging / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                        serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))
    os.chmod(staging / "key.pem", 0o600)
    (staging / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    try:
        os.rename(staging, directory)
    except OSError:  # another process created it first
        shutil.rmtree(staging, ignore_errors=True)
        return False
    return True


def ensure_identity() -> None:
    """The configured key and certificate exist; outside production the demo ones are generated when missing."""
    key, cert, _ = _paths()
    if key.is_file() and cert.is_file():
        return
    if settings.PRODUCTION or not settings.SIGNING_DEMO_DIR:
        raise DomainError("未配置电子签名密钥和证书（SIGNING_KEY_PATH、SIGNING_CERT_PATH），不能签发电子文书")
    generate_demo_identity(Path(settings.SIGNING_DEMO_DIR), name=settings.BUREAU_NAME)


def _cached_key_signer(loaded: Any) -> Any:
    """pyHanko's SimpleSigner parses (and so re-validates) the private key for every raw signature, twice per
    document: about 65 ms each for an RSA-2048 key, most of the time of a signature (bench/certificates). This
    signer keeps the parsed key; other mechanisms fall back to pyHanko's own code."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class CachedKeySigner(signers.SimpleSigner):  # type: ignore[misc]
        parsed: Any = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            if self.parsed is None:
                self.parsed = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "rsassa_pkcs1v15" and isinstance(self.parsed, rsa.RSAPrivateKey):
                return bytes(self.parsed.sign(data, padding.PKCS1v15(), hash_algo))
            if mechanism == "ecdsa" and isinstance(self.parsed, ec.EllipticCurvePrivateKey):
                return bytes(self.parsed.sign(data, ec.ECDSA(hash_algo)))
            return bytes(super().sign_raw(data, digest_algorithm))

    return CachedKeySigner(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                           cert_registry=loaded.cert_registry)


@lru_cache(maxsize=4)
def _signer(key: str, cert: str, chain: str | None, mtime: float) -> Any:
    from pyhanko.sign import signers

    password = settings.SIGNING_KEY_PASSWORD.encode() if settings.SIGNING_KEY_PASSWORD else None
    loaded = signers.SimpleSigner.load(key, cert, ca_chain_files=(chain,) if chain else (),
                                       key_passphrase=password)
    if loaded is None:
        raise DomainError("电子签名密钥或证书无法读取，请检查配置")
    return _cached_key_signer(loaded)


def _current_signer() -> Any:
    ensure_identity()
    key, cert, chain = _paths()
    return _signer(str(key), str(cert), str(chain) if chain else None, cert.stat().st_mtime)


def signer_name() -> str:
    """The signer as the certificate names it (its common name)."""
    return _subject(_current_signer().signing_cert)


def _subject(cert: Any) -> str:
    try:
        return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)
    except Exception:  # an unusual subject: show it as the library prints it
        return str(cert.subject.human_friendly)


def sign_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    """The PDF with a PAdES baseline signature (SHA-256) of the configured bureau certificate, as an incremental
    update (the original bytes stay unchanged: any PDF reader shows the signature panel; `pdfsig` lists it)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(field_name="BureauSignature", reason=reason[:200], location=location[:100],
                                        md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(writer, meta, signer=_current_signer())
    return bytes(out.getvalue())


@lru_cache(maxsize=4)
def _trust_roots(cert: str, chain: str | None, mtime: float) -> list[Any]:
    from pyhanko.keys import load_cert_from_pemder

    roots = [load_cert_from_pemder(cert)]
    if chain:
        from pyhanko.keys import load_certs_from_pemder

        roots += list(load_certs_from_pemder([chain]))
    return roots


def verify_pdf(pdf: bytes) -> SignatureStatus:
    """Check the last signature of a PDF: intact (the digest over the signed byte ranges matches) and made with a
    certificate the bureau trusts (the configured one or its chain). Never raises on a bad document."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    digest = hashlib.sha256(pdf).hexdigest()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # not a readable PDF
        return SignatureStatus(False, False, False, "", None, digest, "文件不是有效的PDF文档")
    if not signatures:
        return SignatureStatus(False, False, False, "", None, digest, "文件未加电子签名")
    ensure_identity()
    _, cert, chain = _paths()
    context = ValidationContext(trust_roots=_trust_roots(str(cert), str(chain) if chain else None,
                                                         cert.stat().st_mtime), allow_fetching=False)
    embedded = signatures[-1]
    try:
        status = validate_pdf_signature(embedded, context)
    except Exception as exc:  # a malformed signature dictionary
        return SignatureStatus(True, False, False, "", None, digest, f"电子签名无法解析：{type(exc).__name__}")
    # the signature covers the whole file: nothing was appended after signing
    covers_all = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    intact = bool(status.intact and status.valid and covers_all)
    trusted = bool(status.trusted)
    signer = _subject(status.signing_cert) if status.signing_cert is not None else ""
    if intact and trusted:
        message = "电子签名有效：文件自签署后未被修改，签名证书为本机关证书"
    elif not intact:
        message = "电子签名无效：文件在签署后被修改"
    else:
        message = "签名完整，但签名证书不是本机关的可信证书"
    return SignatureStatus(True, intact, trusted, signer, status.signer_reported_dt, digest, message)
