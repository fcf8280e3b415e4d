from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "ocop.front"
    label = "front"
