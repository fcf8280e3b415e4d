"""Indicators and targets as data (ocop/analytics/data/*.json), read once per process and checked.

A definition names an indicator; its computation lives in `measures.py` under the same code (a test
proves that each code has exactly one computation)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parent / "data"
AGGREGATIONS = {"sum", "ratio", "stock"}
SOURCES = {"registry", "reports", "evaluation", "catalogue"}

# the dimensions an indicator may declare, with their Vietnamese labels
DIMENSIONS: dict[str, str] = {
    "star": _("Hạng sao"),
    "group": _("Nhóm sản phẩm"),
    "entity_kind": _("Loại hình chủ thể"),
    "council_level": _("Cấp hội đồng"),
    "recipient_level": _("Cấp đơn vị báo cáo"),
    "funding_source": _("Nguồn kinh phí"),
    "activity_kind": _("Loại hoạt động"),
    "document_kind": _("Loại văn bản"),
    "issuer_kind": _("Cơ quan ban hành"),
}


class DefinitionError(ValueError):
    pass


@dataclass(frozen=True)
class Indicator:
    code: str
    version: int
    name_vi: str
    name_en: str
    description_vi: str
    unit_vi: str
    source: str
    aggregation: str
    dimensions: tuple[str, ...]
    citation: str
    public: bool = False  # computed from public facts only (certified products): open to anyone on the API

    @property
    def is_ratio(self) -> bool:
        return self.aggregation == "ratio"


@dataclass(frozen=True)
class Target:
    code: str
    indicator: str
    scope: str
    year: int
    value: float | None
    comparison: str
    label_vi: str
    instrument: str
    source: str
    confirmed: bool
    gap: str = ""
    value_min: float | None = None
    filter: dict = field(default_factory=dict)


def _require(row: dict, keys: list[str], where: str) -> None:
    missing = [k for k in keys if k not in row]
    if missing:
        raise DefinitionError(f"{where}: thiếu trường {', '.join(missing)}")


def parse_indicators(payload: dict) -> dict[str, Indicator]:
    result: dict[str, Indicator] = {}
    for i, row in enumerate(payload.get("indicators") or []):
        where = f"indicators.json, chỉ tiêu thứ {i + 1}"
        _require(
            row,
            [
                "code",
                "version",
                "name_vi",
                "name_en",
                "description_vi",
                "unit_vi",
                "source",
                "aggregation",
                "dimensions",
                "citation",
            ],
            where,
        )
        if row["code"] in result:
            raise DefinitionError(f"{where}: mã {row['code']} trùng")
        if row["aggregation"] not in AGGREGATIONS:
            raise DefinitionError(f"{where}: cách cộng dồn “{row['aggregation']}” không hợp lệ")
        if row["source"] not in SOURCES:
            raise DefinitionError(f"{where}: nguồn “{row['source']}” không hợp lệ")
        unknown = [d for d in row["dimensions"] if d not in DIMENSIONS]
        if unknown:
            raise DefinitionError(f"{where}: chiều không hợp lệ {', '.join(unknown)}")
        result[row["code"]] = Indicator(
            code=row["code"],
            version=int(row["version"]),
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            description_vi=row["description_vi"],
            unit_vi=row["unit_vi"],
            source=row["source"],
            aggregation=row["aggregation"],
            dimensions=tuple(row["dimensions"]),
            citation=row["citation"],
            public=bool(row.get("public", False)),
        )
    return result


def parse_targets(payload: dict, indicators: dict[str, Indicator]) -> list[Target]:
    result = []
    for i, row in enumerate(payload.get("targets") or []):
        where = f"targets.json, mục tiêu thứ {i + 1}"
        _require(
            row, ["code", "indicator", "scope", "year", "value", "label_vi", "instrument", "source", "confirmed"], where
        )
        if row["indicator"] not in indicators:
            raise DefinitionError(f"{where}: chỉ tiêu {row['indicator']} không có trong indicators.json")
        if row["value"] is not None and not row.get("source"):
            raise DefinitionError(f"{where}: mục tiêu có giá trị phải có nguồn")
        if not row["confirmed"] and not row.get("gap", "").startswith("[?]"):
            raise DefinitionError(f"{where}: mục tiêu chưa đối chiếu phải ghi [?] ở trường gap")
        result.append(
            Target(
                code=row["code"],
                indicator=row["indicator"],
                scope=row["scope"],
                year=int(row["year"]),
                value=row["value"],
                comparison=row.get("comparison", "at_least"),
                label_vi=row["label_vi"],
                instrument=row["instrument"],
                source=row["source"],
                confirmed=bool(row["confirmed"]),
                gap=row.get("gap", ""),
                value_min=row.get("value_min"),
                filter=row.get("filter") or {},
            )
        )
    return result


@lru_cache(maxsize=1)
def indicators() -> dict[str, Indicator]:
    return parse_indicators(json.loads((DATA / "indicators.json").read_text("utf-8")))


@lru_cache(maxsize=1)
def targets() -> list[Target]:
    return parse_targets(json.loads((DATA / "targets.json").read_text("utf-8")), indicators())


def get_indicator(code: str) -> Indicator:
    try:
        return indicators()[code]
    except KeyError:
        raise DefinitionError(f"Không có chỉ tiêu mã “{code[:40]}”.") from None


def targets_for(code: str, scope: str = "national") -> list[Target]:
    return [t for t in targets() if t.indicator == code and t.scope == scope]
