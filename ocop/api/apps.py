from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "ocop.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        from ocop.accounts.signals import password_changed
        from ocop.api.services.tokens import revoke_tokens_on_password_change

        password_changed.connect(revoke_tokens_on_password_change, dispatch_uid="ocop.api.revoke_tokens")
