"""Audit visibility of entities, products, dossiers and import batches (ocop/accounts/audit_visibility.py).

Officers holding products.view see the entries of their scope's units, deleted objects included (the
history outlives the object); entity users see their own entities' objects; an import batch is its
uploader's (and the central administrators')."""

from ocop.accounts.models import Role
from ocop.accounts.audit_visibility import NOTHING, by_unit, objects_in, register
from ocop.products import services
from ocop.products.models_import import ImportBatch


def _rule(readable):
    def entries(user):
        if user.role == Role.ENTITY_USER:
            return objects_in(readable(user))
        return by_unit(user, "products.view")

    return entries


register("products.entity", entries=_rule(services.readable_entities))
register("products.product", entries=_rule(services.readable_products))
register("products.dossier", entries=_rule(services.readable_dossiers))
register(
    "products.importbatch",
    entries=lambda user: objects_in(ImportBatch.objects.filter(created_by=user)) if user.is_authenticated else NOTHING,
)
