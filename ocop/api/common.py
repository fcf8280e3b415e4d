"""Shared pieces of the API: safe input types, pagination, the parser, helpers."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any, Generic, TypeVar

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.parser import Parser
from pydantic import AfterValidator, StringConstraints

MAX_ID = 2**63 - 1
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_OFFSET = 10**9


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("Không được chứa ký tự NUL."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(_("Chuỗi ký tự không hợp lệ (không mã hóa được UTF-8).")) from exc
    return value


def Text(max_length: int = 200, min_length: int = 0):  # noqa: N802 - a type factory
    return Annotated[str, StringConstraints(max_length=max_length, min_length=min_length), AfterValidator(_clean_text)]


Code = Text(20)
Query200 = Text(200)


class StrictJSONParser(Parser):
    """JSON bodies only: NaN/Infinity refused, strings must be valid Unicode without NUL."""

    def parse_body(self, request) -> Any:
        def no_constants(name):
            raise ValueError(name)

        data = json.loads(request.body, parse_constant=no_constants)
        _check_strings(data)
        return data


def _check_strings(value, depth: int = 0) -> None:
    if depth > 20:
        raise ValueError("too deep")
    if isinstance(value, str):
        _clean_text(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not finite")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_strings(k, depth + 1)
            _check_strings(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _check_strings(v, depth + 1)


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
    rows = list(qs[params.offset: params.offset + params.limit])
    return {"count": count, "limit": params.limit, "offset": params.offset,
            "items": [convert(r) for r in rows] if convert else rows}
