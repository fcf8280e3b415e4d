"""Audit visibility of outgoing documents and issuers (ocop/accounts/audit_visibility.py): national, for the
holders of documents.view."""

from ocop.accounts.permissions import can
from ocop.accounts.audit_visibility import NOTHING, register


def _documents(user):
    return None if can(user, "documents.view") else NOTHING


for label in ("documents.outgoingdocument", "documents.issuer", "documents.issuerversion"):
    register(label, entries=_documents)
