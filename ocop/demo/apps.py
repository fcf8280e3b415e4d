from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`manage.py demo`) and the benchmarks' generated data: installed for development,
    tests and benchmarks, left out by the production profile (OCOP_PROFILE, ocop/settings.py). No models."""

    name = "ocop.demo"
    label = "demo"
