"""Demo reporting data (DEMO): the seed request of Công văn 9654/BNN-VPĐP with the provinces'
answers, and periodic OCOP reports of 2026, so that every reporting page has something to show.

What is created (deterministic: fixed random seed; run again, nothing happens when demo requests
exist):

- one demo province officer per current province, ``demo.tinh.<code>`` (unusable password), except
  Thái Nguyên and Hà Tĩnh, which use the demo accounts ``tinh.thainguyen`` and ``tinh.hatinh``. A
  current province's officer answers for the legacy provinces it absorbed (2018 reports);
- THE SEED REQUEST: "Báo cáo kết quả triển khai Chương trình OCOP năm 2018", Công văn số
  9654/BNN-VPĐP of 12/12/2018, to the 63 provinces of 31/12/2018, due 10/01/2019, closed. 56 provinces
  answered: the date is that of the province's report in the directive-documents registry
  (programme demo: "Báo cáo kết quả triển khai Chương trình OCOP năm 2018 ...") when it has one, so
  most are on time and several late; a few were returned once with a comment and accepted after
  correction; a handful were never reviewed; 7 never answered;
- periodic requests of template ``ocop-periodic`` to the 34 current provinces: Q1, Q2, 6 tháng đầu
  năm and Q3 2026 (closed, most answered and accepted), and "Năm 2026" (open: about half answered,
  some drafts, the rest, including Thái Nguyên and Hà Tĩnh, still to answer).

Everything goes through the reporting services (validated, audited, pre-filled from the programme
registries); the services stamp "now", so the historical times (opened, submitted, reviewed) are
written afterwards, in Vietnam time. The figures are the registries' pre-filled values plus invented
but plausible numbers and narrative that agree with them and with the seed (only the 22 provinces it
names had an approved Đề án/Kế hoạch on 12/12/2018; Bắc Kạn alone had ranked products in 2018).
The story's "today" is DEMO_NOW (27/11/2026: the annual request is open, due 17/12/2026); on a machine
whose clock is behind it, no event is dated later than the clock. In-app notifications the services
send about past events are removed; those about the open request are kept, dated when the event
happened. Audit entries keep the time they were written (the audit trail is append-only).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.models import Role, User
from ocop.accounts.services.users import AUDITED_FIELDS
from ocop.audit.services import log_action, snapshot
from ocop.geo.models import AdminUnit, Era, Level, UnitSuccession
from ocop.lib.dates import format_date
from ocop.lib.formatting import format_number
from ocop.notifications.models import Notification
from ocop.programme.models import (
    CycleMilestone,
    DirectiveDocument,
    DocumentKind,
    MilestoneKind,
    PlanKind,
    ProvincialPlan,
)
from ocop.reporting import periods
from ocop.reporting.models import (
    ReportRequest,
    ReportTemplate,
    RequestKind,
    RequestStatus,
    ReviewComment,
    Submission,
    SubmissionSource,
    SubmissionStatus,
)
from ocop.reporting.services import requests as req_service
from ocop.reporting.services import submissions as svc

SEED = 9654_2018
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# "today" of the demo story: the annual 2026 request is open, its deadline (17/12/2026) still ahead
DEMO_NOW = dt.datetime(2026, 11, 27, 17, 30, tzinfo=VN)

SEED_TEMPLATE = "ocop-cv9654-2018"
PERIODIC_TEMPLATE = "ocop-periodic"
SEED_TITLE = "Báo cáo kết quả triển khai Chương trình OCOP năm 2018"
SEED_NUMBER = "9654/BNN-VPĐP"
SEED_ISSUED = dt.date(2018, 12, 12)
SEED_START = dt.date(2018, 1, 1)
SEED_CUTOFF = dt.date(2018, 12, 31)
SEED_DEADLINE = dt.date(2019, 1, 10)
SEED_LEGAL_BASIS = (
    "Quyết định số 490/QĐ-TTg ngày 07/5/2018 của Thủ tướng Chính phủ về Phê duyệt Chương trình Mỗi xã một sản phẩm "
    "giai đoạn 2018 - 2020; Quyết định số 01/QĐ-BCĐTW ngày 22/8/2018 của Ban Chỉ đạo Trung ương các Chương trình "
    "mục tiêu quốc gia, giai đoạn 2016 - 2020 về ban hành Kế hoạch triển khai Chương trình Mỗi xã một sản phẩm "
    "giai đoạn 2018 - 2020 (Chương trình OCOP)."
)
PERIODIC_LEGAL_BASIS = (
    "Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 của Chính phủ quy định chế độ báo cáo của cơ quan hành chính nhà nước"
)
# (kind, number, opened on, open at the end?)
PERIODIC_REQUESTS = [
    (periods.QUARTER, 1, dt.date(2026, 3, 2), False),
    (periods.QUARTER, 2, dt.date(2026, 6, 1), False),
    (periods.HALF_YEAR, 1, dt.date(2026, 6, 1), False),
    (periods.QUARTER, 3, dt.date(2026, 8, 31), False),
    (periods.YEAR, 1, dt.date(2026, 11, 9), True),
]
NEXT_PERIOD = {
    "2026-Q1": "quý II năm 2026",
    "2026-Q2": "quý III năm 2026",
    "2026-H1": "6 tháng cuối năm 2026",
    "2026-Q3": "quý IV năm 2026",
    "2026-Y": "năm 2027",
}

# provinces whose seed report is submitted and accepted whatever the dice say (the demo accounts'
# provinces and the ones the seed praises by name)
SEED_ACCEPTED = {"06", "19", "42", "22", "49"}
SEED_MISSING = 7
SEED_NOT_REVIEWED = 5
SEED_RETURNED = 4
OFFICER_PREFIX = "demo.tinh."
EXISTING_OFFICERS = {"19": "tinh.thainguyen", "42": "tinh.hatinh"}


# --- small helpers ------------------------------------------------------------------------------


def _money(amount: int | None) -> str:
    """1.250 triệu đồng / 12,5 tỷ đồng."""
    amount = int(amount or 0)
    if amount >= 10_000_000_000:
        return f"{amount / 1e9:.1f}".replace(".", ",").replace(",0", "") + " tỷ đồng"
    return format_number(round(amount / 1e6)) + " triệu đồng"


def _number(n: int) -> str:
    return format_number(n)


def _vn(day: dt.date) -> str:
    return format_date(day)


def _quarter(day: dt.date) -> str:
    return f"quý {['I', 'II', 'III', 'IV'][(day.month - 1) // 3]} năm {day.year}"


def _place(unit: AdminUnit) -> str:
    """ "tỉnh Bắc Kạn", "thành phố Hải Phòng"."""
    return f"{unit.type.lower()} {unit.name}"


@dataclass
class Script:
    """What happens to one unit's report, and when."""

    unit: AdminUnit
    officer: User
    outcome: str  # missing | draft | submitted | returned | accepted | returned_accepted
    first: dt.datetime | None = None
    opened: dt.datetime | None = None
    returned: dt.datetime | None = None
    resubmitted: dt.datetime | None = None
    reviewed: dt.datetime | None = None
    updated: dt.datetime | None = None
    source: str = SubmissionSource.WEB


class _Demo:
    def __init__(self):
        self.rng = random.Random(SEED)
        # no demo event after this: a fixed moment (deterministic), or now on a machine whose clock is behind
        self.latest = min(DEMO_NOW, timezone.now() - dt.timedelta(minutes=10))
        self.central = self._central_user()
        self.notification_floor = Notification.objects.aggregate(m=Max("id"))["m"] or 0
        self.closed: list[ReportRequest] = []
        self.open: list[ReportRequest] = []
        self.timeline: dict[int, Script] = {}  # submission id -> script

    # -- time --------------------------------------------------------------------------------

    def at(self, day: dt.date, lo: tuple[int, int] = (7, 45), hi: tuple[int, int] = (17, 15)) -> dt.datetime:
        start, end = lo[0] * 60 + lo[1], hi[0] * 60 + hi[1]
        minute = self.rng.randint(start, end)
        return self.clamp(dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=VN))

    def clamp(self, moment: dt.datetime) -> dt.datetime:
        return min(moment, self.latest)

    def working_day(self, start: dt.date, end: dt.date) -> dt.date:
        days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        days = [d for d in days if periods.is_working_day(d)] or [start]
        return self.rng.choice(days)

    def after(self, moment: dt.datetime, lo: int, hi: int) -> dt.datetime:
        """A time lo..hi working days after `moment` (same day allowed when lo is 0, later in the day)."""
        n = self.rng.randint(lo, hi)
        if n == 0:  # later the same day, or the next working morning
            target = moment + dt.timedelta(minutes=self.rng.randint(30, 150))
            if timezone.localtime(target, VN).time() > dt.time(17, 30):
                target = self.at(periods.next_working_day(timezone.localtime(moment, VN).date()), hi=(11, 30))
        else:
            target = self.at(periods.add_working_days(timezone.localtime(moment, VN).date(), n))
        if target >= self.latest:  # would be in the future: a working moment between `moment` and then
            target = self.between(moment, self.latest)
        return max(target, moment + dt.timedelta(minutes=1)).replace(microsecond=0)

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        """A moment in office hours strictly between `start` and `end` when there is one (else halfway)."""
        start, end = timezone.localtime(start, VN), timezone.localtime(end, VN)
        options = []
        day = start.date()
        while day <= end.date():
            if periods.is_working_day(day):
                lo = dt.datetime.combine(day, dt.time(7, 45), tzinfo=VN)
                hi = dt.datetime.combine(day, dt.time(17, 15), tzinfo=VN)
                lo, hi = max(lo, start + dt.timedelta(minutes=20)), min(hi, end - dt.timedelta(minutes=5))
                if lo < hi:
                    options.append((lo, hi))
            day += dt.timedelta(days=1)
        if not options:
            return start + (end - start) / 2
        lo, hi = self.rng.choice(options)
        return lo + dt.timedelta(minutes=self.rng.randint(0, int((hi - lo).total_seconds() // 60)))

    # -- people --------------------------------------------------------------------------------

    @staticmethod
    def _central_user() -> User:
        """The demo central officer; the demo accounts are created first if they are missing."""
        needed = {"tw.canbo", *EXISTING_OFFICERS.values()}
        if User.objects.filter(username__in=needed).count() < len(needed):
            from ocop.demo.accounts import create_demo_users

            create_demo_users()
        return User.objects.get(username="tw.canbo")

    def province_officers(self) -> dict[str, User]:
        """One demo province officer per current province (code -> user)."""
        officers: dict[str, User] = {}
        for unit in AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("code"):
            username = EXISTING_OFFICERS.get(unit.code) or f"{OFFICER_PREFIX}{unit.code}"
            user = User.objects.filter(username=username).select_related("scope_unit").first()
            if user is None:
                user = User(
                    username=username,
                    role=Role.PROVINCE_OFFICER,
                    scope_unit=unit,
                    is_demo=True,
                    is_active=True,
                    full_name=f"Cán bộ OCOP {unit.name} (demo)",
                    organisation=f"Sở Nông nghiệp và Môi trường {'TP. Hồ Chí Minh' if unit.code == '79' else unit.name}",
                )
                user.set_unusable_password()
                user.save()
                log_action(
                    None, "ocop.user.created", user, after=snapshot(user, AUDITED_FIELDS), unit=unit, reason="demo"
                )
            officers[unit.code] = user
        return officers

    # -- requests ------------------------------------------------------------------------------

    def create_request(self, *, opened: dt.datetime, created: dt.datetime, **kwargs) -> ReportRequest:
        req = req_service.do_create_request(self.central, **kwargs)
        req_service.do_open_request(self.central, req)
        ReportRequest.objects.filter(pk=req.pk).update(is_demo=True, created_at=created, opened_at=opened)
        req.refresh_from_db()
        return req

    def run_scripts(self, req: ReportRequest, scripts: list[Script], values_for, return_for) -> None:
        """Play every unit's script through the services, then write the historical times."""
        for script in scripts:
            if script.outcome == "missing":
                continue
            officer = script.officer
            sub = svc.do_open_submission(officer, req, script.unit)
            values, reasons = values_for(req, sub, script)
            if script.outcome == "draft":
                svc.do_save_draft(officer, sub, values)
            else:
                svc.do_save_draft(officer, sub, values, reasons=reasons, source=script.source)
                svc.do_submit(officer, sub, at=script.first)
                if script.outcome in ("returned", "returned_accepted"):
                    section, comment, fix = return_for(req, sub, script)
                    svc.do_return(self.central, sub, {section: comment})
                    ReviewComment.objects.filter(submission=sub).update(created_at=script.returned)
                    if script.outcome == "returned_accepted":
                        svc.do_save_draft(officer, sub, fix)
                        svc.do_submit(officer, sub, at=script.resubmitted)
                        svc.do_accept(self.central, sub)
                elif script.outcome == "accepted":
                    svc.do_accept(self.central, sub)
            last = max(
                t
                for t in (
                    script.opened,
                    script.first,
                    script.returned,
                    script.resubmitted,
                    script.reviewed,
                    script.updated,
                )
                if t is not None
            )
            update = {"is_demo": True, "created_at": script.opened, "updated_at": last}
            if script.first is not None:
                update.update(first_submitted_at=script.first, submitted_at=script.resubmitted or script.first)
            if script.outcome == "returned":
                update["reviewed_at"] = script.returned
            elif script.reviewed is not None:
                update["reviewed_at"] = script.reviewed
            Submission.objects.filter(pk=sub.pk).update(**update)
            self.timeline[sub.pk] = script

    def schedule(self, script: Script, request_opened: dt.datetime) -> Script:
        """Fill in the times around a script's first submission (or its draft)."""
        anchor = script.first or script.updated
        anchor_day = timezone.localtime(anchor, VN).date()
        first_day = max(timezone.localtime(request_opened, VN).date(), anchor_day - dt.timedelta(days=8))
        script.opened = self.at(self.working_day(first_day, anchor_day))
        if not request_opened < script.opened < anchor:
            script.opened = self.between(request_opened, anchor)
        if script.outcome == "accepted":
            script.reviewed = self.after(script.first, 0, 5)
        elif script.outcome in ("returned", "returned_accepted"):
            script.returned = self.after(script.first, 1, 3)
            if script.outcome == "returned_accepted":
                script.resubmitted = self.after(script.returned, 1, 4)
                script.reviewed = self.after(script.resubmitted, 0, 2)
        return script

    # -- the seed request ----------------------------------------------------------------------

    def seed_request(self, officers: dict[str, User]) -> None:
        template = ReportTemplate.objects.filter(code=SEED_TEMPLATE).order_by("-version").first()
        recipients = list(req_service.default_recipients(Level.PROVINCE, SEED_CUTOFF).order_by("code"))
        opened = dt.datetime(2018, 12, 12, 16, 30, tzinfo=VN)
        req = self.create_request(
            opened=opened,
            created=dt.datetime(2018, 12, 12, 15, 10, tzinfo=VN),
            title=SEED_TITLE,
            template=template,
            kind=RequestKind.ADHOC,
            period_start=SEED_START,
            cutoff=SEED_CUTOFF,
            deadline=SEED_DEADLINE,
            deadline_rule=periods.DEADLINE_BEFORE,
            legal_basis=SEED_LEGAL_BASIS,
            recipients=recipients,
            issued_on=SEED_ISSUED,
            document_number=SEED_NUMBER,
            reminder_offsets=[-3, 0, 2],
        )
        successor = dict(
            UnitSuccession.objects.filter(predecessor__in=recipients, successor__level=Level.PROVINCE).values_list(
                "predecessor_id", "successor__code"
            )
        )
        # the date of each province's report, from its directive-documents registry (programme demo)
        reported: dict[int, dt.date] = {}
        for unit_id, day in (
            DirectiveDocument.objects.alive()
            .filter(unit__in=recipients, kind=DocumentKind.OTHER, summary__contains="9654", date__gt=SEED_CUTOFF)
            .order_by("date")
            .values_list("unit_id", "date")
        ):
            reported.setdefault(unit_id, day)
        self.seed_facts = _SeedFacts(recipients)

        rng = self.rng
        without = [u for u in recipients if u.pk not in reported and u.code not in SEED_ACCEPTED]
        laggards = [u for u in without if u.code not in self.seed_facts.approved] or without
        missing = set(u.pk for u in rng.sample(laggards, min(SEED_MISSING, len(laggards))))
        if len(missing) < SEED_MISSING:
            pool = [u for u in recipients if u.pk not in missing and u.code not in SEED_ACCEPTED]
            missing |= {u.pk for u in rng.sample(pool, SEED_MISSING - len(missing))}
        answering = [u for u in recipients if u.pk not in missing]
        free = [u for u in answering if u.code not in SEED_ACCEPTED]
        rng.shuffle(free)
        returned = {u.pk for u in free[:SEED_RETURNED]}
        not_reviewed = {u.pk for u in free[SEED_RETURNED : SEED_RETURNED + SEED_NOT_REVIEWED]}
        self.seed_overrides = {
            u.pk for u in free[SEED_RETURNED + SEED_NOT_REVIEWED : SEED_RETURNED + SEED_NOT_REVIEWED + 3]
        }

        scripts = []
        for unit in recipients:
            officer = officers[successor[unit.pk]]
            if unit.pk in missing:
                scripts.append(Script(unit, officer, "missing"))
                continue
            day = reported.get(unit.pk)
            if day is None:  # answered in the system without registering its report
                # "trước ngày 10/01/2019": on time up to 09/01/2019
                day = (
                    self.working_day(dt.date(2019, 1, 2), SEED_DEADLINE - dt.timedelta(days=1))
                    if unit.code in SEED_ACCEPTED or rng.random() < 0.75
                    else self.working_day(dt.date(2019, 1, 11), dt.date(2019, 1, 25))
                )
            outcome = (
                "returned_accepted" if unit.pk in returned else "submitted" if unit.pk in not_reviewed else "accepted"
            )
            script = Script(
                unit,
                officer,
                outcome,
                first=self.at(day),
                source=SubmissionSource.XLSX if rng.random() < 0.15 else SubmissionSource.WEB,
            )
            scripts.append(self.schedule(script, opened))
        self.run_scripts(req, scripts, self.seed_values, self.seed_return)
        req_service.do_close_request(self.central, req)
        self.closed.append(req)

    def seed_values(self, req: ReportRequest, sub: Submission, script: Script) -> tuple[dict, dict]:
        return _seed_narrative(self.rng, self.seed_facts, sub, script, override=sub.unit_id in self.seed_overrides)

    def seed_return(self, req, sub, script):
        return _return_comment(self.rng, SEED_RETURNS, sub)

    # -- periodic requests ---------------------------------------------------------------------

    def periodic_requests(self, officers: dict[str, User]) -> None:
        template = ReportTemplate.objects.filter(code=PERIODIC_TEMPLATE).order_by("-version").first()
        units = list(AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("code"))
        self.period_facts = _PeriodFacts(units)
        for kind, number, opened_on, stays_open in PERIODIC_REQUESTS:
            per = periods.period(kind, 2026, number)
            deadline = periods.default_deadline(kind, per)
            opened = self.clamp(dt.datetime.combine(opened_on, dt.time(8, 40), tzinfo=VN))
            recipients = list(req_service.default_recipients(Level.PROVINCE, per.end).order_by("code"))
            req = self.create_request(
                opened=opened,
                created=opened - dt.timedelta(minutes=35),
                title=f"{template.title} — {per.label_vi}",
                template=template,
                kind=RequestKind.PERIODIC,
                period_start=per.start,
                cutoff=per.end,
                period_code=per.code,
                deadline=deadline,
                legal_basis=PERIODIC_LEGAL_BASIS,
                recipients=recipients,
            )
            scripts = (
                self.open_scripts(req, recipients, officers)
                if stays_open
                else self.closed_scripts(req, recipients, officers)
            )
            self.run_scripts(req, scripts, self.periodic_values, self.periodic_return)
            if stays_open:
                self.open.append(req)
            else:
                req_service.do_close_request(self.central, req)
                self.closed.append(req)

    def closed_scripts(self, req: ReportRequest, units: list[AdminUnit], officers) -> list[Script]:
        rng = self.rng
        free = [u for u in units if u.code not in EXISTING_OFFICERS]
        rng.shuffle(free)
        n_missing, n_late = rng.randint(2, 4), rng.randint(1, 3)
        missing = {u.pk for u in free[:n_missing]}
        late = {u.pk for u in free[n_missing : n_missing + n_late]}
        rest = free[n_missing + n_late :]
        returned = {u.pk for u in rest[: rng.randint(1, 2)]}
        not_reviewed = {u.pk for u in rest[len(returned) : len(returned) + rng.randint(0, 2)]}
        opened = timezone.localtime(req.opened_at, VN)
        scripts = []
        for unit in units:
            officer = officers[unit.code]
            if unit.pk in missing:
                scripts.append(Script(unit, officer, "missing"))
                continue
            if unit.pk in late:
                day = self.working_day(req.deadline + dt.timedelta(days=1), req.deadline + dt.timedelta(days=14))
            else:
                day = self.working_day(req.cutoff - dt.timedelta(days=3), req.deadline)
            outcome = (
                "returned_accepted" if unit.pk in returned else "submitted" if unit.pk in not_reviewed else "accepted"
            )
            script = Script(
                unit,
                officer,
                outcome,
                first=self.at(day),
                source=SubmissionSource.XLSX if rng.random() < 0.2 else SubmissionSource.WEB,
            )
            scripts.append(self.schedule(script, opened))
        return scripts

    def open_scripts(self, req: ReportRequest, units: list[AdminUnit], officers) -> list[Script]:
        """About half answered (some accepted, some waiting, two returned), some drafts, the rest not
        started; Thái Nguyên has a draft and Hà Tĩnh nothing yet, for the demo accounts to finish."""
        rng = self.rng
        free = [u for u in units if u.code not in EXISTING_OFFICERS]
        rng.shuffle(free)
        plan = ["accepted"] * 7 + ["submitted"] * 8 + ["returned"] * 2 + ["draft"] * 5
        plan += ["missing"] * (len(free) - len(plan))
        outcome_of = {u.pk: o for u, o in zip(free, plan)}
        outcome_of.update(
            {u.pk: "draft" if u.code == "19" else "missing" for u in units if u.code in EXISTING_OFFICERS}
        )
        opened = timezone.localtime(req.opened_at, VN)
        first_day = periods.add_working_days(opened.date(), 2)
        last_day = min(dt.date(2026, 11, 27), timezone.localtime(self.latest, VN).date())
        scripts = []
        for unit in units:
            outcome = outcome_of[unit.pk]
            script = Script(unit, officers[unit.code], outcome)
            if outcome == "missing":
                scripts.append(script)
                continue
            moment = self.at(self.working_day(first_day, max(first_day, last_day)))
            if outcome == "draft":
                script.updated = moment
            else:
                script.first = moment
                script.source = SubmissionSource.XLSX if rng.random() < 0.2 else SubmissionSource.WEB
            scripts.append(self.schedule(script, opened))
        return scripts

    def periodic_values(self, req: ReportRequest, sub: Submission, script: Script) -> tuple[dict, dict]:
        return _periodic_narrative(self.rng, self.period_facts, req, sub, script)

    def periodic_return(self, req, sub, script):
        return _return_comment(self.rng, PERIODIC_RETURNS, sub)

    # -- notifications ---------------------------------------------------------------------------

    def tidy_notifications(self) -> None:
        """Notifications the services sent about past events go; those about the open request stay,
        dated when the event happened. Runs after the services' own on-commit notifications."""
        floor = self.notification_floor
        closed_paths = {reverse("reporting:request_detail", args=[r.pk]) for r in self.closed}
        open_times: dict[str, dt.datetime] = {}
        for req in self.open:
            open_times[reverse("reporting:request_detail", args=[req.pk])] = req.opened_at
        for sub in Submission.objects.filter(request__in=self.closed).only("pk"):
            closed_paths.add(reverse("reporting:submission", args=[sub.pk]))
        Notification.objects.filter(id__gt=floor, url__in=closed_paths).delete()
        for path, moment in open_times.items():
            Notification.objects.filter(id__gt=floor, url=path).update(created_at=moment)
        national = set(
            User.objects.filter(role__in=[Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER]).values_list("pk", flat=True)
        )
        for sub in Submission.objects.filter(request__in=self.open).only("pk"):
            script = self.timeline.get(sub.pk)
            if script is None:
                continue
            path = reverse("reporting:submission", args=[sub.pk])
            rows = Notification.objects.filter(id__gt=floor, url=path)
            if script.first:
                rows.filter(user_id__in=national).update(created_at=script.first)
            review = script.returned or script.reviewed
            if review:
                rows.exclude(user_id__in=national).update(created_at=review)

    # -- all -----------------------------------------------------------------------------------

    def run(self) -> None:
        officers = self.province_officers()
        self.seed_request(officers)
        self.periodic_requests(officers)
        self.tidy_notifications()  # the notices sent directly
        transaction.on_commit(self.tidy_notifications)  # and those sent on commit (registered last, runs last)


# --- facts from the registries that the narrative must agree with -------------------------------


class _SeedFacts:
    """What the programme registries say about each legacy province at the end of 2018."""

    def __init__(self, units: list[AdminUnit]):
        ids = [u.pk for u in units]
        self.plans = {
            p.unit_id: p
            for p in ProvincialPlan.objects.alive().filter(unit_id__in=ids, phase__in=["2018-2020", "Giai đoạn II"])
        }
        self.approved = {
            u.code
            for u in units
            if (p := self.plans.get(u.pk)) is not None and p.decision_date and p.decision_date <= SEED_ISSUED
        }
        self.milestones: dict[int, dict[str, CycleMilestone]] = {}
        for m in CycleMilestone.objects.alive().filter(unit_id__in=ids, date__lte=SEED_CUTOFF).order_by("date"):
            self.milestones.setdefault(m.unit_id, {}).setdefault(m.kind, m)


class _PeriodFacts:
    """Per current province: its predecessors' names, OCOP products ranked (dated), its 2026-2030 Đề án."""

    def __init__(self, units: list[AdminUnit]):
        ids = [u.pk for u in units]
        self.by_id = {u.pk: u for u in units}
        self.predecessors: dict[int, list[str]] = {}
        province_of: dict[int, int] = {pk: pk for pk in ids}
        for pred_id, pred_type, pred_name, succ_id in (
            UnitSuccession.objects.filter(successor_id__in=ids, predecessor__level=Level.PROVINCE)
            .order_by("predecessor__code")
            .values_list("predecessor_id", "predecessor__type", "predecessor__name", "successor_id")
        ):
            province_of[pred_id] = succ_id
            if pred_name != self.by_id[succ_id].name:
                self.predecessors.setdefault(succ_id, []).append(f"{pred_type.lower()} {pred_name}")
        self.ranked: dict[int, list[tuple[dt.date, int]]] = {}
        for unit_id, unit_province, day, count in (
            CycleMilestone.objects.alive()
            .filter(kind=MilestoneKind.PRODUCTS_RANKED)
            .filter(Q(unit_id__in=province_of) | Q(unit__province_id__in=province_of))
            .values_list("unit_id", "unit__province_id", "date", "products_count")
        ):
            owner = province_of.get(unit_id) or province_of.get(unit_province)
            self.ranked.setdefault(owner, []).append((day, count or 0))
        self.new_plans = {
            p.unit_id: p for p in ProvincialPlan.objects.alive().filter(unit_id__in=ids, phase="2026-2030")
        }
        rng = random.Random(SEED + 1)
        self.entity_ratio = {pk: rng.uniform(0.52, 0.66) for pk in ids}

    def cumulative(self, unit: AdminUnit, day: dt.date) -> int:
        return sum(count for d, count in self.ranked.get(unit.pk, []) if d <= day)


# --- narrative ----------------------------------------------------------------------------------

DIFFICULTIES_2018 = [
    "nhận thức của một bộ phận cán bộ cơ sở và người dân về Chương trình OCOP còn hạn chế, coi đây là nhiệm vụ "
    "của ngành nông nghiệp",
    "chưa có Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP cấp quốc gia nên việc rà soát, đánh giá sản phẩm còn lúng túng",
    "bộ máy chuyên trách cấp huyện chưa được kiện toàn, cán bộ phụ trách chủ yếu kiêm nhiệm",
    "kinh phí bố trí riêng cho Chương trình còn hạn chế, chủ yếu lồng ghép từ Chương trình MTQG xây dựng nông thôn mới",
    "các chủ thể sản xuất quy mô nhỏ, phần lớn là hộ gia đình, chưa chú trọng bao bì, nhãn mác, truy xuất nguồn gốc",
    "sự phối hợp giữa các sở, ngành trong triển khai Chương trình có lúc chưa chặt chẽ",
    "nguồn nhân lực tư vấn hỗ trợ chủ thể xây dựng phương án sản xuất kinh doanh còn thiếu",
]
PLAN_2019 = [
    "tổ chức triển khai Chu trình OCOP năm 2019 trên địa bàn toàn tỉnh, tập trung vào các sản phẩm chủ lực, có lợi thế "
    "của từng xã, huyện",
    "kiện toàn đơn vị chuyên trách OCOP cấp tỉnh, cấp huyện và phân công cán bộ đầu mối ở cấp xã",
    "tổ chức tập huấn cho cán bộ cấp huyện, xã và các chủ thể về Chu trình OCOP, lập phương án sản xuất kinh doanh",
    "thành lập Hội đồng đánh giá, phân hạng sản phẩm cấp tỉnh, cấp huyện và tổ chức đánh giá ngay khi có Bộ tiêu chí "
    "quốc gia",
    "hỗ trợ chủ thể hoàn thiện bao bì, nhãn mác, đăng ký nhãn hiệu và truy xuất nguồn gốc sản phẩm",
]
COORDINATION_2019 = [
    "Sở Công Thương chủ trì lồng ghép Chương trình khuyến công, xúc tiến thương mại để hỗ trợ chủ thể OCOP tham gia "
    "hội chợ trong và ngoài tỉnh",
    "Sở Văn hóa, Thể thao và Du lịch phối hợp giới thiệu sản phẩm OCOP tại các điểm du lịch, gắn với du lịch nông thôn",
    "xây dựng điểm giới thiệu và bán sản phẩm OCOP tại trung tâm tỉnh và các huyện",
    "phối hợp với các tỉnh trong vùng tổ chức tuần hàng, phiên chợ sản phẩm OCOP",
    "Đài Phát thanh - Truyền hình và Báo tỉnh mở chuyên mục giới thiệu sản phẩm OCOP",
]
POLICY_2018 = [
    "đề nghị Thủ tướng Chính phủ sớm ban hành Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP quốc gia",
    "đề nghị Bộ Tài chính hướng dẫn cơ chế bố trí, sử dụng kinh phí thực hiện Chương trình OCOP",
    "đề nghị có chính sách tín dụng ưu đãi cho hợp tác xã, doanh nghiệp nhỏ tham gia Chương trình OCOP",
    "đề nghị hướng dẫn thống nhất mẫu hồ sơ, quy trình đánh giá sản phẩm cấp huyện, cấp tỉnh",
]
SUPPORT_2018 = [
    "đề nghị Trung ương hỗ trợ tư vấn xây dựng Đề án và triển khai Chu trình OCOP",
    "hỗ trợ tập huấn, đào tạo cán bộ chuyên trách OCOP cấp tỉnh, cấp huyện",
    "tổ chức hội chợ, diễn đàn OCOP cấp vùng để các tỉnh giới thiệu sản phẩm",
    "hỗ trợ xây dựng phần mềm quản lý, cơ sở dữ liệu sản phẩm OCOP",
]

DIFFICULTIES_2026 = [
    "sau sắp xếp đơn vị hành chính và tổ chức chính quyền địa phương hai cấp, nhiều cán bộ cấp xã phụ trách OCOP mới "
    "được phân công, chưa nắm vững quy trình",
    "một số sản phẩm đã hết thời hạn công nhận (36 tháng) nhưng chủ thể chưa đăng ký đánh giá lại",
    "việc hợp nhất dữ liệu sản phẩm OCOP của các tỉnh trước sắp xếp còn chậm",
    "kinh phí hỗ trợ chủ thể nâng hạng sản phẩm còn hạn chế",
    "thị trường tiêu thụ chủ yếu trong tỉnh, tham gia sàn thương mại điện tử còn ít",
    "năng lực quản trị của nhiều hợp tác xã, hộ sản xuất còn yếu, chưa chú trọng truy xuất nguồn gốc",
]
PLAN_2026 = [
    "tổ chức đánh giá, phân hạng sản phẩm OCOP đợt tiếp theo theo quy trình tại Quyết định số 1489/QĐ-TTg",
    "rà soát, hướng dẫn chủ thể có sản phẩm hết hạn công nhận đăng ký đánh giá lại",
    "kiểm tra, giám sát sản phẩm OCOP sau chứng nhận",
    "đẩy mạnh xúc tiến thương mại, phát triển điểm giới thiệu và bán sản phẩm OCOP",
    "hỗ trợ chủ thể bán hàng trên sàn thương mại điện tử, livestream",
    "tập huấn cho cán bộ cấp xã về đánh giá sơ bộ các tiêu chí địa phương",
]
POLICY_2026 = [
    "đề nghị sớm ban hành hướng dẫn thực hiện Chương trình OCOP giai đoạn mới phù hợp với mô hình chính quyền địa "
    "phương hai cấp",
    "đề nghị hướng dẫn thống nhất việc chuyển đổi, kế thừa hồ sơ sản phẩm OCOP của các tỉnh trước sắp xếp",
    "đề nghị có cơ chế hỗ trợ chủ thể đánh giá lại sản phẩm hết hạn công nhận",
    "đề nghị bổ sung chính sách tín dụng ưu đãi cho chủ thể OCOP đầu tư nâng cấp sản phẩm",
]
SUPPORT_2026 = [
    "đề nghị Trung ương hỗ trợ tổ chức hội chợ OCOP cấp vùng",
    "hỗ trợ tập huấn nghiệp vụ đánh giá, phân hạng sản phẩm cho cán bộ cấp xã",
    "kết nối chủ thể OCOP với hệ thống phân phối hiện đại và sàn thương mại điện tử",
    "hỗ trợ quảng bá sản phẩm OCOP tiềm năng 5 sao",
]

# (section, comment, field to complete, added text) for a report returned once
SEED_RETURNS = [
    (
        "I.2.c",
        "Đề nghị bổ sung kết quả rà soát sản phẩm theo từng huyện và làm rõ số sản phẩm dự kiến phát triển "
        "giai đoạn 2019-2020.",
        "products_text",
        " Bổ sung: kết quả rà soát theo từng huyện và danh mục {products_planned_2020} sản phẩm dự kiến phát triển giai "
        "đoạn 2019-2020 (theo huyện, theo ngành hàng) được tổng hợp tại phụ lục gửi kèm.",
    ),
    (
        "I.2.d",
        "Đề nghị làm rõ kinh phí ngân sách tỉnh bố trí riêng cho Chương trình OCOP, tách khỏi kinh phí lồng ghép "
        "xây dựng nông thôn mới.",
        "funding_text",
        " Bổ sung: ngân sách địa phương bố trí riêng cho Chương trình OCOP năm 2018 là {funding_local_text}; phần còn lại "
        "là kinh phí lồng ghép.",
    ),
    (
        "I.3",
        "Phần tồn tại, khó khăn còn chung chung; đề nghị nêu cụ thể nguyên nhân chậm tiến độ so với Kế hoạch ban "
        "hành kèm theo Quyết định số 01/QĐ-BCĐTW.",
        "difficulties_text",
        " Nguyên nhân chủ yếu là công tác tham mưu xây dựng Đề án, Kế hoạch cấp tỉnh còn chậm và bộ máy chuyên trách chưa "
        "được bố trí đủ cán bộ.",
    ),
    (
        "II.1",
        "Đề nghị nêu rõ mốc thời gian thực hiện các nhiệm vụ năm 2019.",
        "plan_direction_text",
        " Mốc thời gian: quý I hoàn thành kiện toàn bộ máy; quý II tập huấn, nhận ý tưởng sản phẩm; quý III, IV đánh giá, "
        "phân hạng sản phẩm.",
    ),
]
PERIODIC_RETURNS = [
    (
        "I.4",
        "Đề nghị bổ sung số sản phẩm hết hạn công nhận trong kỳ và kết quả đánh giá lại.",
        "products_text",
        " Bổ sung: các sản phẩm hết hạn công nhận trong kỳ đã được thông báo để chủ thể đăng ký đánh giá lại trong kỳ tới.",
    ),
    (
        "I.5",
        "Đề nghị làm rõ kinh phí đã giải ngân trong kỳ so với dự toán năm.",
        "funding_text",
        " Bổ sung: đến ngày chốt số liệu đã giải ngân khoảng {disbursed}% dự toán năm được giao.",
    ),
    (
        "I.7",
        "Đề nghị nêu cụ thể nguyên nhân của các tồn tại, hạn chế.",
        "difficulties_text",
        " Nguyên nhân chủ yếu là cán bộ cấp xã kiêm nhiệm nhiều việc sau sắp xếp và kinh phí được giao chậm.",
    ),
]


def _pick(rng: random.Random, bank: list[str], lo: int, hi: int) -> str:
    items = rng.sample(bank, rng.randint(lo, min(hi, len(bank))))
    text = "; ".join(items)
    return text[0].upper() + text[1:] + "."


def _return_comment(rng: random.Random, bank, sub: Submission):
    """(section, comment, corrected values) for a report returned once."""
    data = sub.data
    usable = [r for r in bank if "{funding_local_text}" not in r[3] or data.get("funding_local")]
    section, comment, code, addition = rng.choice(usable)
    addition = addition.format(
        products_planned_2020=data.get("products_planned_2020") or 0,
        funding_local_text=_money(data.get("funding_local")),
        disbursed=rng.randint(35, 80),
    )
    return section, comment, {code: (data.get(code) or "") + addition}


def _count_phrase(data: dict, place: str, period: str) -> str:
    count = data.get("directive_documents_count") or 0
    if not count:
        return (
            f"Trong {period}, {place} chưa ban hành văn bản chỉ đạo riêng về Chương trình OCOP; việc chỉ đạo được "
            "lồng ghép trong các văn bản về xây dựng nông thôn mới."
        )
    parts = []
    if data.get("documents_resolutions_count"):
        parts.append(f"{data['documents_resolutions_count']} nghị quyết")
    if data.get("documents_decisions_count"):
        parts.append(f"{data['documents_decisions_count']} quyết định")
    if data.get("documents_plans_count"):
        parts.append(f"{data['documents_plans_count']} kế hoạch")
    detail = f" (trong đó {', '.join(parts)})" if parts else ""
    return f"Trong {period}, các cấp, các ngành của {place} đã ban hành {count} văn bản chỉ đạo, điều hành Chương trình OCOP{detail}."


def _activities_phrase(data: dict, period: str) -> str:
    n = data.get("activities_count") or 0
    if not n:
        return (
            f"Trong {period} chưa tổ chức hoạt động riêng của Chương trình OCOP; công tác tuyên truyền được lồng ghép "
            "trong các hội nghị về xây dựng nông thôn mới."
        )
    bits = []
    for code, label in (
        ("conferences_count", "hội nghị"),
        ("trainings_count", "lớp tập huấn"),
        ("workshops_count", "hội thảo"),
        ("communication_count", "hoạt động truyền thông"),
        ("fairs_count", "hội chợ, hoạt động xúc tiến thương mại"),
        ("surveys_count", "đợt khảo sát, rà soát"),
    ):
        if data.get(code):
            bits.append(f"{data[code]} {label}")
    text = f"Trong {period} đã tổ chức {n} hoạt động ({', '.join(bits)})"
    if data.get("participants_total"):
        text += f" với {_number(data['participants_total'])} lượt người tham gia"
    if data.get("activities_cost_total"):
        text += f", tổng kinh phí {_money(data['activities_cost_total'])}"
    return text + "."


def _activities_assessment(rng: random.Random, data: dict, needs: list[str]) -> str:
    """A sentence on needs and results that fits the activities actually held."""
    if data.get("fairs_count"):
        return rng.choice(
            [
                "Hội chợ, tuần hàng giúp các chủ thể quảng bá, mở rộng kênh tiêu thụ sản phẩm.",
                "Các chủ thể tham gia hội chợ đánh giá cao hiệu quả kết nối tiêu thụ; nhu cầu tham gia các hội chợ ngoài tỉnh tăng.",
            ]
        )
    if data.get("trainings_count"):
        return rng.choice(
            [
                "Học viên nắm được quy trình, hồ sơ tham gia Chương trình; nhu cầu tập huấn chuyên sâu cho chủ thể còn lớn.",
                *needs,
            ]
        )
    return rng.choice(needs)


def _funding_phrase(data: dict, period: str, what: str = "Tổng kinh phí thực hiện Chương trình OCOP") -> str:
    total = data.get("funding_total") or 0
    if not total:
        return f"Trong {period} chưa bố trí kinh phí riêng cho Chương trình OCOP."
    sources = [
        ("funding_central", "ngân sách trung ương"),
        ("funding_local", "ngân sách địa phương"),
        ("funding_ntm", "lồng ghép Chương trình MTQG xây dựng nông thôn mới"),
        ("funding_other_programmes", "lồng ghép chương trình, dự án khác"),
        ("funding_society", "doanh nghiệp, xã hội hóa"),
        ("funding_credit", "vốn tín dụng"),
        ("funding_other", "nguồn khác"),
    ]
    parts = [f"{label} {_money(data[code])}" for code, label in sources if data.get(code)]
    return f"{what} {period} là {_money(total)}, gồm: {'; '.join(parts)}."


def _seed_narrative(rng: random.Random, facts: _SeedFacts, sub: Submission, script: Script, override: bool):
    unit = sub.unit
    data = sub.data
    place = _place(unit)
    plan = facts.plans.get(unit.pk)
    milestones = facts.milestones.get(unit.pk, {})
    status = data.get("plan_status") or "none"
    label = PlanKind(plan.kind).label if plan else "Đề án"

    direction = _count_phrase(data, place, "năm 2018")
    if status == "approved":
        direction += (
            f" UBND {place} đã phê duyệt {label} Chương trình OCOP tại Quyết định số {data.get('plan_decision')}."
        )
    if unit.code == "22":
        direction += " Tỉnh tiếp tục chỉ đạo triển khai giai đoạn II của Chương trình OCOP."

    organisation_rows = data.get("organisation") or []
    names = [r.get("name") for r in organisation_rows if r.get("name")]
    if names:
        organisation = f"Đã thành lập, kiện toàn: {'; '.join(names)}."
    else:
        organisation = (
            "Chưa kiện toàn bộ máy riêng cho Chương trình OCOP; Văn phòng Điều phối nông thôn mới tỉnh tạm thời "
            "làm đầu mối tham mưu."
        )
    if status == "approved":
        organisation += f" {label} OCOP cấp tỉnh đã được phê duyệt ngày {_vn(plan.decision_date)}." if plan else ""
    elif status == "submitted" and plan:
        organisation += (
            f" {label} Chương trình OCOP của tỉnh đã trình UBND tỉnh ngày {_vn(plan.submitted_on)}, dự kiến "
            f"phê duyệt trong {_quarter(plan.decision_date)}."
        )
    elif status == "drafting" and plan:
        organisation += (
            f" {label} Chương trình OCOP của tỉnh đang được hoàn thiện, dự kiến trình UBND tỉnh trong "
            f"{_quarter(plan.submitted_on)}."
        )
    else:
        organisation += (
            " Tỉnh chưa xây dựng Đề án, Kế hoạch OCOP; dự kiến giao cơ quan chủ trì xây dựng trong quý I năm 2019."
        )

    activities = (
        _activities_phrase(data, "năm 2018")
        + " "
        + _activities_assessment(
            rng,
            data,
            [
                "Các hoạt động bước đầu nâng cao nhận thức của cán bộ, người dân về Chương trình.",
                "Nhu cầu tập huấn của cán bộ cấp huyện, xã và các chủ thể về Chu trình OCOP còn rất lớn.",
            ],
        )
    )

    evaluated = data.get("products_evaluated") or 0
    ranked = data.get("products_ranked") or 0
    if status == "approved" or milestones.get(MilestoneKind.CYCLE_STARTED):
        reviewed = max(evaluated, ranked, rng.randint(35, 160))
    elif status in ("submitted", "drafting"):
        reviewed = rng.choice([0, rng.randint(15, 80)])
    else:
        reviewed = 0
    four = round(ranked * rng.uniform(0.1, 0.2)) if ranked else 0
    planned_2020 = max(reviewed // 2, rng.randint(20, 90)) if status != "none" else rng.randint(10, 40)
    planned_2019 = round(planned_2020 * rng.uniform(0.35, 0.55))
    if reviewed:
        products = (
            f"Đã rà soát, tổng hợp {reviewed} sản phẩm có tiềm năng tham gia Chương trình OCOP trên địa bàn {place}."
        )
    else:
        products = "Chưa tổ chức rà soát sản phẩm trên toàn tỉnh; dự kiến thực hiện sau khi phê duyệt Đề án, Kế hoạch."
    if cycle := milestones.get(MilestoneKind.CYCLE_STARTED):
        products += f" Tỉnh đã bắt đầu triển khai Chu trình OCOP từ ngày {_vn(cycle.date)}."
    if criteria := milestones.get(MilestoneKind.CRITERIA_PROVISIONAL):
        products += (
            f" UBND tỉnh đã ban hành Bộ tiêu chí tạm thời cấp tỉnh ({criteria.reference}, ngày {_vn(criteria.date)})."
        )
    if evaluated:
        products += (
            f" Hội đồng cấp tỉnh đã đánh giá {evaluated} sản phẩm, công nhận {ranked} sản phẩm đạt từ 3 sao trở lên "
            f"({ranked - four} sản phẩm 3 sao, {four} sản phẩm 4 sao)."
        )
    products += f" Dự kiến giai đoạn 2019-2020 phát triển, đánh giá, xếp hạng {planned_2020} sản phẩm."

    funding = _funding_phrase(data, "năm 2018")
    planned_funding = (data.get("funding_total") or 0) * rng.randint(2, 4) or rng.randint(5, 30) * 100_000_000
    planned_funding = round(planned_funding, -7)

    values = {
        "direction_text": direction,
        "organisation_text": organisation,
        "activities_text": activities,
        "products_text": products,
        "products_reviewed": reviewed,
        "products_3star": ranked - four,
        "products_4star": four,
        "products_5star": 0,
        "products_planned_2020": planned_2020,
        "planned_products_2019": planned_2019,
        "funding_text": funding,
        "difficulties_text": _pick(rng, DIFFICULTIES_2018, 2, 4),
        "plan_direction_text": (
            (
                f"Năm 2019, {place} tập trung hoàn thành phê duyệt {label} OCOP của tỉnh. "
                if status != "approved"
                else ""
            )
            + _pick(rng, PLAN_2019, 2, 3)
            + f" Phấn đấu năm 2019 có {planned_2019} sản phẩm được đánh giá, xếp hạng; đến năm 2020 có {planned_2020} sản phẩm."
        ),
        "plan_activities_text": (
            f"Dự kiến kinh phí thực hiện năm 2019 là {_money(planned_funding)}, gồm ngân sách tỉnh và lồng ghép Chương trình "
            "MTQG xây dựng nông thôn mới, huy động các chủ thể đối ứng. "
            + rng.choice(
                [
                    "Ưu tiên kinh phí cho tập huấn, tư vấn chủ thể và hoàn thiện bao bì, nhãn mác sản phẩm.",
                    "Tập trung hỗ trợ tuyên truyền, đào tạo và tổ chức đánh giá, phân hạng sản phẩm.",
                    "Ưu tiên hỗ trợ các chủ thể có sản phẩm chủ lực, tham gia hội chợ xúc tiến thương mại.",
                ]
            )
        ),
        "planned_funding_2019": planned_funding,
        "plan_coordination_text": _pick(rng, COORDINATION_2019, 2, 3),
        "proposals_policy_text": _pick(rng, POLICY_2018, 1, 3),
        "proposals_support_text": _pick(rng, SUPPORT_2018, 1, 3),
    }
    if reviewed:
        values["ranked_share"] = format(round(100 * ranked / reviewed, 1), "g") if ranked else "0"
    reasons = {}
    if override:  # a document the registry lacks, added by the province, with the reason
        day = script.first.date() if script.first else SEED_CUTOFF
        doc_day = dt.date(2018, rng.randint(6, 11), rng.randint(1, 25))
        doc_day = doc_day if periods.is_working_day(doc_day) else periods.next_working_day(doc_day)
        number = f"{rng.randint(1200, 2900)}/SNN-PTNT"
        row = {
            "kind": "Công văn",
            "number": number,
            "date": doc_day.isoformat(),
            "issuer": f"Sở Nông nghiệp và PTNT {unit.name}",
            "summary": "Hướng dẫn các huyện, thành phố rà soát sản phẩm đặc trưng, có lợi thế tham gia Chương trình OCOP.",
        }
        rows = sorted([*(data.get("directive_documents") or []), row], key=lambda r: r.get("date") or "")
        values["directive_documents"] = rows
        values["directive_documents_count"] = (data.get("directive_documents_count") or 0) + 1
        why = (
            f"Bổ sung Công văn số {number} ngày {_vn(doc_day)} của Sở Nông nghiệp và PTNT, chưa được cập nhật vào sổ "
            f"Văn bản chỉ đạo (ghi nhận ngày {_vn(day)})."
        )
        reasons = {"directive_documents": why, "directive_documents_count": why}
    return values, reasons


def _periodic_narrative(rng: random.Random, facts: _PeriodFacts, req: ReportRequest, sub: Submission, script: Script):
    unit = sub.unit
    data = sub.data
    place = _place(unit)
    per = periods.parse_period_code(req.period_code)
    period = per.label_vi[0].lower() + per.label_vi[1:]
    preds = facts.predecessors.get(unit.pk, [])
    merged = f" (gồm cả địa bàn {', '.join(preds)} trước sắp xếp)" if preds else ""
    as_of = timezone.localtime(script.first or script.updated, VN).date()
    estimate = (
        f" Số liệu tính đến ngày {_vn(as_of)}, ước thực hiện đến ngày chốt số liệu." if as_of <= req.cutoff else ""
    )

    direction = (
        _count_phrase(data, place + merged, period)
        + " "
        + rng.choice(
            [
                "UBND tỉnh chỉ đạo các sở, ngành và UBND các xã, phường triển khai Chương trình OCOP gắn với nhiệm vụ phát triển "
                "kinh tế nông thôn.",
                "Ban Chỉ đạo các Chương trình MTQG tỉnh thường xuyên kiểm tra, đôn đốc tiến độ thực hiện.",
                "Công tác chỉ đạo được duy trì thông suốt sau khi sắp xếp đơn vị hành chính.",
            ]
        )
    )
    organisation_rows = data.get("organisation") or []
    names = [r.get("name") for r in organisation_rows if r.get("name")]
    organisation = (
        f"Trong kỳ đã kiện toàn: {'; '.join(names)}."
        if names
        else "Bộ máy chỉ đạo, đơn vị chuyên trách OCOP cấp tỉnh ổn định; cấp xã đã phân công cán bộ đầu mối."
    )
    if data.get("plan_status") == "approved" and data.get("plan_decision"):
        organisation += f" Tỉnh tổ chức thực hiện Đề án, Kế hoạch OCOP đã được phê duyệt (số {data['plan_decision']})."
    new_plan = facts.new_plans.get(unit.pk)
    if new_plan is not None:
        status = new_plan.status_on(req.cutoff)
        if status == "drafting":
            organisation += f" Đang xây dựng {new_plan.title[0].lower()}{new_plan.title[1:]}."
        elif status == "submitted":
            organisation += (
                f" Đã trình UBND tỉnh Đề án {new_plan.title[0].lower()}{new_plan.title[1:]} "
                f"(ngày {_vn(new_plan.submitted_on)})."
            )

    activities = _activities_phrase(data, period)
    evaluated = data.get("products_evaluated") or 0
    ranked = data.get("products_ranked") or 0
    reviewed = evaluated + rng.randint(0, 12) if evaluated else rng.randint(6, 45)
    four = round(ranked * rng.uniform(0.18, 0.28))
    cumulative = facts.cumulative(unit, req.cutoff)
    entities = max(1, round(cumulative * facts.entity_ratio[unit.pk])) if cumulative else 0
    products = f"Trong {period}, các xã, phường đã rà soát, hướng dẫn hoàn thiện hồ sơ {reviewed} sản phẩm."
    if evaluated:
        products += (
            f" Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh đã đánh giá {evaluated} sản phẩm theo quy trình tại "
            "Quyết định số 1489/QĐ-TTg."
        )
    if ranked:
        products += (
            f" UBND tỉnh đã công nhận {ranked} sản phẩm OCOP ({ranked - four} sản phẩm 3 sao, {four} sản phẩm "
            "4 sao)" + (" từ kết quả đánh giá của Hội đồng cấp tỉnh kỳ trước." if not evaluated else ".")
        )
    if not evaluated and not ranked:
        products += " Trong kỳ chưa tổ chức Hội đồng cấp tỉnh; dự kiến tổ chức đánh giá trong kỳ tới."
    products += (
        f" Lũy kế đến ngày chốt số liệu, toàn tỉnh có {_number(cumulative)} sản phẩm OCOP của "
        f"{_number(entities)} chủ thể."
    )
    next_label = NEXT_PERIOD.get(req.period_code, "kỳ tới")
    # the funding registry is kept by year: a period's funding is that of the years it touches
    years = f"năm {per.start.year} và năm {per.end.year}" if per.start.year != per.end.year else f"năm {per.end.year}"
    planned_products = rng.randint(8, 40) + round(cumulative * 0.03)
    planned_funding = int(round(max(data.get("funding_total") or 0, 1_000_000_000) * rng.uniform(0.2, 0.5), -7))
    plan_next = _pick(rng, PLAN_2026, 2, 4)

    values = {
        "direction_text": direction + estimate,
        "organisation_text": organisation,
        "activities_text": activities
        + " "
        + _activities_assessment(
            rng,
            data,
            [
                "Nhu cầu tập huấn về thương mại điện tử và truy xuất nguồn gốc của các chủ thể tiếp tục tăng.",
                "Cán bộ cấp xã mới được phân công có nhu cầu lớn về tập huấn quy trình đánh giá sơ bộ.",
            ],
        ),
        "products_text": products,
        "products_reviewed": reviewed,
        "products_3star": ranked - four,
        "products_4star": four,
        "products_5star": 0,
        "products_cumulative": cumulative,
        "entities_cumulative": entities,
        "funding_text": _funding_phrase(data, years, "Tổng kinh phí bố trí, huy động cho Chương trình OCOP"),
        "results_text": (
            f"Chương trình OCOP trên địa bàn {place} tiếp tục được triển khai đồng bộ trong {period}. "
            + rng.choice(
                [
                    "Chất lượng sản phẩm được nâng lên, nhiều sản phẩm được nâng hạng.",
                    "Các chủ thể chú trọng hơn đến bao bì, nhãn mác và truy xuất nguồn gốc.",
                    "Công tác xúc tiến thương mại được đẩy mạnh, nhất là trên nền tảng số.",
                ]
            )
        ),
        "difficulties_text": _pick(rng, DIFFICULTIES_2026, 2, 3),
        "plan_next_text": f"Trong {next_label}: {plan_next[0].lower()}{plan_next[1:]}",
        "planned_products_next": planned_products,
        "planned_funding_next": planned_funding,
        "proposals_policy_text": _pick(rng, POLICY_2026, 1, 2),
        "proposals_support_text": _pick(rng, SUPPORT_2026, 1, 2),
    }
    if script.outcome == "draft":  # half done: the first sections only
        keep = ("direction_text", "organisation_text", "activities_text")
        values = {k: v for k, v in values.items() if k in keep[: rng.randint(1, 3)]}
    return values, {}


# --- entry point --------------------------------------------------------------------------------


def _counts() -> dict[str, int]:
    subs = Submission.objects.filter(is_demo=True)
    return {
        "requests": ReportRequest.objects.filter(is_demo=True).count(),
        "open": ReportRequest.objects.filter(is_demo=True, status=RequestStatus.OPEN).count(),
        "submissions": subs.count(),
        "submitted": subs.filter(first_submitted_at__isnull=False).count(),
        "accepted": subs.filter(status=SubmissionStatus.ACCEPTED).count(),
        "waiting": subs.filter(status=SubmissionStatus.SUBMITTED).count(),
        "returned": subs.filter(status=SubmissionStatus.RETURNED).count(),
        "drafts": subs.filter(status=SubmissionStatus.DRAFT).count(),
        "officers": User.objects.filter(is_demo=True, username__startswith=OFFICER_PREFIX).count(),
    }


def create_demo_reporting() -> dict[str, int]:
    """Create the demo requests and reports once (call after load_templates() and the programme demo).
    Returns counts of the demo reporting data."""
    if not ReportRequest.objects.filter(is_demo=True).exists():
        from ocop.demo.programme import create_demo_programme

        create_demo_programme()  # the reports are pre-filled from it (a no-op when it exists)
        with transaction.atomic():
            _Demo().run()
    return _counts()
