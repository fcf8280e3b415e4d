"""Audit visibility of signature images and signed files (ocop/accounts/audit_visibility.py): national, for
the holders of documents.view (the same readers as the documents they sign)."""

from ocop.accounts.permissions import can
from ocop.accounts.audit_visibility import NOTHING, register


def _documents(user):
    return None if can(user, "documents.view") else NOTHING


for label in ("signing.signatureimage", "signing.signedfile"):
    register(label, entries=_documents)
