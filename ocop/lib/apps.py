from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "ocop.lib"
    label = "ocoplib"
