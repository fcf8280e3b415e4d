"""The local TEST CA with certificates for the demo signers and organisations, and their demo images
(drawn by code, marked "MẪU THỬ - DEMO"). Used by `manage.py make_test_ca` and the demo."""

from __future__ import annotations

from django.core.files.base import ContentFile

from ocop.signing import images, keys
from ocop.signing.models import ImageKind, SignatureImage


def _signers() -> dict[str, str]:
    """signer name -> issuer name, from the issuers and their dated versions."""
    from ocop.documents.models import Issuer, IssuerVersion, OutgoingDocument

    found: dict[str, str] = {}
    for name, org in Issuer.objects.values_list("signer_name", "name"):
        if name.strip():
            found.setdefault(name.strip(), org)
    for name, org in IssuerVersion.objects.values_list("signer_name", "name"):
        if name.strip():
            found.setdefault(name.strip(), org)
    for name, org in OutgoingDocument.objects.values_list("signer_name", "issuer__name"):
        if name.strip():
            found.setdefault(name.strip(), org)
    return found


def ensure_demo_image(kind: str, identity: str, label: str, png: bytes, width_mm: float) -> bool:
    if SignatureImage.objects.filter(identity=identity, active=True).exists():
        return False
    item = SignatureImage(kind=kind, identity=identity, label=label, width_mm=width_mm, is_demo=True)
    item.image.save(f"{identity.replace(':', '-')}.png", ContentFile(png), save=False)
    item.save()
    return True


def create_test_ca() -> dict[str, int]:
    """Certificates and demo images for every signer named in the issuers and documents and every
    issuer; existing keys and images are kept."""
    from ocop.documents.models import Issuer

    counts = {"signers": 0, "organisations": 0, "images": 0}
    for name, org in _signers().items():
        identity = keys.signer_identity(name)
        keys.make_test_identity(identity, name, org)
        counts["signers"] += 1
        counts["images"] += ensure_demo_image(ImageKind.SIGNATURE, identity, name, images.demo_signature_png(name), 50)
    for issuer in Issuer.objects.all():
        counts["images"] += ensure_issuer(issuer)
        counts["organisations"] += 1
    return counts


def ensure_issuer(issuer) -> int:
    """TEST keys and demo images of an issuer: its seal, and its "unnamed signer" (documents and
    certificates whose signer's name is a gap of the data). Returns the number of new images."""
    from ocop.signing.issue import unnamed_signer

    made = 0
    unnamed = unnamed_signer(issuer.code)
    keys.make_test_identity(unnamed, f"Người ký chưa rõ tên - {issuer.code}", issuer.name)
    made += ensure_demo_image(
        ImageKind.SIGNATURE,
        unnamed,
        f"Người ký chưa rõ tên - {issuer.code}",
        images.demo_signature_png(issuer.code),
        50,
    )
    identity = keys.org_identity(issuer.code)
    keys.make_test_identity(identity, issuer.code, issuer.name)
    made += ensure_demo_image(ImageKind.SEAL, identity, issuer.name, images.demo_seal_png(issuer.name), 35)
    return made


def ensure_identity(signer_name: str = "", issuer=None) -> None:
    """Test keys and demo images for one signer and one issuer (tests, and documents issued in
    development after the demo ran)."""
    if signer_name:
        identity = keys.signer_identity(signer_name)
        keys.make_test_identity(identity, signer_name, issuer.name if issuer else "")
        ensure_demo_image(ImageKind.SIGNATURE, identity, signer_name, images.demo_signature_png(signer_name), 50)
    if issuer is not None:
        identity = keys.org_identity(issuer.code)
        keys.make_test_identity(identity, issuer.code, issuer.name)
        ensure_demo_image(ImageKind.SEAL, identity, issuer.name, images.demo_seal_png(issuer.name), 35)
