from django.apps import AppConfig


class SigningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ocop.signing"
    verbose_name = "Chữ ký số"
