"""Shared building blocks of the records people edit (issue 16: each defined once).

- `VersionConflict`: someone else saved the record (or the draft) since it was opened; raised by the
  services of programme, products and reporting, answered 409 by the API and with a message on the web.
- `AliveQuerySet`: `.alive()` leaves out soft-deleted rows (`deleted_at` set).
- `VersionedRecord`: the abstract base of versioned (optimistic locking), soft-deleted (`soft_delete()`),
  demo-flagged records, used by the programme registries and by the products app's entities and products.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class VersionConflict(Exception):
    """Someone else saved the record since it was opened (its version changed)."""


class AliveQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)


class VersionedRecord(models.Model):
    is_demo = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AliveQuerySet.as_manager()

    class Meta:
        abstract = True

    def soft_delete(self) -> None:
        """Mark the record deleted (kept for the audit trail and history) and bump its version, so
        that a form opened before the deletion cannot save over it."""
        self.deleted_at = timezone.now()
        self.version += 1
        self.save(update_fields=["deleted_at", "version", "updated_at"])
