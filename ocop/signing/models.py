from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImageKind(models.TextChoices):
    SIGNATURE = "signature", _("chữ ký của người ký")
    SEAL = "seal", _("con dấu của cơ quan")


class SignatureImage(models.Model):
    """The image shown by a digital signature (NĐ 30, Phụ lục I): a signer's handwritten signature
    (blue) or an organisation's seal (red, real size), PNG with a transparent background, uploaded by
    an administrator. The newest active one of an identity is used."""

    kind = models.CharField(_("loại ảnh"), max_length=10, choices=ImageKind.choices)
    identity = models.CharField(
        _("người ký / cơ quan"),
        max_length=200,
        db_index=True,
        help_text=_("signer:<họ tên không dấu> hoặc org:<ký hiệu cơ quan>"),
    )
    label = models.CharField(_("tên hiển thị"), max_length=300)
    image = models.FileField(_("ảnh PNG"), upload_to="signing/images/", max_length=255)
    width_mm = models.DecimalField(
        _("chiều rộng thật (mm)"),
        max_digits=5,
        decimal_places=1,
        default=35,
        help_text=_("Con dấu in đúng kích thước thật."),
    )
    active = models.BooleanField(_("đang dùng"), default=True)
    is_demo = models.BooleanField(default=False, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh chữ ký, con dấu")
        verbose_name_plural = _("ảnh chữ ký, con dấu")
        ordering = ["identity", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"


class SignedFile(models.Model):
    """A signed PDF of an issued document, stored with its SHA-256 (the verification page matches
    uploads against it). Never edited: re-issuing or correcting makes a new document."""

    document = models.ForeignKey("documents.OutgoingDocument", models.PROTECT, related_name="signed_files")
    file = models.FileField(upload_to="signing/signed/", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    signer_name = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=300, blank=True)
    timestamped = models.BooleanField(default=False)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.sha256[:12]}"


class SignedCertificate(models.Model):
    """The signed PDF of an OCOP product certificate (ocop/evaluation/certificates.py): the issuing
    body's signer, then its seal (văn thư), stored with its SHA-256. Made once and never edited: a
    re-evaluation issues a new certificate, which gets its own file."""

    certificate = models.ForeignKey("evaluation.Certificate", models.PROTECT, related_name="signed_files")
    file = models.FileField(upload_to="signing/certificates/", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    signer_name = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=300, blank=True)
    timestamped = models.BooleanField(default=False)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [models.UniqueConstraint(fields=["certificate"], name="signing_one_signed_file_per_certificate")]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.sha256[:12]}"


def attachment_upload_to(instance: "DocumentAttachment", filename: str) -> str:
    return f"signing/attachments/{instance.document_id}/{filename}"


class DocumentAttachment(models.Model):
    """An attachment (phụ lục) issued as a separate file with an issued document: the uploaded file
    rendered to PDF and signed by the organisation at the top right of page 1 (NĐ 30, Phụ lục I: no
    image; the document's number and symbol and the signing time). Never edited: a wrong attachment
    is corrected by a new document."""

    document = models.ForeignKey("documents.OutgoingDocument", models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("tên phụ lục"), max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    file = models.FileField(upload_to=attachment_upload_to, max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    organisation = models.CharField(max_length=300, blank=True)
    timestamped = models.BooleanField(default=False)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phụ lục gửi kèm")
        verbose_name_plural = _("phụ lục gửi kèm")
        ordering = ["document", "position"]
        constraints = [models.UniqueConstraint(fields=["document", "position"], name="signing_attachment_position")]

    def __str__(self) -> str:
        return f"{self.document_id} #{self.position} {self.title}"
