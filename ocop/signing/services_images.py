"""Uploading signature and seal images (administrators): format checked, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.audit.services import log_action
from ocop.signing import images, keys
from ocop.signing.models import ImageKind, SignatureImage


def do_add_image(
    user, data: bytes, *, signer_name: str = "", organisation_code: str = "", width_mm=None, request=None
) -> SignatureImage:
    signer_name, organisation_code = signer_name.strip(), organisation_code.strip()
    if bool(signer_name) == bool(organisation_code):
        raise ValidationError(_("Chọn một người ký hoặc một cơ quan."))
    images.check_png(data)
    if signer_name:
        kind, identity, label, width = (
            ImageKind.SIGNATURE,
            keys.signer_identity(signer_name),
            signer_name,
            width_mm or 50,
        )
    else:
        kind, identity, label, width = (
            ImageKind.SEAL,
            keys.org_identity(organisation_code),
            organisation_code,
            width_mm or 35,
        )
    if not 10 <= float(width) <= 80:
        raise ValidationError(_("Chiều rộng thật của ảnh phải từ 10 đến 80 mm."))
    with transaction.atomic():
        SignatureImage.objects.filter(identity=identity, active=True).update(active=False)
        item = SignatureImage(
            kind=kind,
            identity=identity,
            label=label,
            width_mm=width,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        item.image.save(f"{identity.replace(':', '-')}.png", ContentFile(data), save=False)
        item.save()
        log_action(
            user,
            "ocop.signing.image_added",
            item,
            after={"identity": identity, "kind": kind, "width_mm": str(width)},
            request=request,
        )
    return item
