from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "ocop.audit"
    label = "audit"
    verbose_name = _("Nhật ký thao tác")

    def ready(self) -> None:
        # each app's audit_rules.py registers who may see its audited objects (ocop/audit/visibility.py)
        from ocop.audit.visibility import autodiscover

        autodiscover()
