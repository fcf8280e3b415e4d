"""The site's URLs plus one view that fails, for the "no stack trace" test."""

from django.urls import path

from ocop.urls import handler400, handler403, handler404, handler500, urlpatterns as site_urlpatterns  # noqa: F401


def boom(request):
    raise ZeroDivisionError("secret-value-in-the-message")


urlpatterns = [*site_urlpatterns, path("boom/", boom)]
