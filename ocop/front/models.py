from django.core.cache import cache


def demo_present() -> bool:
    """True when `manage.py demo` has put demo content in this database (cached for a minute)."""
    value = cache.get("ocop:demo_present")
    if value is None:
        from ocop.accounts.models import User

        value = User.objects.filter(is_demo=True).exists()
        cache.set("ocop:demo_present", value, 60)
    return value
