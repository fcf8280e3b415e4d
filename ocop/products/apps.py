from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "ocop.products"
    label = "products"
    verbose_name = _("Chủ thể, sản phẩm và hồ sơ OCOP")
