"""Page weight measurement (ocop/bench/weight.py) in headless Chromium against the live test server:
the shape of its rows and that it counts what a browser transfers — no budget asserted here (the
test server serves static files without the production cache headers; `make bench` measures)."""

from __future__ import annotations

import gzip

import pytest
from django.core.management import call_command

from ocop.bench.weight import FIRST_BUDGET, REPEAT_BUDGET, bench_weight, public_pages, role_pages

pytestmark = pytest.mark.browser


def test_weight_rows_for_public_and_role_pages(site, browser):
    call_command("demo", quiet_accounts=True, verbosity=0)
    public = public_pages()
    assert {label for label, _p in public} >= {"public: catalogue", "public: catalogue map", "public: product page"}
    roles = role_pages(["tw.canbo"])
    paths = {p for _l, p, _u in roles}
    # derived from the navigation: tw.canbo's board and reports are main pages; detail pages added
    assert {"/programme/board/", "/reports/"} <= paths
    assert any(label == "completeness" for label, _p, _u in roles)

    results = bench_weight(base=site, usernames=["tw.canbo"], browser=browser)  # the suite's Chromium
    assert len(results) == 2 * (len(public) + len(roles))
    assert {r.kind for r in results} == {"weight"}
    for first, repeat in zip(results[::2], results[1::2]):
        assert "first visit" in first.name and "repeat visit" in repeat.name
        assert first.baseline == FIRST_BUDGET and repeat.baseline == REPEAT_BUDGET
        assert first.ratio == first.measured / FIRST_BUDGET
        assert first.statuses == {200: 1} and repeat.statuses == {200: 1}, first.name
        assert first.measured > 0 and repeat.measured > 0

    # the login page on the wire: at least its own HTML (gzip) and the stylesheet and scripts of base.html
    login = next(r for r in results if r.name.startswith("weight: public: login"))
    html = site_get_gzip(site + "/accounts/login/")
    assert login.measured > html


def site_get_gzip(url: str) -> int:
    """Compressed length of a page's HTML, fetched outside the browser."""
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})) as response:
        body = response.read()
        assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body)
    return len(body)
