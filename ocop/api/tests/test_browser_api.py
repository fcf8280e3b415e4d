"""Browser test: a signed-in officer creates an API token from the user menu, sees it once, uses it in
the browsable API docs (Swagger UI served from the app's own static files: every request the page makes
stays on this server, nothing from a CDN), then revokes it."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from ocop.conftest import log_in

pytestmark = pytest.mark.browser


def test_token_page_and_offline_docs(page, site):
    origin = urlparse(site).netloc
    outside: list[str] = []

    def only_this_server(route):
        url = route.request.url
        if urlparse(url).netloc == origin or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", only_this_server)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    log_in(page, site, "tinh.thainguyen")
    page.get_by_test_id("api-tokens").click()
    page.wait_for_load_state()
    assert page.url.endswith("/api/tokens/")
    page.get_by_label("Tên khóa").fill("Phần mềm của Sở")
    page.get_by_test_id("token-create").click()
    page.wait_for_load_state()
    token = page.get_by_test_id("token-value").inner_text().strip()
    assert token.startswith("ocop_")

    page.get_by_test_id("api-docs-link").click()
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".opblock", timeout=20000)
    assert page.locator(".opblock").count() >= 20
    assert "OCOP API" in page.content()
    # authorise with the token, then try GET /me from the docs page
    page.locator("button.authorize").first.click()
    page.locator(".modal-ux input").first.fill(token)
    page.locator(".modal-ux button.authorize").first.click()
    page.locator(".modal-ux button.close-modal").first.click()
    me = page.locator(".opblock").filter(has=page.locator('[data-path="/api/v1/me"]'))
    me.locator(".opblock-summary").click()
    me.locator("button.try-out__btn").click()
    me.locator("button.execute").click()
    status = me.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=15000)
    assert "200" in status.inner_text()
    assert "tinh.thainguyen" in me.locator(".live-responses-table").inner_text()
    assert not outside, f"the docs page tried to reach other servers: {outside}"

    page.goto(f"{site}/api/tokens/")
    page.locator("[data-testid^='token-revoke-']").first.click()
    page.wait_for_load_state()
    assert "Đã thu hồi" in page.content()
