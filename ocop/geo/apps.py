from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "ocop.geo"
    label = "geo"
    verbose_name = _("Đơn vị hành chính")

    def ready(self):
        from django.db.backends.signals import connection_created

        from ocop.lib.collation import register_sqlite

        # names sort in Vietnamese order in the database too (ORDER BY ... COLLATE "vi")
        connection_created.connect(register_sqlite, dispatch_uid="ocop.lib.collation.register_sqlite")
