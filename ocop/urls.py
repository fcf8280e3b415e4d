from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from ocop.documents import urls as document_urls
from ocop.front import views as front
from ocop.reporting import urls_letters as report_letter_urls

urlpatterns = [
    path("", front.home, name="home"),
    path("healthz/", front.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("ocop.accounts.urls")),
    path("units/", include("ocop.geo.urls")),
    path("audit/", include("ocop.accounts.urls_audit")),
    path("programme/", include("ocop.programme.urls")),
    path("products/", include("ocop.products.urls")),
    path("reports/", include("ocop.reporting.urls")),
    # the register, and the letters of a report request drafted by the reporting app (same namespace)
    path("documents/", include((document_urls.urlpatterns + report_letter_urls.urlpatterns, document_urls.app_name))),
    path("evaluation/", include("ocop.evaluation.urls")),
    path("notifications/", include("ocop.notifications.urls")),
    path("analytics/", include("ocop.analytics.urls")),
    path("api/", include("ocop.api.urls")),
    path("san-pham-ocop/", include("ocop.catalogue.urls")),
    path("open-data/", include("ocop.catalogue.urls_opendata")),
    path("", include("ocop.signing.urls")),  # /xac-minh-van-ban/ (public) and /documents/<pk>/signed.pdf
]

handler400 = "ocop.front.views.error_400"
handler403 = "ocop.front.views.error_403"
handler404 = "ocop.front.views.error_404"
handler500 = "ocop.front.views.error_500"
# the benchmarks' trivial page: development and benchmark runs only (settings.OCOP_BENCH_PAGES)
if settings.OCOP_BENCH_PAGES:
    urlpatterns.append(path("bench/", include("ocop.bench.urls")))
