"""Keep the catalogue's read model in step with its sources: saving a certificate, a certified
product, its entity or its photos refreshes the products' entries at once, in the same transaction
(a rolled-back change leaves no trace). A failure to refresh never breaks the change itself: it is
logged, the refresh runs in its own savepoint, and `manage.py rebuild_catalogue` repairs the rows."""

from __future__ import annotations

import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ocop.evaluation.models_rounds import Certificate
from ocop.products.models import Entity, Product, ProductPhoto

logger = logging.getLogger(__name__)


def _schedule(product_ids) -> None:
    from ocop.catalogue.services import refresh_products

    ids = {i for i in product_ids if i}
    if not ids:
        return
    try:
        refresh_products(ids)
    except Exception:  # the read model must never block a change to its sources
        logger.exception("Catalogue refresh failed for products %s", sorted(ids)[:20])


def _needs_refresh(product_id) -> bool:
    """Only products that have (or had) a certificate are in the catalogue."""
    from ocop.catalogue.models import CatalogueEntry

    return (
        Certificate.objects.filter(product_id=product_id).exists()
        or CatalogueEntry.objects.filter(product_id=product_id).exists()
    )


@receiver(post_save, sender=Certificate)
@receiver(post_delete, sender=Certificate)
def certificate_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule([instance.product_id])


@receiver(post_save, sender=Product)
def product_changed(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created and _needs_refresh(instance.pk):
        _schedule([instance.pk])


@receiver(post_save, sender=Entity)
def entity_changed(sender, instance, raw=False, **kwargs):
    from ocop.catalogue.models import CatalogueEntry

    if not raw:
        _schedule(CatalogueEntry.objects.filter(entity_id=instance.pk).values_list("product_id", flat=True))


@receiver(post_save, sender=ProductPhoto)
@receiver(post_delete, sender=ProductPhoto)
def photo_changed(sender, instance, raw=False, **kwargs):
    from ocop.catalogue.models import CatalogueEntry

    if not raw and CatalogueEntry.objects.filter(product_id=instance.product_id).exists():
        _schedule([instance.product_id])
