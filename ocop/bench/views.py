import os

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# the header naming the server process that answered (ocop.bench.load.open_connections balances the
# benchmark's connections between gunicorn's workers with it)
WORKER_HEADER = "X-Bench-Worker"


def ping(request: HttpRequest) -> HttpResponse:
    """A trivial page: the site's layout (navigation, banner, the signed-in user) with no content of
    its own. `make bench` compares the busiest pages with it under the same load. Routed only when
    OCOP_BENCH_PAGES is set (never in production)."""
    response = render(request, "bench/ping.html")
    response[WORKER_HEADER] = str(os.getpid())
    return response
