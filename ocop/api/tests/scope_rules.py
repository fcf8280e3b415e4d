"""Scope rules of the API's URLs, merged into URL_SPECS of ocop/front/tests/test_scope_walk.py (kind "api")
and walked with tokens, as every demo role, in and out of scope, by test_scope_walk_api.py.

name (in the "api:v1" namespace): (who may, the web URL whose in/out-of-scope objects it is walked with)
who may: "public" (anyone, no token), "token" (any valid token), "none" (nobody: /api/v1/ itself is a
404, the docs are at /api/v1/docs), a capability of ocop/accounts/permissions.py, or a callable."""

from __future__ import annotations

from ocop.front.tests.role_table import may  # the hand-written specification, not can() under test


def products_edit(user) -> bool:
    return may(user, "products.manage") or may(user, "products.manage_own")


API_RULES = {
    "api-root": ("none", None),
    "openapi-json": ("public", None),
    "openapi-view": ("public", None),
    "units_list": ("public", None),
    "units_detail": ("public", None),
    "catalogue_products": ("public", None),
    "catalogue_product": ("public", None),
    "catalogue_statistics": ("public", None),
    "me": ("token", None),
    "programme_status": ("programme.view", None),
    "report_requests": ("reporting.view", None),
    "report_request": ("reporting.view", "reporting:request_detail"),
    "report_template": ("reporting.view", None),
    "submissions_list": ("reporting.view", None),
    "submissions_open": ("reporting.submit", "reporting:submission_open"),
    "submission_detail": ("reporting.view", "reporting:submission"),
    "submission_save": ("reporting.submit", "reporting:submission_autosave"),
    "submission_submit": ("reporting.submit", "reporting:submission_autosave"),
    "entities_list": ("products.view", None),
    "entity_detail": ("products.view", "products:entity_detail"),
    "products_list": ("products.view", None),
    "product_detail": ("products.view", "products:product_detail"),
    "product_register": (products_edit, "products:product_new"),
    "rounds_list": ("evaluation.view", None),
    "round_detail": ("evaluation.view", "evaluation:round_detail"),
    "certificates_list": ("token", None),
    "certificate_detail": ("token", "evaluation:certificate_detail"),
    "indicators_list": ("public", None),
    # walked with a non-public indicator (report completeness); a public one answers anyone (test_indicators.py)
    "indicator_values": ("analytics.view", None),
}
