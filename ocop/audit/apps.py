from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail: its entries (models.py) and `log_action` (services.py), below every app that
    records actions. Who may see the entries, and their pages at /audit/, live in the accounts app
    (ocop/accounts/audit_visibility.py, views_audit.py), which loads each app's audit_rules.py."""

    name = "ocop.audit"
    label = "audit"
    verbose_name = _("Nhật ký thao tác")
