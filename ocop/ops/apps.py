from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: backups and restores, task-worker heartbeats and recovery (see docs/deploy.md)."""

    name = "ocop.ops"
    label = "ops"
    verbose_name = _("Vận hành")
    default_auto_field = "django.db.models.BigAutoField"
