"""Background signing after a document is issued (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def sign_issued_document(document_id: int, user_id: int | None = None) -> dict:
    from ocop.accounts.models import User
    from ocop.documents.models import OutgoingDocument
    from ocop.signing.issue import do_sign_issued

    doc = OutgoingDocument.objects.select_related("issuer").get(pk=document_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    item = do_sign_issued(user, doc)
    return {"document": document_id, "sha256": item.sha256}


def after_issue(doc, user=None) -> None:
    """Once the issue of an outgoing document is committed (ocop.documents.hooks.document_issued,
    connected in SigningConfig.ready): queue the signing when SIGNING_ON_ISSUE (the PDF conversion
    and signing take seconds: never in the request)."""
    from django.conf import settings

    if getattr(settings, "SIGNING_ON_ISSUE", False):
        sign_issued_document.enqueue(document_id=doc.pk, user_id=getattr(user, "pk", None))


def on_document_issued(sender, document, user=None, **kwargs) -> None:
    after_issue(document, user)


@task()
def sign_certificate(certificate_id: int, user_id: int | None = None) -> dict:
    """The signed PDF of an OCOP certificate, queued when a round's closing issues it."""
    from ocop.accounts.models import User
    from ocop.evaluation.models_rounds import Certificate
    from ocop.signing.certificates import do_sign_certificate

    cert = Certificate.objects.select_related("product", "issuer_unit").get(pk=certificate_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    item = do_sign_certificate(user, cert)
    return {"certificate": certificate_id, "sha256": item.sha256}
