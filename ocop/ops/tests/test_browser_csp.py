"""Browser test: the content security policy (no inline script, no eval, no <style> element) breaks
no page. Every role signs in and opens each page of its navigation, plus the pages with charts and
maps (status board, province map, a request's completeness map, the national consolidation with
its charts, hovering a chart for its tooltip); Chromium must report no CSP violation, no
JavaScript error, and the charts must draw."""

from __future__ import annotations

import datetime as dt

import pytest

from ocop.conftest import log_in

pytestmark = pytest.mark.browser

ROLES = [
    "tw.quantri",
    "tw.canbo",
    "tinh.thainguyen",
    "tinh.hatinh",
    "huyen.babe",
    "xa.ducxuan",
    "hoidong.thainguyen",
    "chuthe.demo",
]
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def seed_request():
    """The 2018 request with Hà Tĩnh's report accepted: a completeness map and a consolidation with charts."""
    from ocop.accounts.models import User
    from ocop.geo.models import AdminUnit, Era, Level
    from ocop.reporting.loader import load_templates
    from ocop.reporting.models import ReportTemplate
    from ocop.reporting.services import requests as rq
    from ocop.reporting.services import submissions as sv
    from ocop.reporting.tests.conftest import complete

    load_templates()
    central, hatinh = User.objects.get(username="tw.canbo"), User.objects.get(username="tinh.hatinh")
    req = rq.do_create_request(
        central,
        title="Báo cáo 2018",
        kind="adhoc",
        cutoff=dt.date(2018, 12, 31),
        deadline=dt.date(2019, 1, 10),
        template=ReportTemplate.objects.get(code="ocop-cv9654-2018", version=1),
    )
    rq.do_open_request(central, req)
    sub = sv.do_open_submission(hatinh, req, AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="42"))
    sv.do_save_draft(hatinh, sub, complete(sub))
    sv.do_accept(central, sv.do_submit(hatinh, sub))
    return req


def watch(page):
    problems: list[str] = []
    # some pages (the province map with its shapes) are heavy on a busy CI machine: this test is about
    # the policy, not speed (make bench measures the pages)
    page.set_default_navigation_timeout(60000)
    page.add_init_script(WATCH_CSP)
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" or "Content Security Policy" in m.text or "Permissions-Policy" in m.text
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


def visit(page, url, problems, *, chart=None):
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    page.wait_for_load_state("load")
    if chart:
        page.locator(chart).first.wait_for()
        box = page.locator(chart).first.bounding_box()
        # an ECharts chart, or an SVG drawn on the server (issue 17)
        page.wait_for_function(
            "(sel) => { const el = document.querySelector(sel); "
            "return el.querySelector('svg') || (window.echarts && echarts.getInstanceByDom(el)); }",
            arg=chart,
        )
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the tooltip (HTML with styles)
        page.wait_for_timeout(300)
    problems.extend(f"{url}: {v}" for v in page.evaluate("window.__cspViolations || []"))


@pytest.mark.parametrize("username", ROLES)
def test_no_page_breaks_the_content_security_policy(page, site, username):
    req = seed_request() if username in ("tw.canbo", "tinh.hatinh") else None
    problems = watch(page)
    log_in(page, site, username)
    links = page.eval_on_selector_all(".mainnav a", "els => els.map(e => e.getAttribute('href'))")
    assert links, "no navigation"
    for href in ["/", *links, "/accounts/profile/", "/notifications/"]:
        visit(page, site + href, problems)
    if username == "tw.canbo":
        visit(page, f"{site}/programme/board/", problems, chart="#board-map")
        visit(page, f"{site}/units/map/", problems, chart="#province-map")
        visit(page, f"{site}/reports/requests/{req.pk}/", problems, chart="#completeness-map")
        visit(page, f"{site}/reports/requests/{req.pk}/consolidation/", problems, chart='[data-testid="chart-unit"]')
    if username == "tinh.hatinh":
        visit(page, f"{site}/reports/requests/{req.pk}/", problems)
    assert not problems, "\n".join(problems)


def test_no_public_page_breaks_the_content_security_policy(page, site):
    """Every public page without parameters (sign-in, catalogue, open data, API documentation…),
    as an anonymous visitor."""
    from django.urls import NoReverseMatch, reverse

    from ocop.front.tests.test_scope_walk import URL_SPECS

    problems = watch(page)
    visited = 0
    for name, (kind, _cap, kwargs) in URL_SPECS.items():
        if kind != "public" or kwargs is not None or name in ("set_language", "accounts:logout", "healthz"):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        response = page.goto(site + url)
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)
        problems.extend(f"{url}: {v}" for v in page.evaluate("window.__cspViolations || []"))
        visited += 1
    assert visited >= 3
    assert not problems, "\n".join(problems)
