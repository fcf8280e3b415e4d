import logging

from django.conf import settings


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers to every response
    (settings CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY; see docs/security.md). Django's
    SecurityMiddleware adds HSTS, nosniff, Referrer-Policy and COOP; XFrameOptionsMiddleware adds
    X-Frame-Options. Pages the user is signed in to are not stored by shared caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", getattr(settings, "PERMISSIONS_POLICY", "camera=(), microphone=()")
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-store"
        return response


class LanguageCookieMiddleware:
    """Vietnamese unless the user chose English with the language switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so a civil
    servant whose browser is set to English would get an English UI they never asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class QuietForbiddenFilter(logging.Filter):
    """A refused request (403: no right, CSRF failure) is an expected answer, not a fault: its log line
    keeps the path and status but drops the traceback Django attaches (settings.LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True


# the largest integer the databases store (SQLite INTEGER, PostgreSQL bigint)
MAX_DB_INTEGER = 2**63 - 1


class OutOfRangeIdMiddleware:
    """An id in the URL beyond what the database can store (/san-pham-ocop/99999999999999999999/)
    names nothing: 404, instead of the OverflowError the database driver raises (a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.http import Http404

        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not -MAX_DB_INTEGER <= value <= MAX_DB_INTEGER:
                raise Http404
        return None
