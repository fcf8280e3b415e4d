"""What the documents app offers the apps above it (docs/architecture.md, Layers): documents sits below
signing and never imports it.

- `document_issued`: sent once the issue of an outgoing document is committed
  (`sender=OutgoingDocument, document=..., user=...`). The signing app connects to it in its
  AppConfig.ready and queues the signed PDF (docs/signing.md).
- `register_pdf_signer(fn)`: the signing app registers `fn(document) -> bytes`, the signed PDF, which
  `manage.py export_document --signed` asks for through `signed_pdf`.
"""

from __future__ import annotations

from typing import Callable

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

document_issued = Signal()

_pdf_signer: Callable[[object], bytes] | None = None


def register_pdf_signer(signer: Callable[[object], bytes]) -> None:
    global _pdf_signer
    _pdf_signer = signer


def signed_pdf(document) -> bytes:
    """The signed PDF of an issued document, from the registered signer."""
    if _pdf_signer is None:
        raise ImproperlyConfigured("No PDF signer is registered: is ocop.signing in INSTALLED_APPS?")
    return _pdf_signer(document)
