from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "ocop.analytics"
    verbose_name = "Phân tích chỉ tiêu"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # the apps below analytics (the board, the national report) read their indicator figures
        # through this hook (issue 18: one source of numbers; docs/architecture.md)
        from ocop.analytics import figures
        from ocop.programme.figures import register_figure_source

        register_figure_source(figures)
