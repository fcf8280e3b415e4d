from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _fill_empty_catalogue(sender, using="default", **kwargs):
    """After `migrate`: build the catalogue's read model once if it is empty while certificates
    exist (first deployment of this app, or a database restored without the table's rows)."""
    from django.db import connections

    from ocop.catalogue.models import CatalogueEntry
    from ocop.catalogue.services import rebuild_catalogue
    from ocop.evaluation.models_rounds import Certificate

    tables = connections[using].introspection.table_names()
    if CatalogueEntry._meta.db_table not in tables or Certificate._meta.db_table not in tables:
        return  # migrated backwards
    if not CatalogueEntry.objects.using(using).exists() and Certificate.objects.using(using).exists():
        rebuild_catalogue()


class CatalogueConfig(AppConfig):
    name = "ocop.catalogue"
    label = "catalogue"
    verbose_name = _("Danh mục sản phẩm OCOP công khai và dữ liệu mở")

    def ready(self):
        from ocop.catalogue import signals  # noqa: F401

        post_migrate.connect(_fill_empty_catalogue, sender=self, dispatch_uid="ocop.catalogue.fill_empty")
