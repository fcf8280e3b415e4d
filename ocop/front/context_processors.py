from django.conf import settings

from ocop.front.navigation import menu_for


def shell(request):
    user = getattr(request, "user", None)
    return {
        "site_name": settings.SITE_NAME,
        "nav_items": menu_for(user, request.path) if user is not None else [],
        "demo_banner": settings.OCOP_DEMO_BANNER and _has_demo_data(),
    }


def _has_demo_data() -> bool:
    from ocop.front.models import demo_present

    return demo_present()
