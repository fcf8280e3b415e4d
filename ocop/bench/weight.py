"""Page weight (issue 17): what a browser transfers for each page, measured in headless Chromium
(Playwright driving Debian's chromium) through the real server (gunicorn, WhiteNoise serving the
collected, hashed and pre-compressed static files with their production cache headers).

For every page: a first visit in a fresh browser context (empty cache) and a repeat visit of the same
URL in the same context (warm cache, a normal navigation). Bytes are what went over the wire as
Chromium's network layer reports them (`Network.loadingFinished.encodedDataLength`: headers plus
compressed body, every request including XHR/fetch such as the map's GeoJSON), counted until the
page's `load` event and the network is idle. Also the number of requests and DOMContentLoaded.

Budgets: first visit 150 KB, repeat visit 30 KB (KB = 1000 bytes, the stricter reading); a result's
ratio is bytes / budget (≤ 1 meets it).

The pages are not a hand list: the main pages of each demo role are its navigation
(`ocop.front.navigation.items_for`) plus its user box (profile, notifications, API keys); the public
pages are the public navigation; the detail pages the issue names (completeness, submission form,
review page, consolidation, product page, round page) come from the database.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

FIRST_BUDGET = 150_000
REPEAT_BUDGET = 30_000

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Visit:
    bytes: int
    requests: int
    dom_content_loaded: float  # seconds after navigation start
    status: int


def public_pages() -> list[tuple[str, str]]:
    """(label, path) of the public pages: the public navigation of base.html, and a product page."""
    from django.urls import reverse

    pages = [
        ("public: login", reverse("accounts:login")),
        ("public: catalogue", reverse("catalogue:list")),
        ("public: catalogue search", reverse("catalogue:list") + "?q=m%E1%BA%ADt+ong"),
        ("public: catalogue map", reverse("catalogue:map")),
        ("public: statistics", reverse("catalogue:statistics")),
        ("public: open data", reverse("opendata:index")),
    ]
    product = _first_listed_product()
    if product is not None:
        pages.append(("public: product page", reverse("catalogue:product", args=[product])))
    return pages


def _first_listed_product() -> int | None:
    from ocop.catalogue.models import CatalogueEntry  # the catalogue's read model

    return CatalogueEntry.objects.filter(listed=True).order_by("-stars", "pk").values_list("pk", flat=True).first()


def role_pages(usernames: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(label, path, username): each demo role's main pages (its navigation and user box), then the
    detail pages the issue names, opened by the account that works on them."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from ocop.demo.accounts import DEMO_USERS
    from ocop.front.navigation import items_for
    from ocop.reporting.models import ReportRequest, Submission, SubmissionStatus

    names = usernames or [u[0] for u in DEMO_USERS]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    pages: list[tuple[str, str, str]] = []
    for name in names:
        user = users.get(name)
        if user is None:
            continue
        for item in items_for(user):
            pages.append((f"{name}: {item['url_name']}", item["url"], name))
        for url_name in ("accounts:profile", "notifications:list", "api:tokens"):
            pages.append((f"{name}: {url_name}", reverse(url_name), name))

    central = "tw.canbo" if "tw.canbo" in users else next(iter(users), None)
    req = (
        ReportRequest.objects.filter(owner_unit__isnull=True, recipient_level="province")
        .order_by("-cutoff", "-pk")
        .first()
    )
    if req is not None and central:
        pages.append(("completeness", reverse("reporting:request_detail", args=[req.pk]), central))
        pages.append(("consolidation", reverse("reporting:consolidation", args=[req.pk]), central))
        sent = Submission.objects.filter(request=req, status=SubmissionStatus.SUBMITTED).order_by("pk").first()
        if sent is not None:
            pages.append(("review page", reverse("reporting:submission", args=[sent.pk]), central))
    # the widest national request too (63 provinces before 01/7/2025: the 380 KB consolidation)
    from django.db.models import Count

    wide = (
        ReportRequest.objects.filter(owner_unit__isnull=True, recipient_level="province")
        .annotate(n=Count("recipients", distinct=True))
        .order_by("-n", "-cutoff", "-pk")
        .first()
    )
    if wide is not None and req is not None and wide.pk != req.pk and central:
        for part in ("", "?phan=so-lieu", "?phan=y-kien", "?phan=bao-cao"):
            pages.append(
                (
                    f"consolidation, {wide.n} provinces{' ' + part[6:] if part else ''}",
                    reverse("reporting:consolidation", args=[wide.pk]) + part,
                    central,
                )
            )
        pages.append(
            (f"completeness, {wide.n} provinces", reverse("reporting:request_detail", args=[wide.pk]), central)
        )
    if "tinh.thainguyen" in users:
        sub = (
            Submission.objects.filter(
                unit__code="19", unit__level="province", status__in=[SubmissionStatus.DRAFT, SubmissionStatus.RETURNED]
            )
            .order_by("-request__cutoff", "-pk")
            .first()
        )
        if sub is not None:
            pages.append(("submission form", reverse("reporting:submission", args=[sub.pk]), "tinh.thainguyen"))
    from ocop.evaluation.models_rounds import Round

    rnd = Round.objects.order_by("-pk").first()
    if rnd is not None and central:
        pages.append(("round page", reverse("evaluation:round_detail", args=[rnd.pk]), central))
    return pages


def _visit(page, cdp, url: str) -> Visit:
    counted = {"bytes": 0, "requests": 0}

    def finished(event):
        counted["bytes"] += int(event.get("encodedDataLength") or 0)

    def sent(_event):
        counted["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.requestWillBeSent", sent)
    try:
        response = page.goto(url, wait_until="load")
    except Exception:  # noqa: BLE001 - a page that does not load within the timeout: status 0 in its row
        response = None
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Exception:  # noqa: BLE001 - a page that keeps polling: count what came by then
        pass
    dcl = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n ? n.domContentLoadedEventEnd / 1000 : 0; }"
    )
    cdp.remove_listener("Network.loadingFinished", finished)
    cdp.remove_listener("Network.requestWillBeSent", sent)
    return Visit(counted["bytes"], counted["requests"], dcl, response.status if response else 0)


def measure(
    base: str, targets: list[tuple[str, str, str]], cookies: dict[str, str], browser=None
) -> list[tuple[str, str, Visit, Visit]]:
    """(label, path, first, repeat) for every target (label, path, username or ""), in `browser` (a
    Playwright browser already running, e.g. the test suite's) or in a Chromium started here."""
    if browser is not None:
        return _measure_in(browser, base, targets, cookies)
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as pw:
        own = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            return _measure_in(own, base, targets, cookies)
        finally:
            own.close()


def _measure_in(browser, base: str, targets: list[tuple[str, str, str]], cookies: dict[str, str]) -> list:
    out = []
    for label, path, user in targets:
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        if user:
            name, _, value = cookies[user].partition("=")
            context.add_cookies([{"name": name, "value": value, "url": base}])
        page = context.new_page()
        page.set_default_timeout(60_000)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        first = _visit(page, cdp, base + path)
        repeat = _visit(page, cdp, base + path)
        out.append((label, path, first, repeat))
        context.close()
    return out


def bench_weight(base: str | None = None, usernames: list[str] | None = None, browser=None) -> list:
    """`kind: "weight"` results: for every page a first-visit row (budget 150 KB) and a repeat-visit
    row (budget 30 KB); measured = bytes, baseline = budget, ratio = bytes / budget."""
    import contextlib
    import types

    from django.core.management import call_command

    from ocop.bench.harness import Result
    from ocop.bench.load import Server, session_cookie

    targets = [(label, path, "") for label, path in public_pages()] + role_pages(usernames)
    cookies = {user: session_cookie(user) for _l, _p, user in targets if user}
    if base is None:
        call_command("collectstatic", interactive=False, verbosity=0)
    results = []
    with contextlib.nullcontext(types.SimpleNamespace(base=base)) if base else Server() as server:
        for label, path, first, repeat in measure(server.base, targets, cookies, browser=browser):
            for which, visit, budget in (("first visit", first, FIRST_BUDGET), ("repeat visit", repeat, REPEAT_BUDGET)):
                results.append(
                    Result(
                        name=f"weight: {label} {path} — {which} ({visit.requests} requests, DOMContentLoaded "
                        f"{visit.dom_content_loaded * 1000:.0f} ms)",
                        measured=visit.bytes,
                        baseline=budget,
                        ratio=visit.bytes / budget,
                        unit="bytes",
                        runs=1,
                        statuses={visit.status: 1},
                        kind="weight",
                    )
                )
    return results
