"""Shared pieces of the API: safe input types, pagination, the parser, helpers."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any, Generic, TypeVar

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.parser import Parser
from pydantic import AfterValidator, StringConstraints

from ocop.api.errors import invalid
from ocop.lib.text import clean_text

MAX_ID = 2**63 - 1
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_OFFSET = 10**9


def _checked(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("Không được chứa ký tự NUL."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(_("Chuỗi ký tự không hợp lệ (không mã hóa được UTF-8).")) from exc
    return value


def _clean_line(value: str) -> str:
    return clean_text(_checked(value), multiline=False)


def _clean_lines(value: str) -> str:
    return clean_text(_checked(value), multiline=True)


def Text(max_length: int = 200, min_length: int = 0, multiline: bool | None = None):  # noqa: N802 - a type factory
    """A string cleaned as every text from outside (ocop/lib/text.py): NFC, no control characters
    or non-characters; newline and tab kept only in multi-line text (by default, longer than 300)."""
    lines = max_length > 300 if multiline is None else multiline
    return Annotated[
        str,
        StringConstraints(max_length=max_length, min_length=min_length),
        AfterValidator(_clean_lines if lines else _clean_line),
    ]


Code = Text(20)
Query200 = Text(200)


class StrictJSONParser(Parser):
    """JSON bodies only: NaN/Infinity refused, strings must be valid Unicode without NUL."""

    def parse_body(self, request) -> Any:
        def no_constants(name):
            raise ValueError(name)

        data = json.loads(request.body, parse_constant=no_constants)
        return _check_strings(data)


def _check_strings(value, depth: int = 0):
    """The body with every string checked and cleaned (newline and tab kept; keys on one line)."""
    if depth > 20:
        raise ValueError("too deep")
    if isinstance(value, str):
        return _clean_lines(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not finite")
    if isinstance(value, dict):
        return {_clean_line(k): _check_strings(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_check_strings(v, depth + 1) for v in value]
    return value


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Số dòng mỗi trang (1–200, mặc định 50).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Bỏ qua bao nhiêu dòng đầu (mặc định 0).")


T = TypeVar("T")


class Page(Schema, Generic[T]):
    count: int = Field(description="Tổng số dòng khớp bộ lọc.")
    limit: int
    offset: int
    items: list[T]


def paginate(qs, params: PageParams, convert=None) -> dict:
    """{count, limit, offset, items} of a queryset or list; `convert` turns each row into its output."""
    count = qs.count() if hasattr(qs, "count") and not isinstance(qs, list) else len(qs)
    rows = list(qs[params.offset : params.offset + params.limit])
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "items": [convert(r) for r in rows] if convert else rows,
    }


def filtered(filterset_class, qs, params: Schema):
    """`qs` narrowed by the list's FilterSet (the one the web list uses, ocop/lib/filters.py) with
    the query parameters the endpoint's schema validated (pagination left out)."""
    data = {k: v for k, v in params.dict(exclude={"limit", "offset"}).items() if v is not None}
    filterset = filterset_class(data, queryset=qs)
    if not filterset.is_valid():  # the schema let through what the filters refuse: a 422, never a silent no-op
        errors = [
            {"field": name, "message": message} for name, messages in filterset.errors.items() for message in messages
        ]
        raise invalid(errors[0]["message"], errors)
    return filterset.qs
