"""Evaluation rounds: who may see and do what, and the `do_*` actions (check access, change state,
audit, in one transaction). Results are computed by ocop/evaluation/scoring.py with the law in force
on the round's date; the recognition decision and the minutes are drafted as outgoing documents."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import NamedTuple
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Role, User
from ocop.accounts.permissions import can
from ocop.accounts.scope import Scope, scope_for
from ocop.audit.services import log_action
from ocop.evaluation import certificates, council, scoring
from ocop.evaluation.criteria import Sheet, fmt_points, level_label
from ocop.evaluation.hooks import _classification_code
from ocop.evaluation.models import (
    CRITERIA_SET_IDENTITY,
    CouncilLevel,
    CriteriaSet,
    Instrument,
    parsed_from_identities,
    procedure_rule_on,
    scale_on,
)
from ocop.evaluation.models_rounds import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Certificate,
    CertificateStatus,
    CouncilSeat,
    MemberScore,
    Recusal,
    Round,
    RoundProduct,
    RoundStatus,
    SeatRole,
)
from ocop.geo.models import AdminUnit, Era, Level, UnitSuccession
from ocop.geo.services import units_valid_on
from ocop.lib.collation import vi_order
from ocop.notifications.services import notify
from ocop.products.models import DossierFile, Product, ProductStatus
from ocop.products.services import dossier_ready_for_round, readable_products, record_status_change
from ocop.lib.dates import format_date
from ocop.lib.gcpause import no_cyclic_gc
from ocop.lib.jsontext import stored_json
from ocop.lib.prepared import Prepared

SEATABLE_ROLES = {
    Role.COUNCIL_MEMBER,
    Role.PROVINCE_OFFICER,
    Role.DISTRICT_OFFICER,
    Role.CENTRAL_OFFICER,
    Role.CENTRAL_ADMIN,
}
LEVEL_OF_UNIT = {Level.PROVINCE: CouncilLevel.PROVINCE, Level.DISTRICT: CouncilLevel.DISTRICT}


# --- reads ----------------------------------------------------------------------------------------


def readable_rounds(user) -> QuerySet:
    """Council members: the rounds they sit on. Officers: the rounds of units in their scope (and
    any they sit on)."""
    if not can(user, "evaluation.view"):
        return Round.objects.none()
    qs = Round.objects.select_related("unit", "procedure", "instrument")
    seated = qs.filter(seats__user=user)
    if user.role == Role.COUNCIL_MEMBER:
        return seated
    scope = scope_for(user)
    if scope.national:  # every round: no join with the seats, no DISTINCT
        return qs
    return (_within(scope, qs, "unit") | seated).distinct()


# one round by id with its unit and procedure, without Django building the query on every view of
# the round's page (issue 17)
_ROUND = Prepared(lambda pk: Round.objects.select_related("unit", "procedure").filter(pk=pk))


def readable_round(user, pk: int) -> Round:
    """One round the user may read (`readable_rounds`), with its unit and procedure: what its page
    and actions use (not the instrument, which the lists show). Round.DoesNotExist otherwise. The
    same answer as `readable_rounds(user).get(pk=pk)`, with the officer's scope checked in Python
    (`Scope.covers`, which also covers the scope's own unit) and the seat asked only when the scope
    does not cover the round."""
    if not can(user, "evaluation.view"):
        raise Round.DoesNotExist
    round_ = _ROUND.get(pk=pk)
    if user.role != Role.COUNCIL_MEMBER and scope_for(user).covers(round_.unit):
        return round_
    if CouncilSeat.objects.filter(round=round_, user=user).exists():
        return round_
    raise Round.DoesNotExist


def _within(scope: Scope, qs: QuerySet, field: str) -> QuerySet:
    """Objects whose unit is the scope's unit itself or below it."""
    if scope.national:
        return qs
    if scope.unit is None:
        return qs.none()
    return scope.filter(qs, field) | qs.filter(**{field: scope.unit.pk})


def readable_entries(user) -> QuerySet:
    return RoundProduct.objects.filter(round__in=readable_rounds(user)).select_related(
        "round", "round__unit", "product", "product__entity", "dossier", "criteria_set"
    )


def readable_round_files(user) -> QuerySet:
    """Dossier files a user may open in the context of a round they can read."""
    return DossierFile.objects.filter(deleted_at__isnull=True, dossier__in=readable_entries(user).values("dossier"))


def readable_certificates(user) -> QuerySet:
    qs = Certificate.objects.select_related("product", "product__entity", "issuer_unit", "round_product__round")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if can(user, "products.view"):
        return qs.filter(product__in=readable_products(user))
    return qs.filter(round_product__in=readable_entries(user))


def seat_of(user, round_: Round, seats: list | None = None) -> CouncilSeat | SeatRow | None:
    """The user's seat in the round's council, if any (looked up in `seats` when already read:
    CouncilSeat or SeatRow)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if seats is not None:
        return next((s for s in seats if s.user_id == user.pk), None)
    return round_.seats.filter(user=user).first()


def can_manage_round(user, round_: Round) -> bool:
    return can(user, "evaluation.manage") and scope_for(user).covers(round_.unit, write=True)


def is_recused(user, entry: RoundProduct) -> bool:
    return entry.recusals.filter(user=user).exists()


def territory(unit) -> Scope:
    """The units below `unit` (with the legacy units it succeeded)."""
    preds = []
    if unit.era == Era.CURRENT:
        preds = list(UnitSuccession.objects.filter(successor=unit).values_list("predecessor_id", flat=True))
    return Scope(unit=unit, predecessor_ids=preds)


def procedure_of(round_: Round):
    if round_.procedure is None:
        raise ValidationError(
            _("Không có quy trình đánh giá áp dụng vào ngày %(d)s.") % {"d": format_date(round_.held_on)}
        )
    return round_.procedure.parsed


class EntryRow(NamedTuple):
    """One product of a round as its page lists it, with the reader's own sheet (a named tuple: made
    for every product on every view of the round's page, four times faster than a frozen dataclass)."""

    pk: int
    product: str
    entity: str
    criteria_set: str
    score: Decimal | None
    stars: int | None
    certified: bool
    forwarded: bool
    my_scored: bool = False  # the reader submitted a sheet for it
    my_total: Decimal | None = None
    my_recused: bool = False


class EntryTable:
    """A round's products as its page lists them, in the order they were added: the rows as the
    database returned them and the reader's own sheets (`version`: what the cached table is keyed
    on), turned into EntryRows only when the table is rebuilt (iterating; issue 17: converting 80
    rows and making their objects cost as much as reading them)."""

    def __init__(self, fetched: list, totals: dict, recused: set):
        self._fetched, self._totals, self._recused = fetched, totals, recused

    def __len__(self) -> int:
        return len(self._fetched)

    @property
    def version(self) -> tuple:
        return (self._fetched, sorted(self._totals.items()), sorted(self._recused))

    @functools.cached_property
    def rows(self) -> list[EntryRow]:
        totals, recused = self._totals, self._recused
        return [
            EntryRow(
                *values, my_scored=values[0] in totals, my_total=totals.get(values[0]), my_recused=values[0] in recused
            )
            for values in _ENTRY_ROWS.convert(self._fetched)
        ]

    def __iter__(self):
        return iter(self.rows)


def entry_rows(round_: Round, user, seated: bool = True) -> EntryTable:
    """The round's products in the order they were added, read as plain columns (one query, three for
    a member of the council: their own sheets and withdrawals; no criteria set definitions or score
    sheets loaded: issue 17). `seated`: False when the reader is known to have no seat."""
    totals, recused = {}, set()
    if seated:
        mine = {"round_product__round": round_, "user_id": getattr(user, "pk", None)}
        totals = dict(
            MemberScore.objects.filter(submitted_at__isnull=False, **mine).values_list("round_product_id", "total")
        )
        recused = set(Recusal.objects.filter(**mine).values_list("round_product_id", flat=True))
    return EntryTable(_ENTRY_ROWS.fetch(round=round_.pk), totals, recused)


# the round page's table of products, in EntryRow's order (a prepared query: issue 17)
_ENTRY_ROWS = Prepared(
    lambda round: (
        RoundProduct.objects.filter(round=round)
        .order_by("pk")
        .values_list(
            "pk",
            "product__name",
            "product__entity__name",
            "criteria_set__title",
            "score",
            "stars",
            "certified",
            "forwarded",
        )
    )
)


@dataclass(frozen=True)
class SeatRow:
    """A seat of a round's council as the round's page shows it: plain columns, no user object
    (issue 17: the seats with their users as objects were the page's dearest query)."""

    pk: int
    user_id: int
    role: str
    full_name: str
    username: str

    @property
    def display_name(self) -> str:  # as User.display_name
        return self.full_name or self.username

    def get_role_display(self) -> str:
        return str(SeatRole(self.role).label)


def seat_rows(round_: Round) -> list[SeatRow]:
    """The round's council in the order seats were added: one plain query (plain columns, nothing
    to convert; Django took 0.5 ms to build it, issue 17)."""
    qn = connection.ops.quote_name
    sql = (
        f"SELECT s.id, s.user_id, s.role, u.full_name, u.username FROM {qn(CouncilSeat._meta.db_table)} s"
        f" JOIN {qn(User._meta.db_table)} u ON u.id = s.user_id WHERE s.round_id = %s ORDER BY s.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_.pk])
        return [SeatRow(*values) for values in cursor.fetchall()]


def progress(round_: Round, seats: list[SeatRow] | None = None, total: int | None = None) -> list[dict]:
    """Per seat: how many products the member scored or withdrew from, out of all (two grouped
    queries, none for a closed round seen before; `seats` and the number of products when the
    caller has read them)."""
    if total is None:
        total = round_.entries.count()
    if seats is None:
        seats = seat_rows(round_)
    scored, recused = _sheet_counts(round_, total)
    return [
        {"seat": seat, "scored": scored.get(seat.user_id, 0), "recused": recused.get(seat.user_id, 0), "total": total}
        for seat in seats
        if seat.role != SeatRole.ADVISOR
    ]


def _sheet_counts(round_: Round, total: int) -> tuple[dict[int, int], dict[int, int]]:
    """Per member: submitted sheets and withdrawals. A closed round's never change (every action on
    sheets, withdrawals and seats requires an open round, and closing is final), so they are kept in
    the cache under the round, its closing time and its number of products (issue 17: two grouped
    queries on every view of a round's page)."""

    def read() -> tuple[dict[int, int], dict[int, int]]:
        scored = dict(
            MemberScore.objects.filter(round_product__round=round_, submitted_at__isnull=False)
            .values_list("user_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        recused = dict(
            Recusal.objects.filter(round_product__round=round_)
            .values_list("user_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return scored, recused

    if round_.is_open or round_.closed_at is None:
        return read()
    key = f"evaluation:sheet-counts:{round_.pk}:{round_.closed_at.isoformat()}:{total}"
    return cache.get_or_set(key, read, 24 * 3600)


# --- actions --------------------------------------------------------------------------------------


def _require_manager(actor, round_: Round) -> None:
    if not can_manage_round(actor, round_):
        raise PermissionDenied


def _require_open(round_: Round) -> None:
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("Kỳ đánh giá đã kết thúc, không thay đổi được nữa."))


@transaction.atomic
def do_create_round(actor, *, name: str, level: str, unit, held_on: dt.date, request=None) -> Round:
    if not can(actor, "evaluation.manage"):
        raise PermissionDenied
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Nhập tên kỳ đánh giá.")
    if level not in CouncilLevel.values:
        errors["level"] = _("Chọn cấp hội đồng.")
    if unit is None:
        errors["unit"] = _("Chọn đơn vị tổ chức.")
    elif not scope_for(actor).covers(unit, write=True):
        errors["unit"] = _("Đơn vị “%(u)s” nằm ngoài phạm vi tài khoản của bạn.") % {"u": unit}
    if held_on is None:
        errors["held_on"] = _("Nhập ngày họp hội đồng (dd/mm/yyyy).")
    elif unit is not None and not unit.is_valid_on(held_on):
        errors["unit"] = _("Đơn vị “%(u)s” không còn (hoặc chưa có) vào ngày họp %(d)s (hiệu lực %(v)s).") % {
            "u": unit,
            "d": format_date(held_on),
            "v": unit.validity_label,
        }
    if errors:
        raise ValidationError(errors)
    if level == CouncilLevel.CENTRAL:
        if not actor.is_national:
            raise ValidationError({"level": _("Chỉ Trung ương tổ chức đánh giá cấp trung ương.")})
    elif LEVEL_OF_UNIT.get(unit.level) != level:
        raise ValidationError(
            {"unit": _("Hội đồng %(l)s phải do một đơn vị %(l)s tổ chức.") % {"l": level_label(level)}}
        )
    rule = procedure_rule_on(held_on)
    if rule is None:
        raise ValidationError(
            {
                "held_on": _("Ngày %(d)s chưa có quy trình đánh giá, phân hạng OCOP áp dụng.")
                % {"d": format_date(held_on)}
            }
        )
    if not scoring.can_hold_round(rule.parsed, level):
        raise ValidationError(
            {
                "level": _("Theo %(p)s, %(l)s không tổ chức đánh giá, phân hạng sản phẩm vào ngày %(d)s.")
                % {"p": rule.parsed.title, "l": level_label(level), "d": format_date(held_on)}
            }
        )
    round_ = Round.objects.create(
        name=name.strip(),
        level=level,
        unit=unit,
        held_on=held_on,
        procedure=rule,
        instrument=Instrument.objects.on(held_on),
        created_by=actor,
    )
    log_action(
        actor,
        "ocop.evaluation.round.created",
        round_,
        after={"name": round_.name, "level": level, "unit": unit.pk, "held_on": held_on, "procedure": rule.code},
        unit=unit,
        request=request,
    )
    # the products a lower council forwarded to this level enter the new round at once
    do_add_forwarded(actor, round_, request=request)
    return round_


def forwarded_waiting(round_: Round) -> QuerySet:
    """Products of the round's territory whose latest closed round forwarded them to this round's
    level (e.g. a district council's 4★ candidates, for the province), not yet in an open round."""
    latest = (
        RoundProduct.objects.filter(product=OuterRef("pk"), round__status=RoundStatus.CLOSED)
        .order_by("-round__closed_at", "-round__held_on", "-pk")
        .values("forwarded_to")[:1]
    )
    t = territory(round_.unit)
    qs = Product.objects.alive().annotate(last_forwarded_to=Subquery(latest)).filter(last_forwarded_to=round_.level)
    qs = (_within(t, qs, "unit") | _within(t, qs, "entity__unit")).distinct()
    return qs.exclude(round_entries__round__status=RoundStatus.OPEN).select_related("entity").order_by(vi_order("name"))


def do_add_forwarded(actor, round_: Round, *, request=None) -> tuple[list[RoundProduct], list[str]]:
    """Add every forwarded product waiting for this round (see forwarded_waiting); returns the new
    entries and, for the products that could not be added, the reason (e.g. no criteria set)."""
    _require_manager(actor, round_)
    _require_open(round_)
    added, problems = [], []
    for product in list(forwarded_waiting(round_)):
        try:
            with transaction.atomic():
                added.append(do_add_product(actor, round_, product, request=request))
        except ValidationError as exc:
            problems.extend(str(m) for m in exc.messages)
    return added, problems


@transaction.atomic
def do_add_seat(actor, round_: Round, user, role: str = SeatRole.MEMBER, *, request=None) -> CouncilSeat:
    _require_manager(actor, round_)
    _require_open(round_)
    if user is None or not user.is_active or user.role not in SEATABLE_ROLES:
        raise ValidationError({"user": _("Chỉ thành viên hội đồng hoặc cán bộ quản lý mới được cử vào hội đồng.")})
    if role not in SeatRole.values:
        raise ValidationError({"role": _("Vai trò không hợp lệ.")})
    if round_.seats.filter(user=user).exists():
        raise ValidationError({"user": _("%(u)s đã có trong hội đồng.") % {"u": user.display_name}})
    if role == SeatRole.CHAIR and round_.seats.filter(role=SeatRole.CHAIR).exists():
        raise ValidationError({"role": _("Hội đồng đã có chủ tịch.")})
    seat = CouncilSeat.objects.create(round=round_, user=user, role=role)
    log_action(
        actor,
        "ocop.evaluation.seat.added",
        round_,
        after={"user": user.username, "role": role},
        unit=round_.unit,
        request=request,
    )
    return seat


def criteria_set_for(product: Product, day: dt.date) -> CriteriaSet | None:
    code = _classification_code(
        product.classification.code if product.classification_id else product.classification_code, day
    )
    return CriteriaSet.objects.for_classification(code, day) if code else None


def entry_problem(round_: Round, product: Product) -> str | None:
    """Why `product` cannot be scored in `round_` (its latest dossier, the criteria set in force on the
    meeting date), or None when it can."""
    dossier = product.dossiers.order_by("-number", "-pk").first()
    if dossier is None or not dossier_ready_for_round(dossier):
        return _("Hồ sơ của sản phẩm “%(p)s” chưa được kiểm tra là đầy đủ.") % {"p": product}
    day = format_date(round_.held_on)
    criteria_set = criteria_set_for(product, round_.held_on)
    if criteria_set is None:
        code = product.classification.code if product.classification_id else product.classification_code
        if not code:
            return _(
                "Sản phẩm “%(p)s” chưa được phân loại (nhóm, bộ sản phẩm) nên không xác định được bộ tiêu chí."
            ) % {"p": product}
        return _("Không có bộ tiêu chí áp dụng cho sản phẩm “%(p)s” (mã phân loại %(c)s) vào ngày %(d)s.") % {
            "p": product,
            "c": code,
            "d": day,
        }
    if criteria_set.structure_only:
        return _(
            "Bộ tiêu chí “%(s)s” áp dụng ngày %(d)s chưa có nội dung chấm điểm (chỉ có khung, chưa có bản chép "
            "công khai để đối chiếu) nên chưa chấm được sản phẩm “%(p)s”."
        ) % {"s": criteria_set.title, "d": day, "p": product}
    return None


def product_candidates(round_: Round) -> tuple[list[Product], list[tuple[Product, str]]]:
    """(the products that can be added to the round, [(product, why not)] for the others of its
    territory that have a checked dossier but cannot be scored on the meeting date)."""
    offered, refused = [], []
    for product in product_choices_for(round_).prefetch_related("dossiers"):
        problem = entry_problem(round_, product)
        if problem:
            refused.append((product, problem))
        else:
            offered.append(product)
    return offered, refused


def organising_units(user, day: dt.date | None) -> QuerySet:
    """The provinces (and, before 01/7/2025, districts) the user may open a round for, valid on the
    meeting date `day` (today when not given), each once."""
    day = day or timezone.localdate()
    scope = scope_for(user)
    units = AdminUnit.objects.all() if user.is_national else scope.units(write=True)
    units = units.filter(level__in=[Level.PROVINCE, Level.DISTRICT])
    if scope.unit is not None and scope.unit.level in (Level.PROVINCE, Level.DISTRICT):
        units = units | AdminUnit.objects.filter(pk=scope.unit.pk)
    # validity on the day from the geo services; a unit is listed once even if reached twice
    return (
        units_valid_on(day)
        .filter(pk__in=units.values("pk"))
        .select_related("province")
        .order_by("level", vi_order("name"))
    )


@transaction.atomic
def do_add_product(actor, round_: Round, product: Product, *, request=None) -> RoundProduct:
    _require_manager(actor, round_)
    _require_open(round_)
    if product is None or product.deleted_at is not None:
        raise ValidationError({"product": _("Chọn sản phẩm.")})
    if not (territory(round_.unit).covers(product.unit) or territory(round_.unit).covers(product.entity.unit)):
        raise ValidationError(
            {"product": _("Sản phẩm “%(p)s” không thuộc địa bàn của %(u)s.") % {"p": product, "u": round_.unit}}
        )
    if round_.entries.filter(product=product).exists():
        raise ValidationError({"product": _("Sản phẩm đã có trong kỳ đánh giá.")})
    if RoundProduct.objects.filter(product=product, round__status=RoundStatus.OPEN).exists():
        raise ValidationError({"product": _("Sản phẩm đang được đánh giá trong một kỳ khác.")})
    problem = entry_problem(round_, product)
    if problem:
        raise ValidationError({"product": problem})
    dossier = product.dossiers.order_by("-number", "-pk").first()
    criteria_set = criteria_set_for(product, round_.held_on)
    pending = list(product.applications.filter(status=ApplicationStatus.SUBMITTED))
    if product.status == ProductStatus.CERTIFIED and not pending:
        raise ValidationError(
            {
                "product": _(
                    "Sản phẩm “%(p)s” đang được công nhận OCOP; chỉ đánh giá lại khi chủ thể "
                    "đề nghị đánh giá lại hoặc nâng hạng."
                )
                % {"p": product}
            }
        )
    if product.status != ProductStatus.IN_EVALUATION:
        record_status_change(product, ProductStatus.IN_EVALUATION, actor, reason=str(round_), request=request)
    entry = RoundProduct.objects.create(
        round=round_, product=product, dossier=dossier, criteria_set=criteria_set, added_by=actor
    )
    for application in pending:
        application.status = ApplicationStatus.ACCEPTED
        application.round = round_
        application.save(update_fields=["status", "round"])
        log_action(
            actor,
            "ocop.evaluation.application.accepted",
            application,
            before={"status": ApplicationStatus.SUBMITTED},
            after={"status": ApplicationStatus.ACCEPTED, "round": round_.pk},
            unit=round_.unit,
            request=request,
        )
    log_action(
        actor,
        "ocop.evaluation.product.added",
        round_,
        after={
            "product": product.pk,
            "dossier": dossier.pk,
            "criteria_set": f"{criteria_set.code} v{criteria_set.version}",
        },
        unit=round_.unit,
        request=request,
    )
    return entry


def _require_seated(actor, entry: RoundProduct) -> CouncilSeat:
    """A seat that scores: the advisory group (Tổ tư vấn/giúp việc) reads but does not score."""
    seat = seat_of(actor, entry.round)
    if seat is None or not can(actor, "evaluation.view") or not can_score(seat):
        raise PermissionDenied
    return seat


def can_score(seat: CouncilSeat | SeatRow | None) -> bool:
    return seat is not None and seat.role != SeatRole.ADVISOR


@transaction.atomic
def do_recuse(actor, entry: RoundProduct, reason: str, *, request=None) -> Recusal:
    _require_seated(actor, entry)
    _require_open(entry.round)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Nêu lý do không tham gia chấm sản phẩm này.")})
    if entry.recusals.filter(user=actor).exists():
        raise ValidationError({"reason": _("Bạn đã xin không tham gia chấm sản phẩm này.")})
    entry.scores.filter(user=actor).delete()
    recusal = Recusal.objects.create(round_product=entry, user=actor, reason=reason.strip())
    log_action(
        actor,
        "ocop.evaluation.member.recused",
        entry,
        after={"user": actor.username},
        unit=entry.round.unit,
        reason=reason.strip(),
        request=request,
    )
    return recusal


@transaction.atomic
def do_submit_score(
    actor, entry: RoundProduct, choices: dict, comments: dict | None = None, *, request=None
) -> MemberScore:
    _require_seated(actor, entry)
    _require_open(entry.round)
    if entry.recusals.filter(user=actor).exists():
        raise ValidationError(_("Bạn đã xin không tham gia chấm sản phẩm này nên không thể nộp phiếu chấm."))
    sheet = entry.criteria_set.parsed
    result = scoring.member_total(sheet, choices)
    if result.issues:
        raise ValidationError([i.message for i in result.issues])
    score, _created = MemberScore.objects.get_or_create(round_product=entry, user=actor)
    before = {"choices": score.choices, "total": score.total, "submitted": score.submitted_at is not None}
    score.choices = dict(choices)
    score.comments = {k: v for k, v in (comments or {}).items() if v}
    score.total = result.total
    score.submitted_at = timezone.now()
    score.save()
    # logged on the sheet itself, so the audit trail shows its values only to whoever may see the
    # sheet (can_see_score_sheet); the round's own history says only that a sheet came in
    log_action(
        actor,
        "ocop.evaluation.score.submitted",
        score,
        before=before,
        after={"choices": score.choices, "total": score.total, "submitted": True},
        unit=entry.round.unit,
        request=request,
    )
    return score


def missing_criteria(sheet, choices: dict) -> list:
    """The criteria of `sheet` not answered (or answered with an unknown option) in `choices`."""
    out = []
    for c in sheet.criteria:
        if c.bonus:
            continue
        chosen = str(choices.get(c.code, "") or "")
        if not chosen or chosen not in {str(o.code) for o in c.options}:
            out.append(c)
    return out


@transaction.atomic
def do_save_draft(
    actor, entry: RoundProduct, choices: dict, comments: dict | None = None, *, request=None
) -> MemberScore:
    """Keep a member's unfinished sheet (not counted until submitted). A submitted sheet goes back to
    draft only by submitting again: saving a draft over it is refused."""
    _require_seated(actor, entry)
    _require_open(entry.round)
    if entry.recusals.filter(user=actor).exists():
        raise ValidationError(_("Bạn đã xin không tham gia chấm sản phẩm này."))
    sheet = entry.criteria_set.parsed
    known = {c.code: {str(o.code) for o in c.options} for c in sheet.criteria}
    clean = {k: str(v) for k, v in (choices or {}).items() if k in known and str(v) in known[k]}
    score, _created = MemberScore.objects.get_or_create(round_product=entry, user=actor)
    if score.submitted_at is not None:
        raise ValidationError(_("Phiếu chấm đã nộp; sửa thì nộp lại phiếu (không lưu nháp đè lên phiếu đã nộp)."))
    score.choices = clean
    score.comments = {k: v for k, v in (comments or {}).items() if v}
    score.total = None
    score.save()
    log_action(
        actor,
        "ocop.evaluation.score.draft_saved",
        score,
        after={"choices": clean, "answered": len(clean)},
        unit=entry.round.unit,
        request=request,
    )
    return score


# --- privacy of the score sheets --------------------------------------------------------------------


def can_see_score_sheet(user, score: MemberScore) -> bool:
    """Whether `user` may see the values (choices, comments, total) of a member's score sheet: the
    member always; once the round is closed, also the chair of the round and the organising unit's
    officers (can_manage_round). Nobody else, and nobody else before closing. The audit trail, the
    exports and every screen ask this."""
    if not getattr(user, "is_authenticated", False):
        return False
    if score.user_id == user.pk:
        return True
    round_ = score.round_product.round
    if round_.status != RoundStatus.CLOSED:
        return False
    seat = seat_of(user, round_)
    return (seat is not None and seat.role == SeatRole.CHAIR) or can_manage_round(user, round_)


def readable_score_sheets(user) -> QuerySet:
    """The score sheets whose values `user` may see (same rule as can_see_score_sheet)."""
    if not getattr(user, "is_authenticated", False):
        return MemberScore.objects.none()
    own = Q(user=user)
    closed = Q(round_product__round__status=RoundStatus.CLOSED)
    chaired = Q(round_product__round__seats__user=user, round_product__round__seats__role=SeatRole.CHAIR)
    managed = Round.objects.none()
    if can(user, "evaluation.manage"):
        managed = _within(scope_for(user), Round.objects.all(), "unit")
    q = own | (closed & (chaired | Q(round_product__round__in=managed.values("pk"))))
    return MemberScore.objects.filter(q).distinct()


def _next_certificate_number(unit, year: int) -> int:
    return (Certificate.objects.filter(issuer_unit=unit, year=year).aggregate(m=Max("number"))["m"] or 0) + 1


def submitted_sheets(round_ids) -> tuple[dict[int, dict[int, dict]], dict[int, int]]:
    """{entry id: {member id: choices}} of the submitted score sheets of the rounds' products, without
    the members who withdrew from a product, and {entry id: criteria set id} of the entries with a
    sheet: one query in plain SQL whatever the number of products, the sheets decoded by orjson
    (issue 17: closing a year's rounds reads 30,000 sheets; the ORM's per-row converters and
    json.loads were half the ranking's time on PostgreSQL)."""
    ids = [int(i) for i in round_ids]
    sheets: dict[int, dict[int, dict]] = {}
    sets: dict[int, int] = {}
    if not ids:
        return sheets, sets
    qn = connection.ops.quote_name
    score, entry, recusal = (qn(m._meta.db_table) for m in (MemberScore, RoundProduct, Recusal))
    sql = (
        f"SELECT ms.round_product_id, rp.criteria_set_id, ms.user_id, ms.choices FROM {score} ms"
        f" JOIN {entry} rp ON rp.id = ms.round_product_id"
        f" WHERE rp.round_id IN ({', '.join(['%s'] * len(ids))}) AND ms.submitted_at IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM {recusal} r"
        " WHERE r.round_product_id = ms.round_product_id AND r.user_id = ms.user_id)"
        " ORDER BY ms.round_product_id, ms.user_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        for entry_id, set_id, user_id, choices in cursor.fetchall():
            members = sheets.get(entry_id)
            if members is None:
                members = sheets[entry_id] = {}
                sets[entry_id] = set_id
            members[user_id] = stored_json(choices)
    return sheets, sets


# the identities of a round's criteria sets (a prepared query: ranking a year's rounds built one
# `pk__in` query per round, 1 ms each; issue 17)
_ROUND_SETS = Prepared(
    lambda round: CriteriaSet.objects.filter(
        pk__in=RoundProduct.objects.filter(round=round).values("criteria_set")
    ).values_list(*CRITERIA_SET_IDENTITY)
)


def round_criteria_sets(round_: Round) -> dict[int, Sheet]:
    """{id: CriteriaSet.parsed} of the criteria sets of a round's products, each definition read and
    parsed once per process (models_law.parsed_from_identities)."""
    return parsed_from_identities(_ROUND_SETS.list(round=round_.pk))


def rank_round(round_: Round) -> dict[int, scoring.Ranking]:
    """{entry id: Ranking} of a round's products from the members' submitted sheets, as closing the
    round computes them (nothing is saved). Products without a sheet are left out."""
    procedure = procedure_of(round_)
    scale = scale_on(round_.held_on)
    if scale is None:
        raise ValidationError(_("Không có thang hạng sao áp dụng vào ngày %(d)s.") % {"d": format_date(round_.held_on)})
    with no_cyclic_gc():  # thousands of decoded sheets and their sums, none of them in a cycle
        sheets, set_of = submitted_sheets([round_.pk])
        by_set: dict[int, dict] = {}
        for entry_id, members in sheets.items():
            by_set.setdefault(set_of[entry_id], {})[entry_id] = members
        parsed = round_criteria_sets(round_)
        rankings: dict[int, scoring.Ranking] = {}
        # a criteria set's products at once (scoring.rank_products), the sets in the order of their first entry
        for set_id, products in by_set.items():
            try:
                rankings.update(scoring.rank_products(parsed[set_id], scale, products, procedure))
            except scoring.SheetError as exc:
                raise ValidationError(_refused_sheet(exc)) from exc
    return {entry_id: rankings[entry_id] for entry_id in sheets}


def _refused_sheet(exc: scoring.SheetError) -> str:
    """Which council member's sheet, for which product, cannot be added, and why (by name)."""
    member = User.objects.filter(pk=exc.member).first()
    entry = RoundProduct.objects.select_related("product").filter(pk=exc.product).first()
    return _("Phiếu chấm của %(u)s cho sản phẩm “%(p)s” chưa hợp lệ: %(m)s") % {
        "u": member.display_name if member else exc.member,
        "p": entry.product.name if entry else exc.product,
        "m": exc.reason,
    }


def council_rule(round_: Round):
    return council.rule_for(round_.level, round_.held_on)


def closing_problems(round_: Round, *, today: dt.date | None = None, decided_on: dt.date | None = None) -> list[str]:
    """Why the round cannot be closed now: no product, a meeting date still to come, a decision dated
    outside [meeting date, today], or a council without the members or the quorum the council
    rules require (ocop/evaluation/council.py). Empty when it can be closed."""
    today = today or timezone.localdate()
    problems = []
    entries = list(round_.entries.select_related("product"))
    if not entries:
        problems.append(_("Kỳ đánh giá chưa có sản phẩm nào."))
    held = format_date(round_.held_on)
    if today < round_.held_on:
        problems.append(
            _("Hội đồng họp ngày %(d)s; kỳ đánh giá chỉ kết thúc được từ ngày đó (hôm nay là %(t)s).")
            % {"d": held, "t": format_date(today)}
        )
    if decided_on is not None and not round_.held_on <= decided_on <= today:
        problems.append(_("Ngày quyết định công nhận phải từ ngày họp hội đồng (%(d)s) đến hôm nay.") % {"d": held})
    submitted: dict[int, set] = {}
    for entry_id, user_id in MemberScore.objects.filter(
        round_product__round=round_, submitted_at__isnull=False
    ).values_list("round_product_id", "user_id"):
        submitted.setdefault(entry_id, set()).add(user_id)
    recused: dict[int, set] = {}
    for entry_id, user_id in Recusal.objects.filter(round_product__round=round_).values_list(
        "round_product_id", "user_id"
    ):
        recused.setdefault(entry_id, set()).add(user_id)
    submitted = {k: v - recused.get(k, set()) for k, v in submitted.items()}
    problems += council.closing_problems(
        council_rule(round_), seats=list(round_.seats.all()), entries=entries, submitted=submitted, recused=recused
    )
    return problems


def closing_preview(round_: Round, *, today: dt.date | None = None) -> dict:
    """What closing would do, computed as closing computes it (nothing saved): per product the score,
    the stars, certified / forwarded / not certified, and the certificate number it would get."""
    today = today or timezone.localdate()
    problems = closing_problems(round_, today=today)
    rows = []
    try:
        rankings = rank_round(round_)
        procedure = procedure_of(round_)
    except (ValidationError, scoring.ScoringError) as exc:
        return {
            "problems": problems + [str(m) for m in getattr(exc, "messages", [exc])],
            "rows": [],
            "decided_on": round_.held_on,
            "certificates": 0,
        }
    year = round_.held_on.year
    number = _next_certificate_number(round_.unit, year)
    for entry in round_.entries.select_related("product", "product__entity").order_by("pk"):
        ranking = rankings.get(entry.pk)
        row = {"entry": entry, "ranking": ranking, "certified": False, "forwarded_to": "", "certificate": ""}
        if ranking is not None:
            row["certified"] = ranking.certified and scoring.can_certify(procedure, round_.level, ranking.stars)
            if row["certified"]:
                row["certificate"] = f"{number}/{year}/OCOP-{round_.unit.code}"
                number += 1
            else:
                row["forwarded_to"] = scoring.forwarding(procedure, round_.level, ranking.score) or ""
            row["forwarded_label"] = level_label(row["forwarded_to"]) if row["forwarded_to"] else ""
        rows.append(row)
    return {
        "problems": problems,
        "rows": rows,
        "decided_on": round_.held_on,
        "certificates": sum(1 for r in rows if r["certified"]),
    }


@transaction.atomic
def do_close_round(
    actor, round_: Round, *, decided_on: dt.date | None = None, today: dt.date | None = None, request=None
) -> Round:
    """Close the round (the chair only): refused while closing_problems() lists anything. The decision
    (and the certificates) are dated `decided_on`, by default the meeting date (never after today)."""
    seat = seat_of(actor, round_)
    if seat is None or seat.role != SeatRole.CHAIR:
        raise PermissionDenied
    list(Round.objects.select_for_update().filter(pk=round_.pk).values_list("pk"))  # one close at a time
    round_.refresh_from_db()
    _require_open(round_)
    today = today or timezone.localdate()
    problems = closing_problems(round_, today=today, decided_on=decided_on)
    if problems:
        raise ValidationError(problems)
    entries = list(round_.entries.select_related("product", "product__entity"))
    procedure = procedure_of(round_)
    try:
        rankings = rank_round(round_)
    except scoring.ScoringError as exc:  # e.g. an average outside 0–100 (a sheet that cannot be added: rank_round)
        raise ValidationError(str(exc)) from exc
    missing = [str(entry.product) for entry in entries if entry.pk not in rankings]
    if missing:
        raise ValidationError(_("Chưa có phiếu chấm nào cho: %(p)s.") % {"p": ", ".join(missing)})
    decided_on = decided_on or round_.held_on
    for entry in entries:
        ranking = rankings[entry.pk]
        entry.score = ranking.score
        entry.stars = ranking.stars
        entry.certified = ranking.certified and scoring.can_certify(procedure, round_.level, ranking.stars)
        forwarded_to = None if entry.certified else scoring.forwarding(procedure, round_.level, ranking.score)
        entry.forwarded = bool(forwarded_to)
        entry.forwarded_to = forwarded_to or ""
        entry.save()
        product = entry.product
        if entry.certified:
            Certificate.objects.filter(product=product, status=CertificateStatus.VALID).update(
                status=CertificateStatus.SUPERSEDED
            )
            cert = Certificate.objects.create(
                product=product,
                round_product=entry,
                issuer_unit=round_.unit,
                year=decided_on.year,
                number=_next_certificate_number(round_.unit, decided_on.year),
                issued_on=decided_on,
                valid_until=scoring.certificate_expires_on(procedure, decided_on),
                stars=entry.stars,
            )
            log_action(
                actor,
                "ocop.evaluation.certificate.issued",
                cert,
                after={"number": cert.number_display, "stars": cert.stars, "valid_until": cert.valid_until},
                unit=product.unit,
                request=request,
            )
            certificates.certificate_issued.send(sender=Certificate, certificate=cert, actor=actor)
            record_status_change(product, ProductStatus.CERTIFIED, actor, reason=str(round_), request=request)
        elif not entry.forwarded:
            record_status_change(product, ProductStatus.NOT_CERTIFIED, actor, reason=str(round_), request=request)
        log_action(
            actor,
            "ocop.evaluation.product.ranked",
            entry,
            after={
                "score": entry.score,
                "stars": entry.stars,
                "certified": entry.certified,
                "forwarded_to": entry.forwarded_to,
            },
            unit=round_.unit,
            request=request,
        )
    round_.status = RoundStatus.CLOSED
    round_.closed_by = actor
    round_.closed_at = timezone.now()
    round_.minutes, round_.decision = _draft_documents(round_, entries, decided_on, actor)
    round_.save()
    log_action(
        actor,
        "ocop.evaluation.round.closed",
        round_,
        before={"status": RoundStatus.OPEN},
        after={"status": RoundStatus.CLOSED, "minutes": round_.minutes_id, "decision": round_.decision_id},
        unit=round_.unit,
        request=request,
    )
    return round_


@transaction.atomic
def do_revoke_certificate(actor, cert: Certificate, reason: str, *, request=None) -> Certificate:
    if not can(actor, "evaluation.manage") or not (
        scope_for(actor).covers(cert.product.unit, write=True) or scope_for(actor).covers(cert.issuer_unit, write=True)
    ):
        raise PermissionDenied
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Nêu lý do thu hồi giấy chứng nhận.")})
    if cert.status != CertificateStatus.VALID:
        raise ValidationError(_("Chỉ thu hồi được giấy chứng nhận còn hiệu lực."))
    cert.status = CertificateStatus.REVOKED
    cert.revoked_reason = reason.strip()
    cert.revoked_at = timezone.now()
    cert.save()
    if cert.product.status == ProductStatus.CERTIFIED:
        record_status_change(cert.product, ProductStatus.REVOKED, actor, reason=reason.strip(), request=request)
    log_action(
        actor,
        "ocop.evaluation.certificate.revoked",
        cert,
        before={"status": CertificateStatus.VALID},
        after={"status": CertificateStatus.REVOKED},
        unit=cert.product.unit,
        reason=reason.strip(),
        request=request,
    )
    return cert


# --- renewal and upgrade applications --------------------------------------------------------------


def readable_applications(user) -> QuerySet:
    """Officers: applications for the products of their scope; entity users: their own entities'."""
    return Application.objects.filter(product__in=readable_products(user)).select_related(
        "product",
        "product__entity",
        "product__unit",
        "certificate",
        "certificate__issuer_unit",
        "round",
        "created_by",
        "decided_by",
    )


def is_entity_member(user, product: Product) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.role == Role.ENTITY_USER
        and product.entity.members.filter(user=user).exists()
    )


def renewal_window_months(cert: Certificate) -> int:
    """How many months before expiry a renewal may be asked: `certificate.renewal_window_months` of the
    procedure in force when the certificate was issued (procedures.json, with its source), or of
    today's when that one does not say (a certificate issued before QĐ 1048, or a procedure row
    loaded from version 1 of the file)."""
    for day in (cert.issued_on, timezone.localdate()):
        rule = procedure_rule_on(day)
        months = rule.parsed.certificate.renewal_window_months if rule is not None else None
        if months is not None:
            return months
    raise LookupError("procedures.json: no certificate.renewal_window_months in the procedure in force")  # a data error


def max_stars(day: dt.date | None = None) -> int:
    """The highest rank of the star scale in force on `day` (today): the limit of an upgrade
    (stars.json: its bands, highest first, with their source)."""
    return scale_on(day or timezone.localdate()).bands[0].stars


def renewal_opens_on(cert: Certificate) -> dt.date:
    return scoring.add_months(cert.valid_until, -renewal_window_months(cert))


@transaction.atomic
def do_submit_application(
    actor,
    cert: Certificate,
    kind: str,
    *,
    requested_stars=None,
    note: str = "",
    today: dt.date | None = None,
    request=None,
) -> Application:
    """An entity user asks for the certified product to be evaluated again: renewal from 6 months
    before the certificate expires, upgrade (to more stars) at any time while it is valid."""
    product = cert.product
    if not can(actor, "evaluation.apply") or not is_entity_member(actor, product):
        raise PermissionDenied
    today = today or timezone.localdate()
    if kind not in ApplicationKind.values:
        raise ValidationError({"kind": _("Chọn loại đề nghị.")})
    if cert.status != CertificateStatus.VALID or cert.valid_until <= today:
        raise ValidationError(_("Giấy chứng nhận không còn hiệu lực."))
    stars = None
    if kind == ApplicationKind.RENEWAL:
        opens = renewal_opens_on(cert)
        if today < opens:
            raise ValidationError(
                {
                    "kind": _(
                        "Đề nghị đánh giá lại được gửi từ ngày %(d)s (%(m)s tháng trước khi giấy chứng "
                        "nhận hết hiệu lực)."
                    )
                    % {"d": format_date(opens), "m": renewal_window_months(cert)}
                }
            )
    else:
        try:
            stars = int(requested_stars)
        except (TypeError, ValueError):
            stars = None
        highest = max_stars(today)
        if stars is None or not cert.stars < stars <= highest:
            raise ValidationError(
                {
                    "requested_stars": _(
                        "Hạng sao đề nghị phải cao hơn hạng hiện tại (%(s)s sao) và không quá %(m)s sao."
                    )
                    % {"s": cert.stars, "m": highest}
                }
            )
    if product.applications.filter(status=ApplicationStatus.SUBMITTED).exists():
        raise ValidationError(_("Sản phẩm đã có một đề nghị đang chờ xét."))
    application = Application.objects.create(
        product=product,
        kind=kind,
        certificate=cert,
        requested_stars=stars,
        note=(note or "").strip()[:2000],
        created_by=actor,
    )
    log_action(
        actor,
        "ocop.evaluation.application.submitted",
        application,
        after={"product": product.pk, "kind": kind, "certificate": cert.number_display, "requested_stars": stars},
        unit=product.unit,
        request=request,
    )
    return application


def can_decide_application(user, application: Application) -> bool:
    """Officers who open rounds where the product is (province officers, central administrators)."""
    return (
        can(user, "evaluation.manage")
        and application.status == ApplicationStatus.SUBMITTED
        and scope_for(user).covers(application.product.unit, write=True)
    )


@transaction.atomic
def do_reject_application(actor, application: Application, reason: str, *, request=None) -> Application:
    """Refuse a renewal or upgrade application, with the reason; the entity's users are told."""
    application = (
        Application.objects.select_for_update().select_related("product", "product__entity").get(pk=application.pk)
    )
    if not can(actor, "evaluation.manage") or not scope_for(actor).covers(application.product.unit, write=True):
        raise PermissionDenied
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("Đề nghị này đã được xét (%(s)s).") % {"s": application.get_status_display()})
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise ValidationError({"reason": _("Ghi lý do không chấp nhận để chủ thể biết cần bổ sung gì.")})
    application.status = ApplicationStatus.REJECTED
    application.decision_reason = reason
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    log_action(
        actor,
        "ocop.evaluation.application.rejected",
        application,
        before={"status": ApplicationStatus.SUBMITTED},
        after={"status": ApplicationStatus.REJECTED},
        reason=reason,
        unit=application.product.unit,
        request=request,
    )
    members = [m.user for m in application.product.entity.members.select_related("user")]
    notify(
        members,
        _("Đề nghị %(k)s sản phẩm “%(p)s” không được chấp nhận: %(r)s")
        % {"k": application.get_kind_display().lower(), "p": application.product.name, "r": reason[:300]},
        "/evaluation/applications/",
    )
    return application


# --- documents ------------------------------------------------------------------------------------

COUNCIL_SYMBOL = "BB-HĐOCOP"  # the council's own series (biên bản)
DECISION_SYMBOL = "QĐ-UBND"


def _issuers(unit, day: dt.date):
    """The UBND that recognises (for a province: its dated issuer, ocop/documents/issuers.py) and the
    council that meets, each with its own number series. Issuer codes are only the register's keys:
    documents carry the symbols QĐ-UBND and BB-HĐOCOP."""
    from ocop.documents.issuers import provincial_issuer
    from ocop.documents.models import BodyKind, Issuer

    place = unit.name
    kind = (unit.type or "").lower()
    authority = f"Ủy ban nhân dân {kind} {unit.name}".replace("  ", " ")
    # one line per name: the documents app sizes each header line to fit its column (never cut mid-name)
    ubnd_header = f"ỦY BAN NHÂN DÂN\n{kind} {unit.name}".upper().replace("  ", " ")
    if unit.level == Level.PROVINCE:
        ubnd = provincial_issuer(unit, day, BodyKind.UBND)
    else:  # a district council (until 30/6/2025): the district's UBND
        ubnd, _c = Issuer.objects.get_or_create(
            code=f"UBND-{unit.code}-{unit.era}"[:40],
            defaults={
                "name": authority,
                "header": ubnd_header,
                "place": place,
                "body_kind": BodyKind.UBND,
                "unit": unit,
                "valid_from": unit.valid_from,
                "valid_to": unit.valid_to,
                "archive": "VT",
                "signature_title": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
            },
        )
    council_, _c = Issuer.objects.get_or_create(
        code=f"HĐOCOP-{unit.code}-{unit.era}"[:40],
        defaults={
            "name": f"Hội đồng đánh giá, phân hạng sản phẩm OCOP {kind} {unit.name}",
            "parent_name": ubnd_header,
            "header": "HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG\nSẢN PHẨM OCOP",
            "place": place,
            "is_council": True,
            "body_kind": BodyKind.COUNCIL,
            "unit": unit,
            "valid_from": unit.valid_from,
            "valid_to": unit.valid_to,
            "archive": "HĐ",
            "signature_title": "CHỦ TỊCH HỘI ĐỒNG",
        },
    )
    # issuers created before headers were split carried the authority on one line
    if council_.parent_name.strip() == authority.upper():
        council_.parent_name = ubnd_header
        council_.save(update_fields=["parent_name"])
    return ubnd, council_


def _bold(text: str) -> list[dict]:
    return [{"text": text, "bold": True}]


def _result_text(entry: RoundProduct) -> str:
    stars = f"{entry.stars} sao" if entry.stars else "—"
    verdict = (
        "đạt, đề nghị công nhận"
        if entry.certified
        else (f"chuyển {level_label(entry.forwarded_to)}" if entry.forwarded else "không đạt")
    )
    return f"{entry.product.name} ({entry.product.entity.name}): {fmt_points(entry.score or Decimal(0))} điểm, {stars}; {verdict}."


def _draft_documents(round_: Round, entries, decided_on: dt.date, actor=None):
    """The council's minutes (biên bản, signed by the chair and the secretary) and, when a product is
    certified, the recognition decision (quyết định, Điều 1/2/3), both issued at once with the next
    number of their issuer's series, in the NĐ 30 layout."""
    from ocop.documents.models import DocumentKind
    from ocop.documents.services import do_create_draft, do_issue

    from ocop.documents.text import nd30_date

    ubnd, council_ = _issuers(round_.unit, decided_on)
    seats = list(round_.seats.select_related("user"))
    chair = next((s.user for s in seats if s.role == SeatRole.CHAIR), None)
    secretary = next((s.user for s in seats if s.role == SeatRole.SECRETARY), None)
    held = round_.held_on
    held_text = nd30_date(held)
    area = f"{(round_.unit.type or '').lower()} {round_.unit.name}".strip()
    members = [f"- {s.user.display_name}: {s.get_role_display().lower()};" for s in seats]
    recusals = list(
        Recusal.objects.filter(round_product__round=round_).select_related("user", "round_product__product")
    )
    opening = [
        f"Hôm nay, {held_text}, Hội đồng đánh giá, phân hạng sản phẩm OCOP {area} họp đánh giá, phân hạng "
        f"{len(entries)} sản phẩm theo {round_.procedure.title}.",
        _bold("I. THÀNH PHẦN"),
        *members,
        _bold("II. NỘI DUNG"),
        "Các thành viên Hội đồng chấm điểm từng sản phẩm theo bộ tiêu chí áp dụng; điểm của sản phẩm là điểm trung "
        "bình của các thành viên đã chấm.",
        *[
            f"{r.user.display_name} không tham gia chấm sản phẩm “{r.round_product.product.name}” (lý do: {r.reason})."
            for r in recusals
        ],
        _bold("III. KẾT QUẢ"),
        *[f"{i}. {_result_text(e)}" for i, e in enumerate(entries, 1)],
    ]
    minutes = do_create_draft(
        None,
        issuer=council_,
        kind=DocumentKind.BIEN_BAN,
        symbol=COUNCIL_SYMBOL,
        date=held,
        subject=f"Họp Hội đồng đánh giá, phân hạng sản phẩm OCOP {area} – {round_.name}",
        content={
            "opening": opening,
            "requests": [],
            "closing": [
                f"Biên bản được lập xong vào {held_text}, đã thông qua tại cuộc họp và được các thành viên "
                f"Hội đồng nhất trí./."
            ],
        },
        template_name="bien_ban_hoi_dong.docx",
        signature_title="CHỦ TỊCH HỘI ĐỒNG",
        signer_name=chair.display_name if chair else "",
        # the bien_ban_hoi_dong.docx template prints these two lines as the secretary's signature block
        noi_nhan=["THƯ KÝ HỘI ĐỒNG", secretary.display_name if secretary else "…"],
    )
    minutes = do_issue(None, minutes)
    certified = [e for e in entries if e.certified]
    decision = None
    if certified:
        authority = f"CHỦ TỊCH ỦY BAN NHÂN DÂN {area.upper()}"
        validity = scoring.certificate_expires_on(procedure_of(round_), decided_on)
        decision = do_create_draft(
            None,
            issuer=ubnd,
            kind=DocumentKind.QUYET_DINH,
            symbol=DECISION_SYMBOL,
            date=decided_on,
            subject=f"Về việc công nhận sản phẩm đạt chuẩn OCOP {area} – {round_.name}",
            content={
                "opening": [
                    _bold(authority),
                    f"Căn cứ {round_.procedure.title};",
                    f"Căn cứ kết quả họp Hội đồng đánh giá, phân hạng sản phẩm OCOP {area} {held_text} "
                    f"(Biên bản số {minutes.number_and_symbol});",
                    _bold("QUYẾT ĐỊNH:"),
                    [
                        {"text": "Điều 1. ", "bold": True},
                        {"text": f"Công nhận {len(certified)} sản phẩm đạt chuẩn sản phẩm OCOP {area}, gồm:"},
                    ],
                    *[
                        f"{i}. {e.product.name} – {e.product.entity.name}: {e.stars} sao ({fmt_points(e.score)} điểm)."
                        for i, e in enumerate(certified, 1)
                    ],
                    [
                        {"text": "Điều 2. ", "bold": True},
                        {
                            "text": "Giấy chứng nhận sản phẩm OCOP của các sản phẩm tại Điều 1 có giá trị 36 tháng kể từ "
                            f"ngày ký Quyết định này (đến hết ngày {format_date(validity - dt.timedelta(days=1))})."
                        },
                    ],
                    [
                        {"text": "Điều 3. ", "bold": True},
                        {
                            "text": "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân, Thủ trưởng "
                            "các cơ quan, đơn vị có liên quan và các chủ thể có sản phẩm tại Điều 1 chịu trách nhiệm "
                            "thi hành Quyết định này./."
                        },
                    ],
                ],
                "requests": [],
                "closing": [],
            },
            noi_nhan=["Như Điều 3;", "Lưu: VT."],
        )
        decision = do_issue(None, decision)
    return minutes, decision


def product_choices_for(round_: Round) -> QuerySet:
    """Products of the round's territory with a complete dossier, not yet in an open round; a
    certified product only with a pending renewal or upgrade application (`pending_kinds` lists them)."""
    t = territory(round_.unit)
    qs = Product.objects.alive().filter(entity__deleted_at__isnull=True, dossiers__status="complete").distinct()
    qs = (_within(t, qs, "unit") | _within(t, qs, "entity__unit")).distinct()
    applied = Application.objects.filter(status=ApplicationStatus.SUBMITTED).values("product_id")
    qs = qs.exclude(Q(status=ProductStatus.CERTIFIED) & ~Q(pk__in=applied))
    return qs.exclude(round_entries__round__status=RoundStatus.OPEN).select_related("entity").order_by(vi_order("name"))


def pending_applications_by_product(products) -> dict[int, list[Application]]:
    out: dict[int, list[Application]] = {}
    products = list(products)
    if not products:  # a round page without the form that adds products: no query to build
        return out
    for a in Application.objects.filter(status=ApplicationStatus.SUBMITTED, product__in=products).order_by("pk"):
        out.setdefault(a.product_id, []).append(a)
    return out


def seat_choices_for(round_: Round) -> QuerySet:
    """Council members and officers of the round's territory (or of its province), and central users."""
    qs = User.objects.filter(is_active=True, role__in=SEATABLE_ROLES).exclude(council_seats__round=round_)
    local = _within(territory(round_.unit), qs, "scope_unit")
    q = Q(role__in=[Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER]) | Q(pk__in=local.values("pk"))
    if round_.unit.province_id:
        q |= Q(scope_unit=round_.unit.province_id)
    return qs.filter(q).order_by("username")
