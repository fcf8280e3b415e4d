from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "ocop.analytics"
    verbose_name = "Phân tích chỉ tiêu"
    default_auto_field = "django.db.models.BigAutoField"
