from django import template

register = template.Library()


@register.simple_tag
def signed_file(doc):
    """The signed PDF of an issued document, or None."""
    from ocop.signing.models import SignedFile

    if doc is None or not getattr(doc, "is_issued", False):
        return None
    return SignedFile.objects.filter(document=doc).order_by("signed_at", "id").first()


@register.simple_tag
def may_sign(user) -> bool:
    """Holders of documents.issue may make the signed PDF now."""
    from ocop.accounts.permissions import can

    return bool(getattr(user, "is_authenticated", False) and can(user, "documents.issue"))


@register.simple_tag
def signed_certificate(cert):
    """The signed PDF of an OCOP certificate, or None (the public certificate check links to it)."""
    from ocop.signing.models import SignedCertificate

    if cert is None:
        return None
    return SignedCertificate.objects.filter(certificate=cert).first()


@register.simple_tag
def attachments_of(doc):
    """The signed attachments (separate files) of an issued document."""
    from ocop.signing.models import DocumentAttachment

    if doc is None or not getattr(doc, "is_issued", False):
        return []
    return list(DocumentAttachment.objects.filter(document=doc).order_by("position"))
