"""One way to show a service's ValidationError (issue 16): on a Django form (`apply_validation_error`:
each field's errors under that field, renamed through `field_map` when the form calls it otherwise,
e.g. unit → commune_code; the rest, and errors without a field, at the top of the form), or as one
sentence for a message, a command's error or a log line (`error_text`)."""

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


def error_text(exc: ValidationError) -> str:
    """The messages of a ValidationError as one text (for `messages.error`, CommandError, logs)."""
    return " ".join(str(m) for m in exc.messages)
