"""Clean the text already stored, as text coming in is cleaned now (ocop/lib/text.py).

Every text column of the project's apps (CharField, TextField and the strings inside JSONField
values) is normalised to NFC and loses control characters (newline and tab kept in TextField and
JSON values), surrogates and non-characters. Only rows that change are written, with a plain
UPDATE (no signals, no auto_now), so "last modified" dates keep their meaning. Used by the data
migration ops/0002 (with the historical models) and by `manage.py clean_stored_text`.
"""

from __future__ import annotations

from django.db import models

from ocop.lib.text import clean_text

PROJECT_APPS = (
    "accounts",
    "api",
    "audit",
    "catalogue",
    "documents",
    "evaluation",
    "geo",
    "notifications",
    "ops",
    "products",
    "programme",
    "reporting",
)
CHUNK = 2000


def _clean_json(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k, multiline=False) if isinstance(k, str) else k: _clean_json(v) for k, v in value.items()}
    return value


def _cleaner(field):
    if isinstance(field, models.JSONField):
        return _clean_json
    if isinstance(field, models.TextField):
        return lambda v: clean_text(v) if isinstance(v, str) else v
    if isinstance(field, models.CharField):
        return lambda v: clean_text(v, multiline=False) if isinstance(v, str) else v
    return None


def clean_stored_text(
    app_registry=None, *, using: str = "default", apps_labels=PROJECT_APPS, log=None
) -> dict[str, int]:
    """Clean every text column of `apps_labels`; returns {model label: rows changed} (changed ones only)."""
    if app_registry is None:
        from django.apps import apps as app_registry
    changed: dict[str, int] = {}
    for model in app_registry.get_models():
        meta = model._meta
        if meta.app_label not in apps_labels or meta.proxy or not meta.managed:
            continue
        cleaners = {f.attname: c for f in meta.concrete_fields if not f.primary_key and (c := _cleaner(f))}
        if not cleaners:
            continue
        names = list(cleaners)
        count = 0
        rows = model._base_manager.using(using).order_by("pk").values_list("pk", *names)
        for pk, *values in rows.iterator(chunk_size=CHUNK):
            update = {}
            for name, value in zip(names, values):
                cleaned = cleaners[name](value)
                if cleaned != value:
                    update[name] = cleaned
            if update:
                model._base_manager.using(using).filter(pk=pk).update(**update)
                count += 1
        if count:
            changed[meta.label] = count
            if log:
                log(f"{meta.label}: {count}")
    return changed
