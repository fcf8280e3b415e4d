"""Programme registries: the list of registries, scoped reads and the audited, version-checked
changes (do_save_record, do_delete_record)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.audit.services import log_action, snapshot
from ocop.geo.models import Level
from ocop.lib.records import VersionConflict
from ocop.lib.text import fold
from ocop.programme.models import (
    Activity,
    CycleMilestone,
    DirectiveDocument,
    Funding,
    OrganisationUnit,
    ProgrammeRecord,
    ProvincialPlan,
)


@dataclass(frozen=True)
class Registry:
    slug: str
    model: type[ProgrammeRecord]
    label: str
    columns: tuple[str, ...]  # fields shown in lists


REGISTRIES: dict[str, Registry] = {
    r.slug: r
    for r in [
        Registry(
            "plans",
            ProvincialPlan,
            _l("Đề án, kế hoạch"),
            ("kind", "title", "phase", "status", "decision_number", "decision_date"),
        ),
        Registry(
            "organisation",
            OrganisationUnit,
            _l("Bộ máy tổ chức"),
            ("kind", "name", "decision_number", "date", "contact_name"),
        ),
        Registry(
            "documents", DirectiveDocument, _l("Văn bản chỉ đạo"), ("kind", "number", "date", "issuer_kind", "summary")
        ),
        Registry("activities", Activity, _l("Hoạt động"), ("kind", "title", "date", "place", "participants", "cost")),
        Registry("funding", Funding, _l("Kinh phí"), ("year", "source", "amount", "purpose")),
        Registry(
            "milestones", CycleMilestone, _l("Mốc Chu trình OCOP"), ("kind", "date", "reference", "products_count")
        ),
    ]
}


def registry_for_model(model) -> Registry:
    return next(r for r in REGISTRIES.values() if r.model is model)


def readable(user, model) -> models.QuerySet:
    """Records of `model` the user may read (alive only)."""
    if not can(user, "programme.view"):
        return model.objects.none()
    return scope_for(user).filter(model.objects.alive().select_related("unit"), "unit")


def writable_units(user):
    """Provinces and districts the user may file records for (their own, current or legacy)."""
    if not can(user, "programme.edit"):
        from ocop.geo.models import AdminUnit

        return AdminUnit.objects.none()
    return (
        scope_for(user)
        .units(write=True)
        .filter(level__in=[Level.PROVINCE, Level.DISTRICT])
        .order_by("era", "level", "code")
    )


def _check_duplicate_number(record: ProgrammeRecord) -> None:
    """Refuse a decision/document number already used by the same issuer in the same year and province.
    Numbers and issuer names are compared folded (lib/text.fold: case, diacritics and punctuation
    ignored, on every database): "12/QĐ-UBND" of "UBND tỉnh Hà Tĩnh" is "12/qd-ubnd" of "UBND TỈNH HÀ
    TĨNH". SQL's case-insensitive comparison folds ASCII letters only on SQLite."""
    if isinstance(record, DirectiveDocument):
        number, day, issuer = record.number, record.date, record.issuer_name
        qs = DirectiveDocument.objects.alive().filter(
            date__year=day.year, issuer_kind=record.issuer_kind, unit__province=record.unit.province_id
        )
        fields = ("number", "issuer_name")
    elif isinstance(record, ProvincialPlan) and record.decision_number and record.decision_date:
        number, day, issuer = record.decision_number, record.decision_date, record.issuer
        qs = ProvincialPlan.objects.alive().filter(decision_date__year=day.year, unit__province=record.unit.province_id)
        fields = ("decision_number", "issuer")
    else:
        return
    if record.pk:
        qs = qs.exclude(pk=record.pk)
    wanted = (fold(number), fold(issuer))
    # the same province, year and kind of issuer: a few dozen rows at most
    if any((fold(n), fold(i)) == wanted for n, i in qs.values_list(*fields)):
        raise ValidationError(
            {
                "number" if isinstance(record, DirectiveDocument) else "decision_number": _(
                    "Số “%(number)s” của cùng cơ quan ban hành trong năm %(year)s đã có trong sổ; kiểm tra lại hoặc sửa bản ghi đã có."
                )
                % {"number": number, "year": day.year}
            }
        )


@transaction.atomic
def do_save_record(
    user, record: ProgrammeRecord, *, expected_version: int | None = None, request=None
) -> ProgrammeRecord:
    """Create or update a registry record after checking capability, scope, rules and version."""
    if not can(user, "programme.edit"):
        raise PermissionDenied
    scope = scope_for(user)
    if record.unit_id is None or not scope.covers(record.unit, write=True) or record.unit.level == Level.COMMUNE:
        raise PermissionDenied
    model = type(record)
    before = None
    if record.pk:
        current = model.objects.select_for_update().get(pk=record.pk)
        if current.deleted_at or not scope.covers(current.unit, write=True):
            raise PermissionDenied
        if expected_version is not None and current.version != expected_version:
            raise VersionConflict
        before = snapshot(current, current.audit_fields())
        record.version = current.version + 1
    else:
        record.created_by = user if getattr(user, "is_authenticated", False) else None
    record.full_clean()
    _check_duplicate_number(record)
    record.save()
    log_action(
        user,
        f"ocop.programme.{registry_for_model(model).slug}.{'changed' if before else 'created'}",
        record,
        before=before,
        after=snapshot(record, record.audit_fields()),
        unit=record.unit,
        request=request,
    )
    return record


@transaction.atomic
def do_delete_record(user, record: ProgrammeRecord, *, reason: str = "", request=None) -> None:
    if not can(user, "programme.edit") or not scope_for(user).covers(record.unit, write=True):
        raise PermissionDenied
    before = snapshot(record, record.audit_fields())
    record.soft_delete()
    log_action(
        user,
        f"ocop.programme.{registry_for_model(type(record)).slug}.deleted",
        record,
        before=before,
        unit=record.unit,
        reason=reason,
        request=request,
    )
