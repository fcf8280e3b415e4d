from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "ocop.evaluation"
    label = "evaluation"
    verbose_name = _("Đánh giá, phân hạng sản phẩm")

    def ready(self) -> None:
        # the products app asks its self-assessment provider for criteria sets and totals; it never
        # imports this app (the dependency points downwards)
        from ocop.evaluation import hooks
        from ocop.products import criteria

        criteria.register_provider(hooks)
