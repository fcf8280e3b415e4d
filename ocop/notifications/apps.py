from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class NotificationsConfig(AppConfig):
    name = "ocop.notifications"
    label = "notifications"
    verbose_name = pgettext_lazy("notifications", "Thông báo")
