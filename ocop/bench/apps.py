from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "ocop.bench"
    label = "bench"
