"""One way to show a service's ValidationError on a Django form (issue 16): each field's errors
under that field (renamed through `field_map` when the form calls it otherwise, e.g. unit →
commune_code), the rest — and errors without a field — at the top of the form."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def apply_validation_error(form, exc: ValidationError, field_map: dict[str, str] | None = None) -> None:
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            name = field_map.get(field, field)
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, exc)
