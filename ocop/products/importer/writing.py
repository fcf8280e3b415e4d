"""Writing a checked file: every entity and product, their status history and one audit entry per
object, in bulk, inside the caller's transaction."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.audit.models import AuditEntry
from ocop.audit.services import snapshot
from ocop.products.importer.checking import CheckResult, ParsedProduct, _chunks
from ocop.products.models import Entity, Product, ProductStatus, ProductStatusChange
from ocop.products.models_import import ImportBatch

BATCH = 500


def _audit(actor, action: str, obj, after: dict, unit, reason: str) -> AuditEntry:
    """An audit entry as log_action writes it, to be saved with bulk_create."""
    return AuditEntry(
        actor=actor,
        actor_name=actor.get_username()[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        unit=unit,
        after=after,
        reason=reason,
    )


def build_product(parsed: ParsedProduct) -> Product:
    """The Product of a checked row; a new entity of the same file is saved by now, with its key."""
    if parsed.entity_ref is None:
        return Product(**parsed.fields)
    return Product(**{**parsed.fields, "entity": parsed.entity_ref.entity})


def write_rows(actor, result: CheckResult, batch: ImportBatch, *, on_progress=None) -> tuple[int, int]:
    """Insert every checked row. Must run inside the caller's transaction."""
    reason = _("Nhập hàng loạt từ tệp Excel “%(f)s” (lô %(id)s)") % {"f": batch.original_name, "id": batch.pk}
    entities = [p.entity for p in result.entities]
    for chunk in _chunks(entities, BATCH):
        Entity.objects.bulk_create(chunk)
    AuditEntry.objects.bulk_create(
        [
            _audit(actor, "ocop.products.entity.created", e, snapshot(e, Entity.AUDIT_FIELDS), e.unit, reason)
            for e in entities
        ],
        batch_size=BATCH,
    )
    if on_progress:
        on_progress(len(entities))
    products = [build_product(p) for p in result.products]
    for chunk in _chunks(products, BATCH):
        Product.objects.bulk_create(chunk)
    ProductStatusChange.objects.bulk_create(
        [
            ProductStatusChange(product=p, from_status="", to_status=ProductStatus.REGISTERED, by=actor, reason=reason)
            for p in products
        ],
        batch_size=BATCH,
    )
    AuditEntry.objects.bulk_create(
        [
            _audit(actor, "ocop.products.product.created", p, snapshot(p, Product.AUDIT_FIELDS), p.unit, reason)
            for p in products
        ],
        batch_size=BATCH,
    )
    return len(entities), len(products)
