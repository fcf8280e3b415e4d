from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def ping(request: HttpRequest) -> HttpResponse:
    """A trivial page: the site's layout (navigation, banner, the signed-in user) with no content of
    its own. `make bench` compares the busiest pages with it under the same load."""
    return render(request, "bench/ping.html")
