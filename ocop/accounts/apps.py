from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ocop.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self):
        from ocop.accounts import signals  # noqa: F401
        from ocop.accounts.audit_visibility import autodiscover
        from ocop.accounts.permissions import can
        from ocop.lib.decorators import set_capability_check

        # lib's require_capability asks the roles through this hook (lib sits below accounts)
        set_capability_check(can)
        # each app's audit_rules.py registers who may see its audited objects (audit_visibility.py)
        autodiscover()
