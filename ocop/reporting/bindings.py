"""Template fields bound to the programme registries, so that a report comes pre-filled.

A field names a binding by key ("binding": "programme.funding_total"); BINDINGS says what each key
means (a Vietnamese description shown next to the field), which field types it can fill and how to
compute it for a unit and a period. compute_bindings() returns the values in the stored JSON format
of ocop.reporting.schema (integer/money as int, date as ISO string, choice as option value, table as
a list of {column: value} rows keeping only the template's columns).

Which records count:

- a current (2025) province: its own records and those of the legacy provinces it absorbed
  (ocop.geo.services.predecessors), including their districts' records;
- a legacy province: its own and its districts' records;
- a district: its own records and those of its communes; a commune: its own;
- alive records only, dated within [start, end] (start None = from the beginning); funding by the
  date it was recorded (`Funding.date`), so that a record counts in exactly one annual report: with
  the NĐ 09 cut-off a record of 14/12/2025 is in the 2025 report, one of 15/12/2025 in the 2026
  report; plan status and district organisation as of `end`;
- products evaluated by the provincial council and products recognised (≥ 3 stars): from the
  evaluation module (rounds held, certificates issued in the period) when it holds a round or a
  certificate of the unit dated in the period; otherwise from the milestones registry (the years
  before the evaluation module was used). `compute_bindings(..., sources=)` says which one each
  pre-filled value came from, and the form shows that note under the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ocop.evaluation.models import CouncilLevel
from ocop.evaluation.models_rounds import Certificate, RoundProduct
from ocop.geo import services as geo
from ocop.geo.models import AdminUnit, Era, Level
from ocop.lib.dates import format_date
from ocop.programme.models import (
    PLAN_STATUS_RANK,
    Activity,
    ActivityKind,
    CycleMilestone,
    DirectiveDocument,
    DocumentKind,
    Funding,
    FundingSource,
    MilestoneKind,
    OrganisationKind,
    OrganisationUnit,
    PlanStatus,
    ProvincialPlan,
)
from ocop.reporting.schema import DefinitionError, Field, TemplateDef

PLAN_STATUS_NONE = "none"
PLAN_STATUS_VALUES = (PLAN_STATUS_NONE, *(s.value for s in PlanStatus))  # none, drafting, submitted, approved
FAIR_KINDS = (ActivityKind.FAIR_IN, ActivityKind.FAIR_OUT)


class BindingContext:
    """The unit, the period and the records in scope; each registry is read at most once."""

    def __init__(self, unit: AdminUnit, start: dt.date | None, end: dt.date):
        self.unit = unit
        self.start = start
        self.end = end
        ids = [unit.pk]
        if unit.level == Level.PROVINCE and unit.era == Era.CURRENT:
            ids += [p.pk for p in geo.predecessors(unit)]
        self.unit_ids = ids

    def scope(self, field: str = "unit") -> Q:
        """Records filed on one of the units, or on a unit below them (`field`: the unit foreign key)."""
        ids = self.unit_ids
        return (
            Q(**{f"{field}_id__in": ids})
            | Q(**{f"{field}__province_id__in": ids})
            | Q(**{f"{field}__district_id__in": ids})
        )

    @property
    def period_text(self) -> str:
        end = format_date(self.end)
        if self.start is None:
            return _("đến hết ngày %(end)s") % {"end": end}
        return _("từ %(start)s đến %(end)s") % {"start": format_date(self.start), "end": end}

    def in_period(self, model, date_field: str = "date"):
        qs = model.objects.alive().filter(self.scope(), **{f"{date_field}__lte": self.end})
        if self.start is not None:
            qs = qs.filter(**{f"{date_field}__gte": self.start})
        return qs

    @cached_property
    def documents(self) -> list[DirectiveDocument]:
        return list(self.in_period(DirectiveDocument).order_by("date", "number", "id"))

    @cached_property
    def organisation(self) -> list[OrganisationUnit]:
        return list(self.in_period(OrganisationUnit).select_related("unit").order_by("date", "kind", "id"))

    @cached_property
    def activities(self) -> list[Activity]:
        return list(self.in_period(Activity).order_by("date", "id"))

    @cached_property
    def milestones(self) -> list[CycleMilestone]:
        return list(self.in_period(CycleMilestone).order_by("date", "id"))

    @cached_property
    def funding_by_source(self) -> dict[str, int]:
        qs = self.in_period(Funding)  # by the date each amount was recorded, not by its budget year
        totals = {source: 0 for source in FundingSource.values}
        for source, amount in qs.values_list("source", "amount"):
            totals[source] = totals.get(source, 0) + int(amount)
        return totals

    @cached_property
    def evaluation(self) -> dict[str, int] | None:
        """Products scored by a provincial council in rounds held in the period and certificates (≥ 3
        stars) issued in it, from the evaluation module; None when it holds nothing for the unit in
        the period (then the milestones registry is the source)."""
        entries = RoundProduct.objects.filter(self.scope("round__unit"), round__held_on__lte=self.end)
        certificates = Certificate.objects.filter(self.scope("issuer_unit"), issued_on__lte=self.end, stars__gte=3)
        if self.start is not None:
            entries = entries.filter(round__held_on__gte=self.start)
            certificates = certificates.filter(issued_on__gte=self.start)
        if not entries.exists() and not certificates.exists():
            return None
        evaluated = (
            entries.filter(round__level=CouncilLevel.PROVINCE, score__isnull=False)
            .values("product_id")
            .distinct()
            .count()
        )
        return {"evaluated": evaluated, "certified": certificates.values("product_id").distinct().count()}

    @cached_property
    def plan(self) -> tuple[ProvincialPlan | None, str]:
        """The most advanced plan status on `end` among the unit's plans (ties: the latest decision)."""
        best, best_status, best_rank = None, PLAN_STATUS_NONE, None
        for plan in ProvincialPlan.objects.alive().filter(self.scope(), drafting_since__lte=self.end):
            status = plan.status_on(self.end)
            if status is None:
                continue
            rank = (PLAN_STATUS_RANK[status], plan.decision_date or plan.submitted_on or plan.drafting_since, plan.pk)
            if best_rank is None or rank > best_rank:
                best, best_status, best_rank = plan, str(status), rank
        return best, best_status

    @cached_property
    def districts(self):
        """District units in scope valid on `end` (none after the 2025 reform abolished the level)."""
        ids = self.unit_ids
        return (
            AdminUnit.objects.valid_on(self.end)
            .filter(level=Level.DISTRICT)
            .filter(Q(pk__in=ids) | Q(province_id__in=ids))
        )


def _lazy_format(template, **kwargs):
    """A lazy translated text with %(name)s placeholders filled in when it is shown."""
    return lazy(lambda: str(template) % {k: str(v) for k, v in kwargs.items()}, str)()


# --- computations ---------------------------------------------------------------------------------


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _document_rows(ctx: BindingContext) -> list[dict]:
    return [
        {
            "kind": d.get_kind_display(),
            "number": d.number,
            "date": _iso(d.date),
            "issuer": d.issuer_name or d.get_issuer_kind_display(),
            "issuer_kind": d.get_issuer_kind_display(),
            "summary": d.summary,
        }
        for d in ctx.documents
    ]


def _organisation_rows(ctx: BindingContext) -> list[dict]:
    return [
        {
            "kind": o.get_kind_display(),
            "name": o.name,
            "decision_number": o.decision_number,
            "date": _iso(o.date),
            "issuer": o.issuer,
            "unit": o.unit.full_name,
        }
        for o in ctx.organisation
    ]


def _activity_rows(ctx: BindingContext) -> list[dict]:
    return [
        {
            "kind": a.get_kind_display(),
            "title": a.title,
            "date": _iso(a.date),
            "end_date": _iso(a.end_date),
            "place": a.place,
            "participants": a.participants,
            "cost": a.cost,
            "needs": a.needs,
            "results": a.results,
        }
        for a in ctx.activities
    ]


def _plan_decision(ctx: BindingContext) -> str | None:
    plan, status = ctx.plan
    if plan is None or status != PlanStatus.APPROVED:
        return None
    date = format_date(plan.decision_date)
    return _("%(number)s ngày %(date)s") % {"number": plan.decision_number, "date": date}


def _plan_decision_date(ctx: BindingContext) -> str | None:
    plan, status = ctx.plan
    return _iso(plan.decision_date) if plan is not None and status == PlanStatus.APPROVED else None


def _milestone_products(kind: str) -> Callable[[BindingContext], int]:
    return lambda ctx: sum(m.products_count or 0 for m in ctx.milestones if m.kind == kind)


def _products(kind: str, evaluation_key: str) -> Callable[[BindingContext], int]:
    """From the evaluation module where it holds data for the period, else from the milestones."""
    milestones = _milestone_products(kind)
    return lambda ctx: ctx.evaluation[evaluation_key] if ctx.evaluation is not None else milestones(ctx)


_EVALUATED_NOTES = (
    _l(
        "Lấy từ phân hệ Đánh giá, phân hạng: số sản phẩm được Hội đồng cấp tỉnh chấm điểm trong các kỳ đánh giá họp %(period)s"
    ),
    _l(
        "Lấy từ sổ Mốc Chu trình OCOP (phân hệ Đánh giá, phân hạng chưa có dữ liệu của kỳ này): số sản phẩm được "
        "Hội đồng cấp tỉnh đánh giá %(period)s"
    ),
)
_CERTIFIED_NOTES = (
    _l("Lấy từ phân hệ Đánh giá, phân hạng: số sản phẩm được cấp giấy chứng nhận OCOP từ 3 sao trở lên %(period)s"),
    _l(
        "Lấy từ sổ Mốc Chu trình OCOP (phân hệ Đánh giá, phân hạng chưa có dữ liệu của kỳ này): số sản phẩm được "
        "công nhận đạt từ 3 sao trở lên %(period)s"
    ),
)


def _products_note(notes) -> Callable[[BindingContext], str]:
    return lambda ctx: str(notes[0 if ctx.evaluation is not None else 1]) % {"period": ctx.period_text}


def _funding_note(label) -> Callable[[BindingContext], str]:
    return lambda ctx: (
        _("Lấy từ sổ Kinh phí: %(what)s, các khoản có ngày ghi nhận %(period)s")
        % {"what": str(label), "period": ctx.period_text}
    )


def _count_documents(kind: str | None) -> Callable[[BindingContext], int]:
    return lambda ctx: sum(1 for d in ctx.documents if kind is None or d.kind == kind)


def _count_activities(kinds: tuple[str, ...] | None) -> Callable[[BindingContext], int]:
    return lambda ctx: sum(1 for a in ctx.activities if kinds is None or a.kind in kinds)


def _districts_with_specialised_unit(ctx: BindingContext) -> int:
    return (
        OrganisationUnit.objects.alive()
        .filter(kind=OrganisationKind.SPECIALISED_DISTRICT, date__lte=ctx.end, unit__in=ctx.districts)
        .values("unit_id")
        .distinct()
        .count()
    )


# --- the registry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Binding:
    key: str
    description: Any  # lazy Vietnamese text shown next to the pre-filled field
    types: tuple[str, ...]  # field types this binding can fill
    compute: Callable[[BindingContext], Any]
    columns: tuple[str, ...] = ()  # tables: the columns it provides
    choices: tuple[str, ...] = ()  # choice: the values it can give
    note: Callable[[BindingContext], str] | None = None  # which source it used, for this unit and period

    def source_note(self, ctx: BindingContext) -> str:
        return self.note(ctx) if self.note is not None else str(self.description)

    def value(self, ctx: BindingContext, f: Field) -> Any:
        value = self.compute(ctx)
        if f.type == "table" and value is not None:
            codes = [c.code for c in f.columns]
            value = [{code: row.get(code) for code in codes if code in row} for row in value]
        return value


def _registry() -> dict[str, Binding]:
    items = [
        Binding(
            "programme.documents",
            _l("Lấy từ sổ Văn bản chỉ đạo: các văn bản ban hành trong kỳ"),
            ("table",),
            _document_rows,
            columns=("kind", "number", "date", "issuer", "issuer_kind", "summary"),
        ),
        Binding(
            "programme.documents_count",
            _l("Lấy từ sổ Văn bản chỉ đạo: số văn bản ban hành trong kỳ"),
            ("integer",),
            _count_documents(None),
        ),
        *[
            Binding(
                f"programme.documents_count.{kind.value}",
                _lazy_format(
                    _l("Lấy từ sổ Văn bản chỉ đạo: số văn bản loại “%(kind)s” ban hành trong kỳ"), kind=kind.label
                ),
                ("integer",),
                _count_documents(kind.value),
            )
            for kind in DocumentKind
        ],
        Binding(
            "programme.organisation",
            _l("Lấy từ sổ Bộ máy tổ chức: các quyết định thành lập, kiện toàn, giao nhiệm vụ trong kỳ"),
            ("table",),
            _organisation_rows,
            columns=("kind", "name", "decision_number", "date", "issuer", "unit"),
        ),
        Binding(
            "programme.plan_status",
            _l("Lấy từ sổ Đề án, kế hoạch: trạng thái tiến triển nhất của Đề án/Kế hoạch tại ngày chốt số liệu"),
            ("choice",),
            lambda ctx: ctx.plan[1],
            choices=PLAN_STATUS_VALUES,
        ),
        Binding(
            "programme.plan_decision",
            _l("Lấy từ sổ Đề án, kế hoạch: số và ngày quyết định phê duyệt (khi đã phê duyệt tại ngày chốt số liệu)"),
            ("text",),
            _plan_decision,
        ),
        Binding(
            "programme.plan_decision_date",
            _l("Lấy từ sổ Đề án, kế hoạch: ngày phê duyệt (khi đã phê duyệt tại ngày chốt số liệu)"),
            ("date",),
            _plan_decision_date,
        ),
        Binding(
            "geo.districts_count",
            _l("Lấy từ danh mục đơn vị hành chính: số đơn vị cấp huyện còn hiệu lực tại ngày chốt số liệu"),
            ("integer",),
            lambda ctx: ctx.districts.count(),
        ),
        Binding(
            "programme.districts_with_specialised_unit",
            _l("Lấy từ sổ Bộ máy tổ chức: số huyện đã có đơn vị chuyên trách cấp huyện đến ngày chốt số liệu"),
            ("integer",),
            _districts_with_specialised_unit,
        ),
        Binding(
            "programme.activities",
            _l("Lấy từ sổ Hoạt động: các hoạt động bắt đầu trong kỳ"),
            ("table",),
            _activity_rows,
            columns=("kind", "title", "date", "end_date", "place", "participants", "cost", "needs", "results"),
        ),
        Binding(
            "programme.activities_count",
            _l("Lấy từ sổ Hoạt động: số hoạt động bắt đầu trong kỳ"),
            ("integer",),
            _count_activities(None),
        ),
        *[
            Binding(
                f"programme.activities_count.{kind.value}",
                _lazy_format(_l("Lấy từ sổ Hoạt động: số hoạt động loại “%(kind)s” bắt đầu trong kỳ"), kind=kind.label),
                ("integer",),
                _count_activities((kind.value,)),
            )
            for kind in ActivityKind
        ],
        Binding(
            "programme.fairs_count",
            _l("Lấy từ sổ Hoạt động: số hội chợ, hoạt động xúc tiến thương mại trong và ngoài tỉnh trong kỳ"),
            ("integer",),
            _count_activities(tuple(k.value for k in FAIR_KINDS)),
        ),
        Binding(
            "programme.participants_total",
            _l("Lấy từ sổ Hoạt động: tổng số người tham gia các hoạt động trong kỳ"),
            ("integer",),
            lambda ctx: sum(a.participants or 0 for a in ctx.activities),
        ),
        Binding(
            "programme.activities_cost_total",
            _l("Lấy từ sổ Hoạt động: tổng kinh phí các hoạt động trong kỳ"),
            ("money", "integer"),
            lambda ctx: sum(a.cost or 0 for a in ctx.activities),
        ),
        Binding(
            "programme.products_evaluated",
            _l(
                "Lấy từ phân hệ Đánh giá, phân hạng (hoặc, cho các năm trước khi có phân hệ, từ sổ Mốc Chu trình OCOP): "
                "số sản phẩm được Hội đồng cấp tỉnh đánh giá trong kỳ"
            ),
            ("integer",),
            _products(MilestoneKind.EVALUATION_HELD, "evaluated"),
            note=_products_note(_EVALUATED_NOTES),
        ),
        Binding(
            "programme.products_ranked",
            _l(
                "Lấy từ phân hệ Đánh giá, phân hạng (hoặc, cho các năm trước khi có phân hệ, từ sổ Mốc Chu trình OCOP): "
                "số sản phẩm được công nhận đạt từ 3 sao trở lên trong kỳ"
            ),
            ("integer",),
            _products(MilestoneKind.PRODUCTS_RANKED, "certified"),
            note=_products_note(_CERTIFIED_NOTES),
        ),
        *[
            Binding(
                f"programme.funding_by_source.{source.value}",
                _lazy_format(
                    _l("Lấy từ sổ Kinh phí: nguồn “%(source)s”, các khoản có ngày ghi nhận trong kỳ"),
                    source=source.label,
                ),
                ("money", "integer"),
                (lambda s: lambda ctx: ctx.funding_by_source.get(s, 0))(source.value),
                note=_funding_note(_lazy_format(_l("nguồn “%(source)s”"), source=source.label)),
            )
            for source in FundingSource
        ],
        Binding(
            "programme.funding_total",
            _l("Lấy từ sổ Kinh phí: tổng kinh phí mọi nguồn, các khoản có ngày ghi nhận trong kỳ"),
            ("money", "integer"),
            lambda ctx: sum(ctx.funding_by_source.values()),
            note=_funding_note(_l("tổng mọi nguồn")),
        ),
    ]
    return {b.key: b for b in items}


BINDINGS: dict[str, Binding] = _registry()


def describe(key: str) -> str:
    """The Vietnamese description of a binding ("" for an unknown key)."""
    binding = BINDINGS.get(key)
    return str(binding.description) if binding else ""


def check_bindings(template: TemplateDef) -> None:
    """Raise DefinitionError for a field bound to an unknown key or to a binding that cannot fill it."""
    for f in template.fields:
        if not f.binding:
            continue
        where = _("Mục %(n)s, trường “%(c)s”") % {"n": f.section, "c": f.code}
        binding = BINDINGS.get(f.binding)
        if binding is None:
            raise DefinitionError(where + _(": nguồn dữ liệu “%(b)s” không tồn tại.") % {"b": f.binding})
        if f.type not in binding.types:
            raise DefinitionError(
                where
                + _(": nguồn dữ liệu “%(b)s” chỉ điền được trường kiểu %(t)s.")
                % {"b": f.binding, "t": ", ".join(binding.types)}
            )
        if f.type == "table" and not {c.code for c in f.columns} & set(binding.columns):
            raise DefinitionError(
                where
                + _(": bảng không có cột nào mà nguồn dữ liệu “%(b)s” cung cấp (%(cols)s).")
                % {"b": f.binding, "cols": ", ".join(binding.columns)}
            )
        if f.type == "choice":
            missing = [v for v in binding.choices if v not in {o.value for o in f.options}]
            if missing:
                raise DefinitionError(
                    where
                    + _(": thiếu lựa chọn %(v)s mà nguồn dữ liệu “%(b)s” có thể điền.")
                    % {"v": ", ".join(missing), "b": f.binding}
                )


def compute_bindings(
    template: TemplateDef, unit: AdminUnit, start: dt.date | None, end: dt.date, sources: dict[str, str] | None = None
) -> dict[str, Any]:
    """Pre-filled values of the template's bound fields for `unit` and the period [start, end].

    Fields whose registry gives nothing (e.g. the decision of a plan not yet approved) are left out,
    so that the unit fills them in without it counting as a change to a pre-filled value. With
    `sources`, it receives for each value the note saying which source (and period) it came from."""
    ctx = BindingContext(unit, start, end)
    values: dict[str, Any] = {}
    for f in template.fields:
        binding = BINDINGS.get(f.binding) if f.binding else None
        if binding is None:
            continue
        value = binding.value(ctx, f)
        if value is not None:
            values[f.code] = value
            if sources is not None:
                sources[f.code] = binding.source_note(ctx)
    return values
