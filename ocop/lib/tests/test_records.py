"""Issue 16: one VersionConflict and one abstract base for versioned, soft-deleted, demo-flagged
records, shared by programme, products and reporting."""

from __future__ import annotations

from ocop.lib.records import VersionConflict, VersionedRecord
from ocop.products import services as product_services
from ocop.products.models import Entity, Product
from ocop.programme import services as programme_services
from ocop.programme.models import ProgrammeRecord
from ocop.reporting.services import submissions


def test_one_version_conflict():
    assert programme_services.VersionConflict is VersionConflict
    assert product_services.VersionConflict is VersionConflict
    assert submissions.VersionConflict is VersionConflict


def test_one_base_for_versioned_records():
    for model in (Entity, Product, ProgrammeRecord):
        assert issubclass(model, VersionedRecord)
    names = {f.name for f in Entity._meta.concrete_fields}
    assert {"is_demo", "version", "created_by", "created_at", "updated_at", "deleted_at"} <= names
    assert hasattr(Product.objects.all(), "alive")
