"""Demo programme data (DEMO): the provinces' plans, organisation, directive documents, activities,
funding and OCOP-cycle milestones from 2018 to 2026, consistent with the seed.

The seed (Công văn 9654/BNN-VPĐP of 12/12/2018) fixes what was true on 12/12/2018 and this module
records exactly that:

- 22 provinces had approved their Đề án/Kế hoạch (Bắc Kạn QĐ 851/QĐ-UBND of 24/5/2018 and Hà Tĩnh
  QĐ 3292/QĐ-UBND of 01/11/2018 are real; the other numbers and dates are illustrative and say so
  in `note`); Quảng Ninh was in its phase II;
- Bắc Kạn, Hà Tĩnh and Quảng Nam had started the national OCOP cycle;
- Bắc Kạn had issued provisional provincial criteria, evaluated and ranked products in 2018;
- no other province had any of these by that date.

Everything after the seed is invented but plausible (national figures of domain.md section 9: 12
provinces ranked by 12/2019, 51 by 12/2020, 62 by early 2022, all 63 by 12/2023). Records dated
before 01/7/2025 are filed on the 63 legacy provinces, later ones on the 34 current provinces.

The data are deterministic (fixed seed), marked `is_demo`, validated with full_clean() and logged
one audit entry per record. Running again does nothing when demo programme records exist.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from ocop.audit.services import log_action, snapshot
from ocop.geo.models import AdminUnit, Era, Level, UnitSuccession
from ocop.programme.models import (
    Activity,
    ActivityKind,
    CycleMilestone,
    DirectiveDocument,
    DocumentKind,
    Funding,
    FundingSource,
    IssuerKind,
    MilestoneKind,
    OrganisationKind,
    OrganisationUnit,
    PlanKind,
    PlanStatus,
    ProgrammeRecord,
    ProvincialPlan,
)

SEED = 9654
SEED_DATE = dt.date(2018, 12, 12)  # Công văn 9654/BNN-VPĐP
QD_490 = dt.date(2018, 5, 7)
QD_1048 = dt.date(2019, 8, 21)
QD_148 = dt.date(2023, 2, 24)
QD_1489 = dt.date(2025, 7, 6)
REFORM_DATE = dt.date(2025, 7, 1)
LEGACY_END = dt.date(2025, 6, 30)
# latest date the demo records: never in the future, even on a machine whose clock is behind
HORIZON = min(dt.date(2026, 11, 15), dt.date.today())
HOLIDAYS = {(1, 1), (4, 30), (5, 1), (9, 2)}  # fixed public holidays: no document or event on them

# registry slug -> model, in the order of the registries
MODELS: dict[str, type[ProgrammeRecord]] = {
    "plans": ProvincialPlan,
    "organisation": OrganisationUnit,
    "documents": DirectiveDocument,
    "activities": Activity,
    "funding": Funding,
    "milestones": CycleMilestone,
}

DEMO_NOTE = "Số và ngày quyết định là dữ liệu minh họa (demo)."
SEED_REF = "Công văn số 9654/BNN-VPĐP ngày 12/12/2018"

# the 22 provinces the seed names as having approved their Đề án/Kế hoạch (legacy codes)
APPROVED_BY_SEED = [
    "06",
    "24",
    "60",
    "92",
    "87",
    "67",
    "02",
    "35",
    "31",
    "42",
    "17",
    "10",
    "68",
    "58",
    "19",
    "44",
    "49",
    "51",
    "22",
    "45",
    "84",
    "86",
]
# real decisions (domain.md section 2)
KNOWN_DECISIONS = {
    "06": ("851/QĐ-UBND", dt.date(2018, 5, 24)),
    "42": ("3292/QĐ-UBND", dt.date(2018, 11, 1)),
}
PLAN_AS_KE_HOACH = {"31", "60", "92"}  # approved a Kế hoạch rather than a Đề án
CYCLE_BY_SEED = ["06", "42", "49"]  # started the national OCOP cycle by 12/12/2018
# first products ranked in 2019: with Bắc Kạn (2018) the 12 provinces of 12/2019
FIRST_RANK_2019 = ["02", "10", "17", "19", "22", "24", "35", "42", "49", "51", "87"]
CRITERIA_2019 = ["19", "42", "49"]  # provisional provincial criteria before QĐ 1048
PLAN_2026 = ["19", "42", "08", "22", "48", "68", "92", "37", "25", "86"]  # current provinces, Kế hoạch OCOP 2026
PLAN_2026_2030 = ["19", "42"]  # current provinces that have submitted a 2026-2030 Đề án
WEIGHT = {"01": 3.0, "22": 1.8, "79": 1.6, "38": 1.4, "40": 1.4, "42": 1.3, "24": 1.2, "89": 1.2}

# new products ranked ≥3★ per year, nationally (domain.md section 9)
RANKED_PER_YEAR = {2019: 584, 2020: 2352, 2021: 2445, 2022: 2450, 2023: 2470, 2024: 4320}
RANKED_2025_LEGACY = 1200  # first half of 2025, legacy provinces
RANKED_2025_CURRENT = 2400  # second half of 2025, current provinces
RANKED_2026 = 2900

FAIRS_OUT = [
    ("Hội chợ OCOP Quảng Ninh", "Hạ Long, Quảng Ninh", 2019),
    ("Hội chợ triển lãm sản phẩm OCOP khu vực phía Bắc", "Hà Nội", 2019),
    ("Hội chợ Nông nghiệp quốc tế Việt Nam (AgroViet)", "Hà Nội", 2019),
    ("Tuần hàng sản phẩm OCOP và đặc sản vùng miền", "TP. Hồ Chí Minh", 2019),
    ("Hội chợ OCOP khu vực Đồng bằng sông Cửu Long", "Cần Thơ", 2020),
    ("Hội chợ sản phẩm OCOP khu vực miền Trung - Tây Nguyên", "Đà Nẵng", 2020),
    ("Festival trái cây và sản phẩm OCOP Việt Nam", "Hà Nội", 2021),
    ("Hội chợ xúc tiến thương mại sản phẩm OCOP gắn với du lịch", "Huế", 2022),
]

FIRST_NAMES = [
    "Văn Hùng",
    "Thị Hoa",
    "Văn Nam",
    "Thị Lan",
    "Đức Minh",
    "Thị Hương",
    "Quang Huy",
    "Thị Thu",
    "Văn Thắng",
    "Ngọc Anh",
]
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]


@dataclass
class Province:
    unit: AdminUnit
    weight: float = 1.0
    # plan of 2018-2020
    plan_kind: str = PlanKind.DE_AN
    drafting: dt.date | None = None
    submitted: dt.date | None = None
    decision: dt.date | None = None
    decision_number: str = ""
    cycle: dt.date | None = None
    criteria: dt.date | None = None
    first_rank_year: int | None = None
    council_number: str = ""
    # (evaluation date, ranking date, products ranked) per round
    rounds: list[tuple[dt.date, dt.date, int]] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def short(self) -> str:
        return "TP. Hồ Chí Minh" if self.unit.name == "Hồ Chí Minh" else self.unit.name

    @property
    def full(self) -> str:
        return f"{self.unit.type.lower()} {self.unit.name}".strip()

    @property
    def ubnd(self) -> str:
        return f"UBND {self.full}"

    @property
    def party(self) -> str:
        return f"{'Thành ủy' if self.unit.type.lower().startswith('thành phố') else 'Tỉnh ủy'} {self.unit.name}"

    @property
    def hdnd(self) -> str:
        return f"HĐND {self.full}"

    @property
    def bcd(self) -> str:
        return f"Ban Chỉ đạo các Chương trình MTQG {self.full}"

    @property
    def department(self) -> str:
        if self.unit.era == Era.CURRENT:
            return f"Sở Nông nghiệp và Môi trường {self.short}"
        return f"Sở Nông nghiệp và PTNT {self.short}"

    @property
    def vpdp(self) -> str:
        return f"Văn phòng Điều phối nông thôn mới {self.full}"

    def first_rank(self) -> dt.date | None:
        return self.rounds[0][1] if self.rounds else None


class _Builder:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.used: set[tuple[int, str, int, int]] = set()  # (unit id, issuer, year, number)
        self.rates: dict[tuple[int, str, str], float] = {}  # documents per day of an issuer's series
        self.titles: set[tuple[int, int, str]] = set()

    # -- helpers -------------------------------------------------------------------------------

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        """A random working day in [start, end] (start itself if the interval is empty)."""
        if end <= start:
            return start
        span = (end - start).days
        candidate = start
        for _ in range(20):
            candidate = start + dt.timedelta(days=self.rng.randint(0, span))
            if candidate.weekday() < 5 and (candidate.month, candidate.day) not in HOLIDAYS:
                return candidate
        return candidate

    def after(self, start: dt.date, lo: int, hi: int, limit: dt.date) -> dt.date:
        return self.day(min(start + dt.timedelta(days=lo), limit), min(start + dt.timedelta(days=hi), limit))

    def money(self, lo_million: float, hi_million: float) -> int:
        value = self.rng.uniform(lo_million, hi_million)
        step = 10 if value >= 1000 else 1 if value >= 100 else 0.5
        return int(round(value / step) * step * 1_000_000)

    def person(self) -> str:
        return f"{self.rng.choice(FAMILY_NAMES)} {self.rng.choice(FIRST_NAMES)}"

    def reserve(self, unit: AdminUnit, issuer: str, year: int, number: int) -> None:
        self.used.add((unit.pk, issuer, year, number))

    def number(
        self, unit: AdminUnit, issuer: str, day: dt.date, suffix: str, per_day: float, *, with_year=False, dash=False
    ) -> str:
        """A number not yet used by this issuer in this province and year, growing through the year."""
        per_day = self.rates.setdefault((unit.pk, issuer, suffix), per_day)
        n = max(1, int(day.timetuple().tm_yday * per_day) + self.rng.randint(0, 9))
        while (unit.pk, issuer, day.year, n) in self.used:
            n += 1
        self.reserve(unit, issuer, day.year, n)
        text = f"{n:02d}" if n < 10 else str(n)
        if dash:  # Party documents: 05-NQ/TU
            return f"{text}-{suffix}"
        if with_year:  # legal documents: 12/2020/NQ-HĐND
            return f"{text}/{day.year}/{suffix}"
        return f"{text}/{suffix}"

    # -- records -------------------------------------------------------------------------------

    def add(self, slug: str, record: ProgrammeRecord) -> ProgrammeRecord:
        record.is_demo = True
        self._check_dates(record)
        record.full_clean()
        record.save()
        log_action(
            None,
            f"ocop.programme.{slug}.created",
            record,
            after=snapshot(record, record.audit_fields()),
            unit=record.unit,
            reason="demo",
        )
        return record

    def _check_dates(self, record: ProgrammeRecord) -> None:
        """Legacy units hold records dated before 01/7/2025, current units those from that day."""
        current = record.unit.era == Era.CURRENT
        for f in record._meta.concrete_fields:
            value = getattr(record, f.attname)
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                if current != (value >= REFORM_DATE) or value > HORIZON:
                    raise AssertionError(f"demo: {record!r} {f.name}={value} does not fit {record.unit}")

    def document(self, p: Province, kind, issuer_kind, issuer_name, day, number, summary) -> None:
        self.add(
            "documents",
            DirectiveDocument(
                unit=p.unit,
                kind=kind,
                number=number,
                date=day,
                issuer_kind=issuer_kind,
                issuer_name=issuer_name,
                summary=summary,
            ),
        )

    def milestone(self, p: Province, kind, day, reference="", count=None, note="") -> None:
        self.add(
            "milestones",
            CycleMilestone(unit=p.unit, kind=kind, date=day, reference=reference, products_count=count, note=note),
        )


@transaction.atomic
def create_demo_programme() -> dict[str, int]:
    """Record the demo programme data once. Returns the number of demo records per registry."""
    if not any(model.objects.filter(is_demo=True).exists() for model in MODELS.values()):
        _create()
    return {slug: model.objects.alive().filter(is_demo=True).count() for slug, model in MODELS.items()}


def _create() -> None:
    b = _Builder()
    rng = b.rng
    legacy = [Province(u) for u in AdminUnit.objects.filter(era=Era.LEGACY, level=Level.PROVINCE).order_by("code")]
    current = [Province(u) for u in AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("code")]
    by_code = {p.code: p for p in legacy}
    successor = dict(
        UnitSuccession.objects.filter(predecessor__era=Era.LEGACY, predecessor__level=Level.PROVINCE).values_list(
            "predecessor__code", "successor__code"
        )
    )
    for p in legacy:
        p.weight = WEIGHT.get(p.code, 1.0) * rng.uniform(0.7, 1.3)
    for c in current:
        c.weight = sum(p.weight for p in legacy if successor.get(p.code) == c.code) or 1.0

    _schedule_plans(b, legacy, by_code)
    _schedule_cycle(b, legacy, by_code)
    for p in legacy:
        _legacy_province(b, p)
    _schedule_current_rounds(b, current)
    for c in current:
        _current_province(b, c)
    _districts(b)


# Districts of Bắc Kạn (until 30/6/2025) that kept their own OCOP records, so that a district
# officer's demo account (huyen.babe) has something in its scope.
DEMO_DISTRICTS = ["061", "062", "063"]


def _districts(b: _Builder) -> None:
    for district in AdminUnit.objects.filter(era=Era.LEGACY, level=Level.DISTRICT, code__in=DEMO_DISTRICTS).order_by(
        "code"
    ):
        name = district.full_name
        b.add(
            "organisation",
            OrganisationUnit(
                unit=district,
                kind="steering_district",
                name=f"Ban Chỉ đạo Chương trình OCOP {name}",
                decision_number=f"{b.rng.randint(100, 900)}/QĐ-UBND",
                date=b.day(dt.date(2018, 9, 1), dt.date(2018, 11, 30)),
                issuer=f"UBND {name}",
                contact_name=b.person(),
            ),
        )
        b.add(
            "organisation",
            OrganisationUnit(
                unit=district,
                kind="specialised_district",
                name=f"Phòng Nông nghiệp và PTNT {name}",
                decision_number=f"{b.rng.randint(100, 900)}/QĐ-UBND",
                date=b.day(dt.date(2018, 9, 1), dt.date(2018, 11, 30)),
                issuer=f"UBND {name}",
                contact_name=b.person(),
                contact_phone=f"0209.38{b.rng.randint(10000, 99999)}",
            ),
        )
        for year in range(2019, 2025):
            day = b.day(dt.date(year, 3, 1), dt.date(year, 10, 31))
            participants = b.rng.randint(40, 150)
            b.add(
                "activities",
                Activity(
                    unit=district,
                    kind=b.rng.choice(["training", "conference", "survey"]),
                    title=f"Tập huấn, hướng dẫn chủ thể OCOP {name} năm {year}",
                    date=day,
                    place=f"Hội trường UBND {name}",
                    participants=participants,
                    cost=b.money(20, 120),
                    results=_results(b, "training", participants),
                ),
            )


# -- schedule ----------------------------------------------------------------------------------


def _schedule_plans(b: _Builder, legacy: list[Province], by_code: dict[str, Province]) -> None:
    rng = b.rng
    for p in legacy:
        if p.code in APPROVED_BY_SEED:
            p.plan_kind = PlanKind.KE_HOACH if p.code in PLAN_AS_KE_HOACH else PlanKind.DE_AN
            if p.code in KNOWN_DECISIONS:
                p.decision_number, p.decision = KNOWN_DECISIONS[p.code]
                number = int(p.decision_number.split("/")[0])
                b.reserve(p.unit, p.ubnd, p.decision.year, number)
                # the province's decision series runs at the pace the real number shows
                b.rates[(p.unit.pk, p.ubnd, "QĐ-UBND")] = number / p.decision.timetuple().tm_yday
            else:
                if p.code == "22":  # phase II, approved early in the year
                    p.decision = b.day(dt.date(2018, 2, 1), dt.date(2018, 4, 27))
                elif p.code == "49":  # started the cycle before the seed: approved by mid-year
                    p.decision = b.day(dt.date(2018, 5, 21), dt.date(2018, 8, 10))
                else:
                    p.decision = b.day(dt.date(2018, 5, 21), dt.date(2018, 11, 30))
                p.decision_number = b.number(p.unit, p.ubnd, p.decision, "QĐ-UBND", rng.uniform(5, 11))
            p.submitted = p.decision - dt.timedelta(days=rng.randint(8, 30))
            # Quảng Ninh prepared its phase II from late 2017; the others started in 2018
            earliest = (
                dt.date(2017, 10, 2) if p.code == "22" else dt.date(2018, 1, 8) + dt.timedelta(days=rng.randint(0, 30))
            )
            p.drafting = max(earliest, p.submitted - dt.timedelta(days=rng.randint(45, 120)))
            if p.drafting >= p.submitted:
                p.drafting = p.submitted - dt.timedelta(days=21)
        else:
            p.plan_kind = PlanKind.KE_HOACH if rng.random() < 0.25 else PlanKind.DE_AN
            if rng.random() < 0.85:  # drafting since 2018
                p.drafting = b.day(dt.date(2018, 5, 21), dt.date(2018, 11, 23))
                if p.drafting <= dt.date(2018, 10, 15) and rng.random() < 0.4:  # submitted before the seed
                    p.submitted = b.after(p.drafting, 35, 120, dt.date(2018, 12, 7))
                    p.decision = b.day(dt.date(2019, 1, 10), dt.date(2019, 4, 26))
                else:
                    p.submitted = b.day(
                        max(dt.date(2018, 12, 17), p.drafting + dt.timedelta(days=40)), dt.date(2019, 5, 31)
                    )
                    p.decision = b.after(p.submitted, 10, 45, dt.date(2019, 9, 30))
            else:  # drafting only from early 2019
                p.drafting = b.day(dt.date(2019, 1, 7), dt.date(2019, 3, 15))
                p.submitted = b.after(p.drafting, 40, 100, dt.date(2019, 8, 30))
                p.decision = b.after(p.submitted, 10, 40, dt.date(2019, 10, 31))
            p.decision_number = b.number(p.unit, p.ubnd, p.decision, "QĐ-UBND", rng.uniform(5, 11))


def _schedule_cycle(b: _Builder, legacy: list[Province], by_code: dict[str, Province]) -> None:
    """Cycle start and ranking rounds per legacy province, then products counts per year."""
    rng = b.rng
    # first ranking year: Bắc Kạn 2018; 11 more in 2019; the rest of the 22 and 29 others in 2020;
    # 11 in 2021; the last one in 2022 (all 63 by 12/2023)
    by_code["06"].first_rank_year = 2018
    for code in FIRST_RANK_2019:
        by_code[code].first_rank_year = 2019
    rest_22 = [c for c in APPROVED_BY_SEED if by_code[c].first_rank_year is None]
    others = [p.code for p in legacy if p.first_rank_year is None and p.code not in rest_22]
    rng.shuffle(others)
    for code in rest_22 + others[:29]:
        by_code[code].first_rank_year = 2020
    for code in others[29:40]:
        by_code[code].first_rank_year = 2021
    for code in others[40:]:
        by_code[code].first_rank_year = 2022

    for p in legacy:
        year = p.first_rank_year
        if p.code == "06":
            p.cycle = b.day(dt.date(2018, 6, 4), dt.date(2018, 6, 29))
            p.criteria = b.day(dt.date(2018, 8, 1), dt.date(2018, 9, 14))
        elif p.code == "42":
            p.cycle = b.day(dt.date(2018, 11, 12), dt.date(2018, 12, 7))
        elif p.code == "49":
            p.cycle = b.after(p.decision, 30, 75, dt.date(2018, 11, 30))
        elif year == 2019:
            p.cycle = b.day(max(dt.date(2019, 1, 7), p.decision + dt.timedelta(days=20)), dt.date(2019, 4, 26))
        elif year == 2020:
            start = max(dt.date(2019, 3, 4), p.decision + dt.timedelta(days=20))
            if start < dt.date(2019, 12, 1) and rng.random() < 0.7:
                p.cycle = b.day(start, dt.date(2019, 12, 20))
            else:
                p.cycle = b.day(max(start, dt.date(2020, 1, 6)), dt.date(2020, 5, 29))
        elif year == 2021:
            p.cycle = b.day(dt.date(2020, 3, 2), dt.date(2021, 3, 31))
        else:
            p.cycle = b.day(dt.date(2021, 3, 1), dt.date(2021, 12, 15))
        if p.code in CRITERIA_2019:
            p.criteria = b.day(max(p.cycle, dt.date(2019, 2, 11)), dt.date(2019, 5, 31))

    # rounds (dates) per province and year
    rounds: dict[int, list[tuple[Province, dt.date, dt.date]]] = {}
    for p in legacy:
        if p.code == "06":
            ev = b.day(dt.date(2018, 11, 12), dt.date(2018, 11, 28))
            p.rounds.append((ev, b.day(dt.date(2018, 12, 3), dt.date(2018, 12, 7)), rng.randint(18, 24)))
        for year in range(max(p.first_rank_year, 2019), 2026):
            if year == 2025 and rng.random() < 0.4:
                continue
            if year == 2025:
                ev = b.day(dt.date(2025, 3, 2), dt.date(2025, 5, 30))
                rank = b.after(ev, 7, 25, dt.date(2025, 6, 27))
            else:
                lo = dt.date(year, 6, 3)
                if year == 2019:
                    lo = dt.date(2019, 6, 3) if p.criteria else dt.date(2019, 9, 3)
                if year == p.first_rank_year:
                    lo = max(lo, p.cycle + dt.timedelta(days=60))
                ev = b.day(lo, dt.date(year, 11, 27))
                rank = b.after(ev, 7, 30, dt.date(year, 12, 28))
            rounds.setdefault(year, []).append((p, ev, rank))
    for year, entries in sorted(rounds.items()):
        total = RANKED_2025_LEGACY if year == 2025 else RANKED_PER_YEAR[year]
        counts = _distribute(b, total, [e[0].weight for e in entries])
        for (p, ev, rank), count in zip(entries, counts):
            p.rounds.append((ev, rank, count))
    for p in legacy:
        p.rounds.sort()


def _distribute(b: _Builder, total: int, weights: list[float]) -> list[int]:
    noisy = [w * b.rng.uniform(0.6, 1.4) for w in weights]
    s = sum(noisy)
    return [max(3, round(total * w / s)) for w in noisy]


def _schedule_current_rounds(b: _Builder, current: list[Province]) -> None:
    rng = b.rng
    r2025 = [(c, b.day(dt.date(2025, 9, 1), dt.date(2025, 11, 28))) for c in current]
    r2026 = [(c, b.day(dt.date(2026, 6, 1), dt.date(2026, 10, 16))) for c in current if rng.random() < 0.82]
    for entries, total, limit in ((r2025, RANKED_2025_CURRENT, dt.date(2025, 12, 29)), (r2026, RANKED_2026, HORIZON)):
        counts = _distribute(b, total, [c.weight for c, _ in entries])
        for (c, ev), count in zip(entries, counts):
            c.rounds.append((ev, b.after(ev, 7, 28, limit), count))


# -- legacy provinces (before 01/7/2025) --------------------------------------------------------


def _legacy_province(b: _Builder, p: Province) -> None:
    rng = b.rng
    seed_22 = p.code in APPROVED_BY_SEED
    kind_label = PlanKind(p.plan_kind).label
    title = f"Chương trình Mỗi xã một sản phẩm (OCOP) {p.full} giai đoạn 2018-2020"
    if p.code in KNOWN_DECISIONS:
        note = "Số và ngày quyết định theo tư liệu công bố; ngày bắt đầu xây dựng và ngày trình là dữ liệu minh họa (demo)."
    elif p.code == "22":
        note = f"Tỉnh đã triển khai giai đoạn II của Chương trình ({SEED_REF}). {DEMO_NOTE}"
    else:
        note = DEMO_NOTE

    # 1. directive: the UBND assigns the drafting of the plan
    basis = (
        "theo Quyết định số 490/QĐ-TTg ngày 07/5/2018 của Thủ tướng Chính phủ"
        if p.drafting >= QD_490
        else "theo định hướng của Ban Chỉ đạo Trung ương các Chương trình MTQG"
    )
    b.document(
        p,
        DocumentKind.CONG_VAN,
        IssuerKind.UBND,
        p.ubnd,
        p.drafting,
        b.number(p.unit, p.ubnd, p.drafting, "UBND-NN", rng.uniform(8, 14)),
        f"Giao {p.department} chủ trì xây dựng {kind_label} triển khai Chương trình Mỗi xã một sản phẩm (OCOP) "
        f"giai đoạn 2018-2020 {basis}.",
    )

    # 2. the plan 2018-2020 and its approving decision
    b.add(
        "plans",
        ProvincialPlan(
            unit=p.unit,
            kind=p.plan_kind,
            title=title,
            phase="Giai đoạn II" if p.code == "22" else "2018-2020",
            status=PlanStatus.APPROVED,
            drafting_since=p.drafting,
            submitted_on=p.submitted,
            decision_number=p.decision_number,
            decision_date=p.decision,
            issuer=p.ubnd,
            note=note,
        ),
    )
    b.document(
        p,
        DocumentKind.QUYET_DINH,
        IssuerKind.UBND,
        p.ubnd,
        p.decision,
        p.decision_number,
        f"Phê duyệt {kind_label} {title}.",
    )

    # 3. organisation: steering committee, specialised unit (the seed asks provinces to complete them)
    if seed_22:
        steering_day = b.day(dt.date(2018, 3, 1), min(p.decision + dt.timedelta(days=45), dt.date(2018, 11, 30)))
        unit_day = b.day(max(dt.date(2018, 4, 2), p.drafting), dt.date(2018, 12, 7))
    else:
        steering_day = (
            b.day(dt.date(2018, 6, 1), dt.date(2018, 11, 30))
            if rng.random() < 0.5
            else b.day(dt.date(2019, 1, 7), dt.date(2019, 6, 28))
        )
        unit_day = b.day(dt.date(2019, 1, 7), dt.date(2019, 7, 31))
    b.add(
        "organisation",
        OrganisationUnit(
            unit=p.unit,
            kind=OrganisationKind.STEERING_PROVINCE,
            name=p.bcd,
            decision_number=b.number(p.unit, p.ubnd, steering_day, "QĐ-UBND", rng.uniform(5, 11)),
            date=steering_day,
            issuer=p.ubnd,
            contact_name=b.person(),
            note="Kiện toàn Ban Chỉ đạo, bổ sung nhiệm vụ chỉ đạo triển khai Chương trình OCOP trên địa bàn. "
            + DEMO_NOTE,
        ),
    )
    specialised = p.vpdp if rng.random() < 0.8 else f"Chi cục Phát triển nông thôn {p.full}"
    b.add(
        "organisation",
        OrganisationUnit(
            unit=p.unit,
            kind=OrganisationKind.SPECIALISED_PROVINCE,
            name=specialised,
            decision_number=b.number(p.unit, p.ubnd, unit_day, "QĐ-UBND", rng.uniform(5, 11)),
            date=unit_day,
            issuer=p.ubnd,
            contact_name=b.person(),
            contact_email=f"ocop.tinh{p.code}@demo.ocop.invalid",
            note="Giao làm đơn vị chuyên trách cấp tỉnh, đầu mối tham mưu triển khai Chương trình OCOP. " + DEMO_NOTE,
        ),
    )

    # 4. the report on 2018 results the seed requests by 10/01/2019
    if rng.random() < 0.8:
        report_day = (
            b.day(dt.date(2019, 1, 2), dt.date(2019, 1, 9))
            if rng.random() < 0.8
            else b.day(dt.date(2019, 1, 10), dt.date(2019, 1, 25))
        )
        b.document(
            p,
            DocumentKind.OTHER,
            IssuerKind.UBND,
            p.ubnd,
            report_day,
            b.number(p.unit, p.ubnd, report_day, "BC-UBND", 1.0),
            f"Báo cáo kết quả triển khai Chương trình OCOP năm 2018 và kế hoạch năm 2019 (theo {SEED_REF} của Bộ Nông nghiệp và PTNT).",
        )

    # 5. the OCOP cycle: the UBND plan that starts it, the department's guidance, criteria
    cycle_ref = b.number(p.unit, p.ubnd, p.cycle, "KH-UBND", rng.uniform(0.4, 0.9))
    b.document(
        p,
        DocumentKind.KE_HOACH,
        IssuerKind.UBND,
        p.ubnd,
        p.cycle,
        cycle_ref,
        f"Kế hoạch triển khai Chu trình OCOP năm {p.cycle.year} trên địa bàn {p.full}.",
    )
    b.milestone(
        p,
        MilestoneKind.CYCLE_STARTED,
        p.cycle,
        cycle_ref,
        note=(f"Đã bắt đầu triển khai Chu trình OCOP quốc gia ({SEED_REF}). " if p.code in CYCLE_BY_SEED else "")
        + DEMO_NOTE,
    )
    guide_day = b.after(
        p.cycle, 5, 30, dt.date(2018, 12, 10) if p.cycle.year == 2018 else dt.date(p.cycle.year, 12, 28)
    )
    b.document(
        p,
        DocumentKind.HUONG_DAN,
        IssuerKind.SO,
        p.department,
        guide_day,
        b.number(p.unit, p.department, guide_day, "HD-SNN", rng.uniform(0.3, 0.8)),
        f"Hướng dẫn thực hiện Chu trình OCOP năm {guide_day.year}: tuyên truyền, nhận ý tưởng sản phẩm, "
        "phương án sản xuất kinh doanh và hồ sơ đánh giá, phân hạng sản phẩm.",
    )
    if p.criteria:
        number = b.number(p.unit, p.ubnd, p.criteria, "QĐ-UBND", rng.uniform(5, 11))
        b.document(
            p,
            DocumentKind.QUYET_DINH,
            IssuerKind.UBND,
            p.ubnd,
            p.criteria,
            number,
            f"Ban hành Bộ tiêu chí tạm thời đánh giá, phân hạng sản phẩm OCOP {p.full}.",
        )
        b.milestone(
            p,
            MilestoneKind.CRITERIA_PROVISIONAL,
            p.criteria,
            number,
            note=(
                f"Tiêu chí tạm thời cấp tỉnh ({SEED_REF}). "
                if p.code == "06"
                else "Áp dụng đến khi có Bộ tiêu chí quốc gia (Quyết định số 1048/QĐ-TTg). "
            )
            + DEMO_NOTE,
        )

    # 6. the provincial council, evaluation rounds and rankings
    first_eval = p.rounds[0][0]
    council_day = b.day(first_eval - dt.timedelta(days=45), first_eval - dt.timedelta(days=15))
    p.council_number = b.number(p.unit, p.ubnd, council_day, "QĐ-UBND", rng.uniform(5, 11))
    b.document(
        p,
        DocumentKind.QUYET_DINH,
        IssuerKind.UBND,
        p.ubnd,
        council_day,
        p.council_number,
        f"Thành lập Hội đồng đánh giá, phân hạng sản phẩm OCOP {p.full} và Tổ tư vấn giúp việc Hội đồng.",
    )
    b.add(
        "organisation",
        OrganisationUnit(
            unit=p.unit,
            kind=OrganisationKind.OTHER,
            name=f"Hội đồng đánh giá, phân hạng sản phẩm OCOP {p.full}",
            decision_number=p.council_number,
            date=council_day,
            issuer=p.ubnd,
            contact_name=b.person(),
            note="Chủ tịch Hội đồng là lãnh đạo UBND tỉnh; thường trực là đơn vị chuyên trách OCOP. " + DEMO_NOTE,
        ),
    )
    for ev, rank, count in p.rounds:
        b.milestone(
            p,
            MilestoneKind.EVALUATION_HELD,
            ev,
            p.council_number,
            count + rng.randint(2, 12),
            note=f"Hội đồng cấp tỉnh đánh giá sản phẩm đợt năm {ev.year}; số sản phẩm là số được đánh giá. "
            + DEMO_NOTE,
        )
        b.milestone(
            p,
            MilestoneKind.PRODUCTS_RANKED,
            rank,
            b.number(p.unit, p.ubnd, rank, "QĐ-UBND", rng.uniform(5, 11)),
            count,
            note=f"Công nhận {count} sản phẩm đạt 3 sao trở lên năm {rank.year}. " + DEMO_NOTE,
        )

    # 7. more directive documents 2019-2025
    _legacy_documents(b, p)

    # 8. the plan 2021-2025
    kind2 = PlanKind.KE_HOACH if rng.random() < 0.5 else PlanKind.DE_AN
    drafting2 = b.day(dt.date(2020, 9, 1), dt.date(2021, 3, 31))
    if rng.random() < 0.33:
        decision2 = b.after(drafting2, 90, 240, dt.date(2021, 12, 15))
    else:
        decision2 = b.day(dt.date(2022, 8, 5), dt.date(2023, 5, 31))  # after QĐ 919/QĐ-TTg of 01/8/2022
    submitted2 = max(drafting2, decision2 - dt.timedelta(days=rng.randint(10, 45)))
    number2 = b.number(p.unit, p.ubnd, decision2, "QĐ-UBND", rng.uniform(5, 11))
    title2 = f"Chương trình Mỗi xã một sản phẩm (OCOP) {p.full} giai đoạn 2021-2025, định hướng đến năm 2030"
    b.add(
        "plans",
        ProvincialPlan(
            unit=p.unit,
            kind=kind2,
            title=title2,
            phase="2021-2025",
            status=PlanStatus.APPROVED,
            drafting_since=drafting2,
            submitted_on=submitted2,
            decision_number=number2,
            decision_date=decision2,
            issuer=p.ubnd,
            note=DEMO_NOTE,
        ),
    )
    b.document(
        p,
        DocumentKind.QUYET_DINH,
        IssuerKind.UBND,
        p.ubnd,
        decision2,
        number2,
        f"Phê duyệt {PlanKind(kind2).label} {title2}.",
    )

    # 9. activities and funding per year
    _legacy_activities(b, p)
    _legacy_funding(b, p)


def _legacy_documents(b: _Builder, p: Province) -> None:
    rng = b.rng
    first_rank = p.first_rank()
    if rng.random() < 0.4:
        if rng.random() < 0.5:
            day = b.day(max(dt.date(2019, 2, 11), p.decision), dt.date(2019, 10, 31))
            number = b.number(p.unit, p.party, day, "CT/TU", 0.05, dash=True)
            kind, summary = (
                DocumentKind.CHI_THI,
                "Chỉ thị về tăng cường sự lãnh đạo của cấp ủy đảng đối với việc triển khai Chương trình OCOP.",
            )
        else:
            day = b.day(dt.date(2021, 3, 1), dt.date(2022, 6, 30))
            number = b.number(p.unit, p.party, day, "NQ/TU", 0.05, dash=True)
            kind, summary = (
                DocumentKind.NGHI_QUYET,
                "Nghị quyết chuyên đề về phát triển sản phẩm OCOP giai đoạn 2021-2025, định hướng đến năm 2030.",
            )
        b.document(p, kind, IssuerKind.TINH_UY, p.party, day, number, summary)
    if rng.random() < 0.3:
        day = b.day(dt.date(2020, 12, 7), dt.date(2021, 12, 10))
        b.document(
            p,
            DocumentKind.NGHI_QUYET,
            IssuerKind.HDND,
            p.hdnd,
            day,
            b.number(p.unit, p.hdnd, day, "NQ-HĐND", 0.06, with_year=True),
            "Quy định chính sách hỗ trợ phát triển sản phẩm OCOP giai đoạn 2021-2025 (hỗ trợ bao bì, nhãn mác, "
            "truy xuất nguồn gốc, chứng nhận chất lượng và xúc tiến thương mại).",
        )
    for year in sorted(rng.sample(range(2020, 2026), rng.randint(2, 4))):
        day = b.day(dt.date(year, 1, 6), dt.date(year, 3, 31))
        b.document(
            p,
            DocumentKind.KE_HOACH,
            IssuerKind.UBND,
            p.ubnd,
            day,
            b.number(p.unit, p.ubnd, day, "KH-UBND", rng.uniform(0.4, 0.9)),
            f"Kế hoạch thực hiện Chương trình OCOP năm {year} trên địa bàn {p.full}.",
        )
    if rng.random() < 0.5:
        day = b.day(dt.date(2023, 3, 6), dt.date(2023, 6, 30))
        b.document(
            p,
            DocumentKind.HUONG_DAN,
            IssuerKind.SO,
            p.department,
            day,
            b.number(p.unit, p.department, day, "HD-SNN", rng.uniform(0.3, 0.8)),
            "Hướng dẫn thực hiện Bộ tiêu chí và quy trình đánh giá, phân hạng sản phẩm OCOP theo Quyết định số "
            "148/QĐ-TTg ngày 24/02/2023 của Thủ tướng Chính phủ.",
        )
    if first_rank and rng.random() < 0.5:
        day = b.day(max(first_rank, dt.date(2021, 1, 4)), dt.date(2024, 11, 29))
        b.document(
            p,
            DocumentKind.CONG_VAN,
            IssuerKind.BCD,
            p.bcd,
            day,
            b.number(p.unit, p.bcd, day, "BCĐ-VPĐP", 0.1),
            "Đôn đốc các địa phương kiểm tra, giám sát sản phẩm OCOP sau chứng nhận và rà soát sản phẩm sắp hết hạn công nhận.",
        )


# activity templates: (kind, title, eligible(p, day), participants range or None, cost range in million VND)
def _templates(p: Province):
    first_rank = p.first_rank()

    def ranked(day):
        return first_rank is not None and first_rank <= day

    def ranked_in_year(day):
        return any(r <= day and r.year == day.year for _, r, _ in p.rounds)

    label = PlanKind(p.plan_kind).label.lower()
    return [
        (
            ActivityKind.CONFERENCE,
            "Hội nghị quán triệt, triển khai Quyết định số 490/QĐ-TTg của Thủ tướng Chính phủ về Chương trình OCOP",
            lambda d: d.year == 2018,
            (80, 250),
            (20, 120),
        ),
        (
            ActivityKind.WORKSHOP,
            f"Hội thảo góp ý dự thảo {label} Chương trình OCOP {p.full} giai đoạn 2018-2020",
            lambda d: p.drafting <= d < p.decision,
            (40, 120),
            (20, 80),
        ),
        (
            ActivityKind.CONFERENCE,
            f"Hội nghị triển khai {label} Chương trình OCOP {p.full} giai đoạn 2018-2020",
            lambda d: p.decision <= d <= p.decision + dt.timedelta(days=150),
            (100, 300),
            (30, 150),
        ),
        (
            ActivityKind.SURVEY,
            "Khảo sát, rà soát sản phẩm tiềm năng, lợi thế của các xã tham gia Chương trình OCOP",
            lambda d: d <= dt.date(2020, 12, 31) and not ranked(d),
            (8, 30),
            (30, 250),
        ),
        (
            ActivityKind.TRAINING,
            "Tập huấn nâng cao năng lực triển khai Chương trình OCOP cho cán bộ cấp tỉnh, huyện, xã",
            lambda d: d >= QD_490,
            (60, 200),
            (40, 300),
        ),
        (
            ActivityKind.COMMUNICATION,
            f"Tuyên truyền Chương trình OCOP trên báo, đài phát thanh - truyền hình {p.short} năm {{y}}",
            lambda d: d >= QD_490,
            None,
            (50, 500),
        ),
        (
            ActivityKind.TRAINING,
            "Tập huấn Chu trình OCOP, hướng dẫn lập phương án sản xuất kinh doanh cho các chủ thể",
            lambda d: d >= p.cycle,
            (50, 180),
            (40, 250),
        ),
        (
            ActivityKind.TRAINING,
            "Tập huấn Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP theo Quyết định số 1048/QĐ-TTg",
            lambda d: QD_1048 <= d < QD_148,
            (60, 200),
            (40, 200),
        ),
        (
            ActivityKind.TRAINING,
            "Tập huấn Bộ tiêu chí và quy trình đánh giá, phân hạng sản phẩm OCOP theo Quyết định số 148/QĐ-TTg",
            lambda d: QD_148 <= d,
            (60, 220),
            (40, 200),
        ),
        (
            ActivityKind.CONFERENCE,
            "Hội nghị tổng kết Chương trình OCOP năm {py}, triển khai nhiệm vụ năm {y}",
            lambda d: p.cycle.year < d.year and d.month <= 4 and d.year != 2021,
            (100, 250),
            (30, 150),
        ),
        (
            ActivityKind.CONFERENCE,
            "Hội nghị tổng kết Chương trình OCOP giai đoạn 2018-2020, triển khai giai đoạn 2021-2025",
            lambda d: d.year == 2021 and d.month <= 5,
            (120, 300),
            (50, 200),
        ),
        (
            ActivityKind.CONFERENCE,
            "Hội nghị công bố, trao Giấy chứng nhận sản phẩm OCOP năm {y}",
            ranked_in_year,
            (100, 250),
            (50, 250),
        ),
        (
            ActivityKind.FAIR_IN,
            f"Hội chợ, triển lãm sản phẩm OCOP và đặc sản {p.short} năm {{y}}",
            ranked,
            (60, 200),
            (300, 3000),
        ),
        (ActivityKind.FAIR_OUT, "Tham gia {fair}", ranked, (5, 30), (60, 500)),
        (
            ActivityKind.WORKSHOP,
            "Hội thảo phát triển sản phẩm OCOP gắn với du lịch nông thôn",
            ranked,
            (50, 150),
            (30, 150),
        ),
        (
            ActivityKind.TRAINING,
            "Đào tạo kỹ năng bán hàng trên sàn thương mại điện tử cho chủ thể OCOP",
            lambda d: d.year >= 2021 and ranked(d),
            (40, 150),
            (40, 200),
        ),
        (
            ActivityKind.SURVEY,
            "Kiểm tra, giám sát sản phẩm OCOP sau chứng nhận",
            lambda d: d.year >= 2021 and ranked(d),
            (8, 25),
            (20, 120),
        ),
        (
            ActivityKind.SURVEY,
            "Rà soát sản phẩm OCOP hết thời hạn công nhận (36 tháng), hướng dẫn đánh giá lại",
            lambda d: first_rank is not None and d >= first_rank + dt.timedelta(days=1000),
            (8, 25),
            (20, 100),
        ),
    ]


NEEDS = {
    ActivityKind.CONFERENCE: "Thống nhất nhận thức, phân công nhiệm vụ giữa các sở, ngành và địa phương.",
    ActivityKind.TRAINING: "Cán bộ cấp huyện, xã và chủ thể còn lúng túng khi lập hồ sơ, phương án sản xuất kinh doanh.",
    ActivityKind.WORKSHOP: "Cần ý kiến của chuyên gia, doanh nghiệp về định hướng phát triển sản phẩm.",
    ActivityKind.COMMUNICATION: "Người dân, chủ thể chưa hiểu rõ mục tiêu và cách tham gia Chương trình OCOP.",
    ActivityKind.FAIR_IN: "Chủ thể cần kênh quảng bá, kết nối tiêu thụ sản phẩm trong tỉnh.",
    ActivityKind.FAIR_OUT: "Mở rộng thị trường tiêu thụ sản phẩm ra ngoài tỉnh.",
    ActivityKind.SURVEY: "Cần số liệu thực tế về sản phẩm, chủ thể để lập kế hoạch phát triển.",
}


def _results(b: _Builder, kind: str, participants: int | None) -> str:
    rng = b.rng
    if kind == ActivityKind.COMMUNICATION:
        return f"Phát sóng {rng.randint(8, 40)} chuyên mục, phóng sự; đăng {rng.randint(20, 120)} tin bài."
    if kind == ActivityKind.FAIR_IN:
        return f"{rng.randint(60, 250)} gian hàng; doanh thu ước đạt {rng.randint(8, 60) * 100} triệu đồng."
    if kind == ActivityKind.FAIR_OUT:
        return f"{participants} chủ thể tham gia với {rng.randint(20, 90)} sản phẩm; ký {rng.randint(1, 8)} thỏa thuận hợp tác tiêu thụ."
    if kind == ActivityKind.SURVEY:
        return f"Rà soát {rng.randint(30, 200)} sản phẩm của {rng.randint(15, 90)} chủ thể."
    if kind == ActivityKind.TRAINING:
        return f"{participants} học viên được cấp giấy chứng nhận hoàn thành tập huấn."
    return f"{participants} đại biểu tham dự; thống nhất các nhiệm vụ trọng tâm."


def _activity(b: _Builder, p: Province, template, day: dt.date, era_end: dt.date, place_in: str) -> bool:
    rng = b.rng
    kind, title, _eligible, prange, crange = template
    place = place_in
    if kind == ActivityKind.FAIR_OUT:
        fairs = [f for f in FAIRS_OUT if f[2] <= day.year and p.unit.name not in f[1]]
        fair, place, _ = rng.choice(fairs)
        title = title.format(fair=f"{fair} năm {day.year}")
    title = title.format(y=day.year, py=day.year - 1)
    if (p.unit.pk, day.year, title) in b.titles:
        return False
    b.titles.add((p.unit.pk, day.year, title))
    participants = rng.randint(*prange) if prange else None
    if kind == ActivityKind.COMMUNICATION:
        end = max(day, dt.date(day.year, 12, 20))
        place = ""
    elif kind in (ActivityKind.FAIR_IN, ActivityKind.FAIR_OUT):
        end = day + dt.timedelta(days=rng.randint(3, 5))
    elif kind in (ActivityKind.TRAINING, ActivityKind.SURVEY):
        end = day + dt.timedelta(days=rng.randint(1, 4))
    else:
        end = None
    if end is not None:
        end = max(day, min(end, era_end, HORIZON))
    b.add(
        "activities",
        Activity(
            unit=p.unit,
            kind=kind,
            title=title,
            date=day,
            end_date=end,
            place=place,
            participants=participants,
            cost=b.money(*crange),
            needs=NEEDS.get(kind, ""),
            results=_results(b, kind, participants),
        ),
    )
    return True


def _legacy_activities(b: _Builder, p: Province) -> None:
    rng = b.rng
    templates = _templates(p)
    for year in range(2018, 2026):
        start = dt.date(2018, 5, 14) if year == 2018 else dt.date(year, 1, 6)
        end = dt.date(2018, 12, 7) if year == 2018 else LEGACY_END if year == 2025 else dt.date(year, 12, 26)
        wanted = rng.randint(1, 2) if year in (2018, 2025) else rng.randint(1, 3)
        done = 0
        for _ in range(12):
            if done >= wanted:
                break
            day = b.day(start, end)
            eligible = [t for t in templates if t[2](day)]
            if eligible and _activity(b, p, rng.choice(eligible), day, LEGACY_END, f"{p.full}"):
                done += 1


def _legacy_funding(b: _Builder, p: Province) -> None:
    rng = b.rng
    scale = p.weight
    for year in range(2018, 2026):
        if year == 2018:
            day = (
                b.day(max(p.drafting, dt.date(2018, 5, 14)), dt.date(2018, 11, 30)) if p.drafting.year <= 2018 else None
            )
            if day is None:
                continue
            rows = [
                (
                    FundingSource.LOCAL,
                    b.money(100 * scale, 800 * scale),
                    "Kinh phí xây dựng Đề án, tuyên truyền, tập huấn Chương trình OCOP năm 2018",
                )
            ]
            if p.code in APPROVED_BY_SEED:
                day = max(day, p.decision)
                rows.append(
                    (
                        FundingSource.NTM,
                        b.money(500 * scale, 3000 * scale),
                        "Lồng ghép vốn nông thôn mới hỗ trợ triển khai Chương trình OCOP năm 2018",
                    )
                )
        else:
            day = b.day(dt.date(year, 1, 6), dt.date(year, 3, 31))
            big = 1 if year <= 2020 else 2
            rows = [
                (
                    FundingSource.NTM,
                    b.money(1000 * big * scale, 7000 * big * scale),
                    f"Hỗ trợ chủ thể phát triển sản phẩm, hoàn thiện tiêu chuẩn OCOP năm {year}",
                )
            ]
            if rng.random() < 0.6:
                rows.append(
                    (
                        FundingSource.LOCAL,
                        b.money(500 * big * scale, 4000 * big * scale),
                        f"Tuyên truyền, tập huấn, tổ chức đánh giá, phân hạng sản phẩm năm {year}",
                    )
                )
            extra = [
                (
                    FundingSource.SOCIETY,
                    0.35,
                    (500, 8000),
                    "Doanh nghiệp, chủ thể đối ứng đầu tư nhà xưởng, thiết bị, bao bì",
                ),
                (FundingSource.CREDIT, 0.15, (1000, 10000), "Vốn vay ưu đãi phát triển sản xuất cho chủ thể OCOP"),
                (
                    FundingSource.OTHER_PROGRAMMES,
                    0.12,
                    (300, 3000),
                    "Lồng ghép Chương trình khuyến công, xúc tiến thương mại",
                ),
                (
                    FundingSource.CENTRAL,
                    0.1 if year >= 2021 else 0,
                    (500, 3000),
                    "Ngân sách trung ương hỗ trợ trực tiếp Chương trình OCOP",
                ),
            ]
            for source, chance, (lo, hi), purpose in extra:
                if len(rows) < 3 and rng.random() < chance:
                    rows.append((source, b.money(lo * big * scale, hi * big * scale), f"{purpose} năm {year}"))
        for source, amount, purpose in rows:
            b.add("funding", Funding(unit=p.unit, year=year, source=source, amount=amount, purpose=purpose, date=day))


# -- current provinces (from 01/7/2025) ---------------------------------------------------------


def _current_templates(c: Province):
    def ranked_in_year(day):
        return any(r <= day and r.year == day.year for _, r, _ in c.rounds)

    return [
        (
            ActivityKind.CONFERENCE,
            "Hội nghị triển khai Chương trình OCOP sau sắp xếp đơn vị hành chính và tổ chức chính quyền địa phương hai cấp",
            lambda d: d <= dt.date(2025, 9, 30),
            (120, 300),
            (40, 150),
        ),
        (
            ActivityKind.TRAINING,
            "Tập huấn quy trình đánh giá, phân hạng sản phẩm OCOP theo Quyết định số 1489/QĐ-TTg cho cán bộ cấp xã",
            lambda d: d >= QD_1489,
            (80, 250),
            (60, 300),
        ),
        (
            ActivityKind.COMMUNICATION,
            f"Tuyên truyền Chương trình OCOP trên các nền tảng số của {c.full} năm {{y}}",
            lambda d: True,
            None,
            (80, 600),
        ),
        (
            ActivityKind.FAIR_IN,
            f"Hội chợ sản phẩm OCOP và đặc sản {c.short} năm {{y}}",
            lambda d: True,
            (80, 250),
            (500, 4000),
        ),
        (ActivityKind.FAIR_OUT, "Tham gia {fair}", lambda d: True, (8, 40), (80, 600)),
        (
            ActivityKind.CONFERENCE,
            "Hội nghị tổng kết Chương trình OCOP giai đoạn 2021-2025, triển khai nhiệm vụ năm 2026",
            lambda d: d.year == 2026 and d.month <= 3,
            (150, 350),
            (60, 250),
        ),
        (
            ActivityKind.CONFERENCE,
            "Hội nghị công bố, trao Giấy chứng nhận sản phẩm OCOP năm {y}",
            ranked_in_year,
            (100, 300),
            (60, 250),
        ),
        (ActivityKind.SURVEY, "Kiểm tra, giám sát sản phẩm OCOP sau chứng nhận", lambda d: True, (8, 30), (20, 150)),
        (
            ActivityKind.TRAINING,
            "Đào tạo kỹ năng livestream, bán hàng trên sàn thương mại điện tử cho chủ thể OCOP",
            lambda d: True,
            (50, 200),
            (40, 250),
        ),
    ]


def _current_province(b: _Builder, c: Province) -> None:
    rng = b.rng
    steering_day = b.day(dt.date(2025, 7, 1), dt.date(2025, 9, 19))
    b.add(
        "organisation",
        OrganisationUnit(
            unit=c.unit,
            kind=OrganisationKind.STEERING_PROVINCE,
            name=c.bcd,
            decision_number=b.number(c.unit, c.ubnd, steering_day, "QĐ-UBND", rng.uniform(5, 11)),
            date=steering_day,
            issuer=c.ubnd,
            contact_name=b.person(),
            note="Kiện toàn Ban Chỉ đạo sau sắp xếp đơn vị hành chính cấp tỉnh. " + DEMO_NOTE,
        ),
    )
    unit_day = b.day(dt.date(2025, 7, 1), dt.date(2025, 10, 17))
    b.add(
        "organisation",
        OrganisationUnit(
            unit=c.unit,
            kind=OrganisationKind.SPECIALISED_PROVINCE,
            name=f"{c.vpdp} (thuộc {c.department})",
            decision_number=b.number(c.unit, c.ubnd, unit_day, "QĐ-UBND", rng.uniform(5, 11)),
            date=unit_day,
            issuer=c.ubnd,
            contact_name=b.person(),
            contact_email=f"ocop.moi{c.code}@demo.ocop.invalid",
            note="Đơn vị chuyên trách cấp tỉnh theo mô hình chính quyền địa phương hai cấp. " + DEMO_NOTE,
        ),
    )
    first_eval = c.rounds[0][0]
    council_day = b.day(
        max(QD_1489 + dt.timedelta(days=2), first_eval - dt.timedelta(days=45)), first_eval - dt.timedelta(days=10)
    )
    c.council_number = b.number(c.unit, c.ubnd, council_day, "QĐ-UBND", rng.uniform(5, 11))
    b.add(
        "organisation",
        OrganisationUnit(
            unit=c.unit,
            kind=OrganisationKind.OTHER,
            name=f"Hội đồng đánh giá, phân hạng sản phẩm OCOP {c.full}",
            decision_number=c.council_number,
            date=council_day,
            issuer=c.ubnd,
            contact_name=b.person(),
            note="Kiện toàn theo Quyết định số 1489/QĐ-TTg: Hội đồng cấp tỉnh công nhận sản phẩm 3 sao và 4 sao. "
            + DEMO_NOTE,
        ),
    )
    b.document(
        c,
        DocumentKind.QUYET_DINH,
        IssuerKind.UBND,
        c.ubnd,
        council_day,
        c.council_number,
        f"Kiện toàn Hội đồng đánh giá, phân hạng sản phẩm OCOP {c.full} theo Quyết định số 1489/QĐ-TTg ngày 06/7/2025.",
    )
    guide_day = b.day(dt.date(2025, 7, 14), dt.date(2025, 10, 31))
    b.document(
        c,
        DocumentKind.HUONG_DAN,
        IssuerKind.SO,
        c.department,
        guide_day,
        b.number(c.unit, c.department, guide_day, "HD-SNNMT", rng.uniform(0.3, 0.8)),
        "Hướng dẫn UBND cấp xã đánh giá sơ bộ các tiêu chí địa phương (nguồn gốc nguyên liệu, lao động, ý tưởng, "
        "bản sắc) và gửi báo cáo về Hội đồng cấp tỉnh.",
    )
    if rng.random() < 0.5:
        day = b.day(dt.date(2025, 7, 7), dt.date(2025, 9, 30))
        b.document(
            c,
            DocumentKind.KE_HOACH,
            IssuerKind.UBND,
            c.ubnd,
            day,
            b.number(c.unit, c.ubnd, day, "KH-UBND", rng.uniform(0.4, 0.9)),
            f"Kế hoạch triển khai Chương trình OCOP 6 tháng cuối năm 2025 trên địa bàn {c.full} sau sắp xếp đơn vị hành chính.",
        )
    report_day = b.day(dt.date(2025, 11, 3), dt.date(2025, 12, 19))
    b.document(
        c,
        DocumentKind.OTHER,
        IssuerKind.UBND,
        c.ubnd,
        report_day,
        b.number(c.unit, c.ubnd, report_day, "BC-UBND", 1.0),
        f"Báo cáo tổng kết Chương trình OCOP giai đoạn 2021-2025 trên địa bàn {c.full} (gồm số liệu các tỉnh trước sắp xếp).",
    )

    # the Kế hoạch OCOP 2026 (plan registry for some provinces, directive document for all)
    if c.code in PLAN_2026:
        drafting = b.day(dt.date(2025, 10, 1), dt.date(2025, 11, 14))
        submitted = b.day(dt.date(2025, 12, 1), dt.date(2025, 12, 19))
        decision = b.day(dt.date(2026, 1, 5), dt.date(2026, 2, 13))
    else:
        decision = b.day(dt.date(2026, 1, 5), dt.date(2026, 3, 31))
    number = b.number(c.unit, c.ubnd, decision, "KH-UBND", rng.uniform(0.4, 0.9))
    title = f"Thực hiện Chương trình Mỗi xã một sản phẩm (OCOP) {c.full} năm 2026"
    if c.code in PLAN_2026:
        b.add(
            "plans",
            ProvincialPlan(
                unit=c.unit,
                kind=PlanKind.KE_HOACH,
                title=title,
                phase="2026",
                status=PlanStatus.APPROVED,
                drafting_since=drafting,
                submitted_on=submitted,
                decision_number=number,
                decision_date=decision,
                issuer=c.ubnd,
                note="Kế hoạch của tỉnh sau sắp xếp; số và ngày ban hành là dữ liệu minh họa (demo).",
            ),
        )
    b.document(
        c, DocumentKind.KE_HOACH, IssuerKind.UBND, c.ubnd, decision, number, f"Kế hoạch {title[0].lower()}{title[1:]}."
    )
    if c.code in PLAN_2026_2030:
        drafting = b.day(dt.date(2026, 3, 2), dt.date(2026, 5, 29))
        b.add(
            "plans",
            ProvincialPlan(
                unit=c.unit,
                kind=PlanKind.DE_AN,
                title=f"Phát triển sản phẩm OCOP {c.full} giai đoạn 2026-2030",
                phase="2026-2030",
                status=PlanStatus.SUBMITTED,
                drafting_since=drafting,
                submitted_on=b.day(dt.date(2026, 9, 1), dt.date(2026, 10, 30)),
                issuer=c.ubnd,
                note="Đã trình UBND tỉnh, chờ phê duyệt (dữ liệu minh họa, demo).",
            ),
        )

    for ev, rank, count in c.rounds:
        b.milestone(
            c,
            MilestoneKind.EVALUATION_HELD,
            ev,
            c.council_number,
            count + rng.randint(3, 15),
            note=f"Hội đồng cấp tỉnh đánh giá sản phẩm đợt năm {ev.year} (quy trình Quyết định số 1489/QĐ-TTg). "
            + DEMO_NOTE,
        )
        b.milestone(
            c,
            MilestoneKind.PRODUCTS_RANKED,
            rank,
            b.number(c.unit, c.ubnd, rank, "QĐ-UBND", rng.uniform(5, 11)),
            count,
            note=f"Công nhận {count} sản phẩm đạt 3 sao, 4 sao năm {rank.year}. " + DEMO_NOTE,
        )

    templates = _current_templates(c)
    for start, end, wanted in ((REFORM_DATE, dt.date(2025, 12, 26), 2), (dt.date(2026, 1, 5), HORIZON, 3)):
        done = 0
        for _ in range(12):
            if done >= wanted:
                break
            day = b.day(start, end)
            eligible = [t for t in templates if t[2](day)]
            if eligible and _activity(b, c, rng.choice(eligible), day, HORIZON, c.full):
                done += 1

    # funding: a supplement for the second half of 2025 in some provinces, the 2026 budget for all
    if rng.random() < 0.4:
        day = b.day(dt.date(2025, 8, 1), dt.date(2025, 10, 31))
        b.add(
            "funding",
            Funding(
                unit=c.unit,
                year=2025,
                source=FundingSource.LOCAL,
                amount=b.money(500 * c.weight, 3000 * c.weight),
                date=day,
                purpose="Bổ sung kinh phí thực hiện Chương trình OCOP 6 tháng cuối năm 2025 sau sắp xếp",
            ),
        )
    day = b.day(dt.date(2026, 1, 5), dt.date(2026, 3, 31))
    rows = [
        (
            FundingSource.NTM,
            b.money(2000 * c.weight, 12000 * c.weight),
            "Hỗ trợ chủ thể phát triển, nâng hạng sản phẩm OCOP năm 2026",
        ),
        (
            FundingSource.LOCAL,
            b.money(1000 * c.weight, 6000 * c.weight),
            "Tuyên truyền, tập huấn, đánh giá, phân hạng và xúc tiến thương mại năm 2026",
        ),
    ]
    if rng.random() < 0.4:
        rows.append(
            (
                FundingSource.SOCIETY,
                b.money(1000 * c.weight, 15000 * c.weight),
                "Doanh nghiệp, chủ thể đối ứng đầu tư năm 2026",
            )
        )
    for source, amount, purpose in rows:
        b.add("funding", Funding(unit=c.unit, year=2026, source=source, amount=amount, purpose=purpose, date=day))
