"""The programme status board: one row per province valid on a date.

Before 01/7/2025 the 63 legacy provinces stand for themselves; from then on every legacy
province's records roll up into its current province through the crosswalk, and the row says
which legacy provinces it includes. Five queries whatever the number of records. The period counts
(documents, activities, funding) are the indicators `directive_documents`, `activities` and `funding`,
read from the indicator service through ocop/programme/figures.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from operator import itemgetter

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from ocop.geo import services as geo
from ocop.geo.models import AdminUnit
from ocop.lib.cachekeys import data_digest, table_versions
from ocop.lib.prepared import Prepared
from ocop.programme import figures
from ocop.programme.models import (
    PLAN_STATUS_RANK,
    Activity,
    CycleMilestone,
    DirectiveDocument,
    Funding,
    MilestoneKind,
    PlanStatus,
    ProvincialPlan,
)

STATUS_NONE = "none"
STATUS_LABELS = {STATUS_NONE: _("Chưa có"), **dict(PlanStatus.choices)}
# map colours: value per status for the map component
STATUS_VALUE = {STATUS_NONE: 0, PlanStatus.DRAFTING: 1, PlanStatus.SUBMITTED: 2, PlanStatus.APPROVED: 3}
STATUS_COLOURS = {
    STATUS_NONE: "#d9d9d9",
    PlanStatus.DRAFTING: "#f2c14e",
    PlanStatus.SUBMITTED: "#7fb3d5",
    PlanStatus.APPROVED: "#1e8449",
}

CSV_HEADER = [
    "province_code",
    "province_name",
    "plan_status",
    "plan_kind",
    "plan_decision_number",
    "plan_decision_date",
    "phase",
    "cycle_started",
    "criteria_issued",
    "evaluation_held",
    "products_ranked",
    "documents",
    "activities",
    "funding_vnd",
    "includes_legacy",
]


# the .xlsx export, for people: Vietnamese headers and values, real dates (the CSV keeps the codes above)
EXPORT_HEADER = [
    _("Mã tỉnh"),
    _("Tỉnh, thành phố"),
    _("Tình trạng đề án, kế hoạch"),
    _("Loại văn bản"),
    _("Số quyết định phê duyệt"),
    _("Ngày phê duyệt"),
    _("Giai đoạn"),
    _("Khởi động chu trình"),
    _("Ban hành bộ tiêu chí"),
    _("Tổ chức đánh giá"),
    _("Công nhận sản phẩm"),
    _("Số văn bản chỉ đạo"),
    _("Số hoạt động"),
    _("Kinh phí (đồng)"),
    _("Gồm các tỉnh trước 01/7/2025"),
]


@dataclass
class BoardRow:
    province: AdminUnit
    plan_status: str = STATUS_NONE
    plan: ProvincialPlan | None = None
    milestones: dict[str, dt.date] = field(default_factory=dict)
    documents: int = 0
    activities: int = 0
    funding: int = 0
    includes: list[AdminUnit] = field(default_factory=list)  # legacy provinces rolled into this row

    @property
    def plan_status_label(self) -> str:
        return str(STATUS_LABELS[self.plan_status])

    @property
    def status_value(self) -> int:
        return STATUS_VALUE[self.plan_status]

    @property
    def criteria_issued(self) -> dt.date | None:
        dates = [self.milestones.get(k) for k in (MilestoneKind.CRITERIA_PROVISIONAL, MilestoneKind.CRITERIA_OFFICIAL)]
        dates = [d for d in dates if d]
        return min(dates) if dates else None

    @property
    def rolled_up(self) -> bool:
        return any(p.pk != self.province.pk for p in self.includes)

    def export_row(self) -> list:
        from ocop.lib.spreadsheet import Money, Text

        has_plan = self.plan is not None and self.plan_status != STATUS_NONE
        approved = self.plan is not None and self.plan_status == PlanStatus.APPROVED
        return [
            Text(self.province.code),
            self.province.name,
            self.plan_status_label,
            self.plan.get_kind_display() if has_plan else "",
            Text(self.plan.decision_number) if approved and self.plan.decision_number else "",
            self.plan.decision_date if approved else None,
            self.plan.phase if has_plan else "",
            self.milestones.get(MilestoneKind.CYCLE_STARTED),
            self.criteria_issued,
            self.milestones.get(MilestoneKind.EVALUATION_HELD),
            self.milestones.get(MilestoneKind.PRODUCTS_RANKED),
            self.documents,
            self.activities,
            Money(self.funding or 0),
            ", ".join(p.name for p in self.includes if p.pk != self.province.pk),
        ]

    def csv_row(self) -> list:
        def d(value):
            return value.isoformat() if value else ""

        return [
            self.province.code,
            self.province.name,
            self.plan_status,
            self.plan.kind if self.plan and self.plan_status != STATUS_NONE else "",
            self.plan.decision_number if self.plan and self.plan_status == PlanStatus.APPROVED else "",
            d(self.plan.decision_date) if self.plan and self.plan_status == PlanStatus.APPROVED else "",
            self.plan.phase if self.plan and self.plan_status != STATUS_NONE else "",
            d(self.milestones.get(MilestoneKind.CYCLE_STARTED)),
            d(self.criteria_issued),
            d(self.milestones.get(MilestoneKind.EVALUATION_HELD)),
            d(self.milestones.get(MilestoneKind.PRODUCTS_RANKED)),
            self.documents,
            self.activities,
            self.funding,
            ";".join(p.code for p in self.includes if p.pk != self.province.pk),
        ]


def default_period(day: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(day.year, 1, 1), day


# the plan's columns the board, its exports and the API read, in the model's order (as Model.from_db
# expects them); `_plan_dates` picks the status fields out of a row of them
PLAN_COLUMNS = tuple(
    f.attname
    for f in ProvincialPlan._meta.concrete_fields
    if f.attname
    in {
        "id",
        "unit_id",
        "kind",
        "title",
        "phase",
        "decision_number",
        "status",
        "drafting_since",
        "submitted_on",
        "decision_date",
    }
)
_plan_dates = itemgetter(
    *(PLAN_COLUMNS.index(n) for n in ("id", "status", "drafting_since", "submitted_on", "decision_date"))
)

# the board's two queries of its own, compiled once per process (lib/prepared.py: the board is built
# for every day asked, and building the SQL cost as much as running it, issue 17)
_PLANS = Prepared(
    lambda day: (
        ProvincialPlan.objects.alive().filter(drafting_since__lte=day).values_list("unit__province_id", *PLAN_COLUMNS)
    ),
    dates=("day",),
)
_MILESTONES = Prepared(
    lambda day: (
        CycleMilestone.objects.alive()
        .filter(date__lte=day)
        .values("unit__province_id", "kind")
        .annotate(first=Min("date"))
        .values_list("unit__province_id", "kind", "first")
    ),
    dates=("day",),
)


def build_board(day: dt.date, period: tuple[dt.date, dt.date] | None = None) -> list[BoardRow]:
    start, end = period or default_period(day)
    provinces = geo.provinces_by_pk()  # reference data, cached per process (read-only objects)
    rollup = geo.province_rollup(day, provinces)  # any province id -> province shown on `day`
    era = geo.era_on(day)
    rows = {
        p.pk: BoardRow(province=geo.unit_on(p, day))  # named as on `day` (Tỉnh Thừa Thiên Huế in 2018)
        for p in sorted(provinces.values(), key=lambda p: p.code)
        if p.era == era
    }
    for source_id, target in rollup.items():
        if target.pk in rows:
            rows[target.pk].includes.append(provinces[source_id])
    for row in rows.values():
        row.includes.sort(key=lambda p: (p.era, p.code))

    def target_row(province_id):
        target = rollup.get(province_id)
        return rows.get(target.pk) if target else None

    # plans: the most advanced status on `day`; ties go to the latest decision. One query of plain
    # tuples; the winners become plan objects with the columns the board, its exports and the API
    # show (`Model.from_db`, as Django builds them; any other column is read on first use).
    best: dict[int, tuple] = {}
    for province_id, *values in _PLANS.list(day=day):
        pk, status, drafting, submitted, decided = _plan_dates(values)
        row = target_row(province_id)
        on_day = ProvincialPlan.status_from(status, drafting, submitted, decided, day)
        if row is None or on_day is None:
            continue
        rank = (PLAN_STATUS_RANK[on_day], decided or submitted or drafting, pk)
        if row.province.pk not in best or rank > best[row.province.pk][0]:
            best[row.province.pk] = (rank, values, on_day)
    for province_pk, (_rank, values, on_day) in best.items():
        rows[province_pk].plan = ProvincialPlan.from_db(_PLANS.db, PLAN_COLUMNS, values)
        rows[province_pk].plan_status = on_day

    # milestones reached by `day`: the earliest date of each kind
    for unit_province, kind, date in _MILESTONES.list(day=day):
        row = target_row(unit_province)
        if row is not None and (kind not in row.milestones or date < row.milestones[kind]):
            row.milestones[kind] = date

    # the period counts come from the indicator service (issue 18: one source of numbers), per province
    # id of the record's unit, rolled up here as on `day`
    for attr, code in (("documents", "directive_documents"), ("activities", "activities"), ("funding", "funding")):
        for province_id, value in figures.by_province(code, start, end).items():
            row = target_row(province_id)
            if row is not None:
                setattr(row, attr, getattr(row, attr) + value)
    return list(rows.values())


def data_version() -> str:
    """Changes whenever a record the board reads is added, changed or (soft-)deleted: the number of
    rows and the latest `updated_at` of each registry it reads, in one query answered from indexes
    (`updated_at` is indexed on the large registries): a full-table aggregate took 8 ms on 26,000
    activities (issue 17)."""
    return data_digest(table_versions(ProvincialPlan, CycleMilestone, DirectiveDocument, Activity, Funding))
