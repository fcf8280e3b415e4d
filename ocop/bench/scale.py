"""National-scale generated data for the benchmarks (`manage.py generate_scale`).

Everything is drawn from one `random.Random(seed)` over rows read in a fixed order, so a size and a
seed give the same dataset every time (on SQLite and PostgreSQL). Every generated row is marked:

- a marker row `geo.DatasetLoad(name="generate_scale")` whose `sha256` holds "size:seed" and `rows`
  the number of rows written (written last, in the same transaction as the data);
- names and titles start with GEN_PREFIX ("[Sinh]"), generated accounts with "sinh.".

The whole dataset is written in one transaction: an interrupted run leaves nothing behind.

What `full` builds on top of the administrative units, the report templates and criteria (loaded
here if missing) — the sizes are in SIZES:

- ten years (2016 → the last period cut off before today) of quarterly and annual national report
  requests, answered by every province valid on the cut-off (63 legacy, 34 from 01/7/2025); before
  01/7/2025 every province also collects the same report from each of its legacy districts (a child
  request per province and period, every district answering);
- 50,000 OCOP entities in communes (legacy communes before the reform, current ones after) and
  100,000 products;
- one provincial evaluation round per province and year from 2019 (QĐ 1048) to the current year,
  councils of 5–9 scoring members (chair, secretary, members; a non-scoring advisor in some), every
  member's score sheet of the ~31 criteria of the sheet in force (QĐ 1048 or QĐ 148), about 1 %
  recusals; results (average, stars, certified or forwarded) computed with ocop/evaluation/scoring.py
  exactly as `do_close_round` does; certificates numbered per issuer and year, valid 36 months,
  expired or superseded as time went on; certified products come back for re-evaluation when their
  certificate expires;
- provincial programme registries over the ten years (directive documents, activities, funding).

Products are spread over all leaves of their instrument's classification and each is judged by the
criteria set of its own leaf on the meeting date (following the 1048 → 148 crosswalk, as
`CriteriaSet.objects.for_classification` does): under QĐ 148 that is 23 of the 26 sets (tea, other
plant tea and coffee/cocoa are skeletons, see ocop/evaluation/SOURCES.md), under QĐ 1048 22 of 26.
A product whose set cannot be scored on the meeting date is
not offered to the round and waits in its province's pool (a 1048 product is scored once QĐ 148's
set of its successor leaf applies). Products registered before QĐ 1048 (QĐ 490 sectors) are
classified, when first evaluated, into a scoreable leaf of the same sector.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

GEN_PREFIX = "[Sinh]"
MARKER = "generate_scale"
REFORM = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class Size:
    name: str
    first_year: int  # of report periods
    entities: int
    products: int
    round_first_year: int
    round_provinces: int | None  # None: every province
    per_round: int  # products per round (first evaluations), re-evaluations come on top
    district_collection: bool
    programme_per_province_year: int  # activities; documents and funding are derived


SIZES = {
    "full": Size("full", 2016, 50_000, 100_000, 2019, None, 58, True, 40),
    "small": Size("small", 2025, 600, 1_200, 2024, 4, 12, True, 3),
}


class AlreadyGenerated(Exception):
    pass


def marker():
    from ocop.geo.models import DatasetLoad

    return DatasetLoad.objects.filter(name=MARKER).first()


def _vn(day: dt.date, rng: random.Random, lo=(7, 45), hi=(17, 15)) -> dt.datetime:
    minutes = rng.randint(lo[0] * 60 + lo[1], hi[0] * 60 + hi[1])
    naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    return timezone.make_aware(naive, dt.timezone(dt.timedelta(hours=7)))


def _bulk(model, rows: list, batch: int = 2000) -> list:
    return model.objects.bulk_create(rows, batch_size=batch) if rows else []


class Generator:
    def __init__(self, size: Size, seed: int, log=print, today: dt.date | None = None):
        self.size = size
        self.seed = seed
        self.rng = random.Random(seed)
        self.log = log
        self.today = today or timezone.localdate()
        self.counts: dict[str, int] = defaultdict(int)
        self.timings: list[tuple[str, float]] = []

    # -- helpers -------------------------------------------------------------------------------

    def step(self, name: str, fn):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        self.timings.append((name, elapsed))
        self.log(f"  {name}: {elapsed:.1f} s")

    def count(self, key: str, rows) -> None:
        self.counts[key] += len(rows)

    # -- run -----------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        from ocop.evaluation.loader import load_criteria
        from ocop.geo.models import AdminUnit, DatasetLoad
        from ocop.reporting.loader import load_templates

        existing = marker()
        wanted = f"{self.size.name}:{self.seed}"
        if existing is not None:
            if existing.sha256 == wanted:
                return {}
            raise AlreadyGenerated(existing.sha256)
        if not AdminUnit.objects.exists():
            from django.core.management import call_command

            call_command("load_units")
        load_templates()
        load_criteria()
        with transaction.atomic():
            self.step("đơn vị hành chính", self.load_units)
            self.step("tài khoản hội đồng", self.users)
            self.step("sổ theo dõi chương trình", self.programme)
            self.step("yêu cầu báo cáo và báo cáo", self.reporting)
            self.step("chủ thể", self.entities)
            self.step("sản phẩm", self.products)
            self.step("kỳ đánh giá, phiếu chấm, giấy chứng nhận", self.evaluation)
            self.step("danh mục sản phẩm công khai", self.catalogue)
            total = sum(self.counts.values())
            DatasetLoad.objects.create(name=MARKER, sha256=wanted, rows=total)
        return dict(self.counts)

    # -- catalogue -----------------------------------------------------------------------------

    def catalogue(self) -> None:
        """The public catalogue's entries of the certified products (bulk writes send no signals)."""
        try:
            from ocop.catalogue.services import rebuild_catalogue
        except ImportError:  # no catalogue app
            return
        self.counts["catalogue entries"] = rebuild_catalogue()

    # -- units ---------------------------------------------------------------------------------

    def load_units(self) -> None:
        from ocop.geo.models import AdminUnit, Era, Level, UnitSuccession

        units = list(
            AdminUnit.objects.order_by("era", "level", "code").values(
                "pk", "era", "level", "code", "name", "province_id", "district_id", "valid_from", "valid_to"
            )
        )
        self.units = {u["pk"]: u for u in units}
        self.provinces = {
            era: [u for u in units if u["era"] == era and u["level"] == Level.PROVINCE] for era in Era.values
        }
        self.districts_of = defaultdict(list)
        self.communes_of = defaultdict(list)  # province id -> commune ids
        for u in units:
            if u["level"] == Level.DISTRICT:
                self.districts_of[u["province_id"]].append(u)
            elif u["level"] == Level.COMMUNE:
                self.communes_of[u["province_id"]].append(u["pk"])
        self.successor = dict(
            UnitSuccession.objects.filter(predecessor__level=Level.PROVINCE)
            .order_by("predecessor_id")
            .values_list("predecessor_id", "successor_id")
        )

    # -- users ---------------------------------------------------------------------------------

    def users(self) -> None:
        from ocop.accounts.models import Role, User

        rows = []
        for era, provinces in self.provinces.items():
            for p in provinces:
                for n in range(1, 11):
                    rows.append(
                        User(
                            username=f"sinh.hd.{era}.{p['code']}.{n}",
                            password="!",
                            role=Role.COUNCIL_MEMBER,
                            scope_unit_id=p["pk"],
                            full_name=f"{GEN_PREFIX} Thành viên hội đồng {n} – {p['name']}",
                            is_active=True,
                        )
                    )
        _bulk(User, rows)
        self.count("users", rows)
        self.council = defaultdict(list)
        for pk, unit_id in (
            User.objects.filter(username__startswith="sinh.hd.").order_by("username").values_list("pk", "scope_unit_id")
        ):
            self.council[unit_id].append(pk)

    # -- programme -----------------------------------------------------------------------------

    def programme(self) -> None:
        from ocop.programme.models import (
            Activity,
            ActivityKind,
            DirectiveDocument,
            DocumentKind,
            Funding,
            FundingSource,
            IssuerKind,
        )

        rng, n = self.rng, self.size.programme_per_province_year
        activities, documents, funding = [], [], []
        kinds = list(ActivityKind.values)
        for year in range(self.size.first_year, self.today.year + 1):
            era = "legacy" if year < REFORM.year else "current"
            for p in self.provinces[era]:
                last = min(dt.date(year, 12, 31), self.today)
                span = (last - dt.date(year, 1, 1)).days
                for i in range(n):
                    day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, span))
                    kind = rng.choice(kinds)
                    activities.append(
                        Activity(
                            unit_id=p["pk"],
                            kind=kind,
                            title=f"{GEN_PREFIX} Hoạt động OCOP {i + 1}/{year} – {p['name']}",
                            date=day,
                            participants=rng.randint(20, 400),
                            cost=rng.randint(5, 800) * 1_000_000,
                            results="Hoàn thành theo kế hoạch.",
                        )
                    )
                for _ in range(max(1, n // 4)):
                    day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, span))
                    documents.append(
                        DirectiveDocument(
                            unit_id=p["pk"],
                            kind=rng.choice(DocumentKind.values),
                            number=f"{rng.randint(1, 4000)}/QĐ-UBND",
                            date=day,
                            issuer_kind=rng.choice(IssuerKind.values),
                            summary=f"{GEN_PREFIX} Văn bản chỉ đạo triển khai Chương trình OCOP năm {year}",
                        )
                    )
                for source in rng.sample(list(FundingSource.values), 3):
                    funding.append(
                        Funding(
                            unit_id=p["pk"],
                            year=year,
                            source=source,
                            amount=rng.randint(100, 20_000) * 1_000_000,
                            date=dt.date(year, 3, 1),
                            purpose=f"{GEN_PREFIX} Kinh phí thực hiện Chương trình OCOP",
                        )
                    )
        for model, rows in ((Activity, activities), (DirectiveDocument, documents), (Funding, funding)):
            _bulk(model, rows)
            self.count(model._meta.model_name, rows)

    # -- reporting -----------------------------------------------------------------------------

    def reporting(self) -> None:
        from ocop.geo.models import Level
        from ocop.reporting import periods
        from ocop.reporting.models import (
            ReportRequest,
            ReportTemplate,
            RequestDeadline,
            RequestKind,
            RequestStatus,
        )

        template = ReportTemplate.objects.filter(code="ocop-periodic").order_by("-version").first()
        self.template = template.parsed
        existing = set(
            ReportRequest.objects.filter(template__code="ocop-periodic", owner_unit__isnull=True).values_list(
                "period_code", flat=True
            )
        )
        plan = []
        for year in range(self.size.first_year, self.today.year + 1):
            for per in [*periods.periods_in_year(periods.QUARTER, year), periods.period(periods.YEAR, year)]:
                deadline = periods.default_deadline(per.kind, per)
                if deadline >= self.today or per.code in existing:
                    continue
                plan.append((per, deadline))
        rng = self.rng
        requests = []
        for per, deadline in plan:
            opened = _vn(per.end - dt.timedelta(days=20), rng)
            requests.append(
                ReportRequest(
                    title=f"{GEN_PREFIX} {template.title} — {per.label_vi}",
                    template=template,
                    kind=RequestKind.PERIODIC,
                    period_code=per.code,
                    period_start=per.start,
                    cutoff=per.end,
                    deadline=deadline,
                    recipient_level=Level.PROVINCE,
                    status=RequestStatus.CLOSED,
                    opened_at=opened,
                    legal_basis="Nghị định số 09/2019/NĐ-CP (dữ liệu sinh để đo hiệu năng)",
                )
            )
        requests = _bulk(ReportRequest, requests)
        self.count("report requests", requests)
        # children: each legacy province collects from its districts before the reform
        children, deadlines = [], []
        if self.size.district_collection:
            for req in requests:
                if req.cutoff >= REFORM:
                    continue
                child_deadline = periods.add_working_days(req.cutoff, 2)
                deadlines.append(RequestDeadline(request=req, level=Level.DISTRICT, deadline=child_deadline))
                for p in self.provinces["legacy"]:
                    children.append(
                        ReportRequest(
                            title=req.title,
                            template=template,
                            kind=RequestKind.PERIODIC,
                            period_code=req.period_code,
                            period_start=req.period_start,
                            cutoff=req.cutoff,
                            deadline=child_deadline,
                            recipient_level=Level.DISTRICT,
                            owner_unit_id=p["pk"],
                            parent=req,
                            status=RequestStatus.CLOSED,
                            opened_at=req.opened_at,
                            legal_basis=req.legal_basis,
                        )
                    )
        _bulk(RequestDeadline, deadlines)
        children = _bulk(ReportRequest, children)
        self.count("report requests", children)
        # recipients and submissions
        through = ReportRequest.recipients.through
        links, subs = [], []
        for req in [*requests, *children]:
            if req.owner_unit_id is None:
                era = "legacy" if req.cutoff < REFORM else "current"
                units = [u for u in self.provinces[era] if self._valid(u, req.cutoff)]
            else:
                units = [u for u in self.districts_of[req.owner_unit_id] if self._valid(u, req.cutoff)]
            for u in units:
                links.append(through(reportrequest_id=req.pk, adminunit_id=u["pk"]))
                subs.extend(self._submissions(req, u))
            if len(subs) > 5000:
                self._flush_reporting(through, links, subs)
                links, subs = [], []
        self._flush_reporting(through, links, subs)

    def _flush_reporting(self, through, links, subs) -> None:
        from ocop.reporting.models import Submission

        _bulk(through, links, 5000)
        self.count("request recipients", links)
        firsts = [s for s in subs if s.number == 1]
        _bulk(Submission, firsts, 1000)
        by_key = {(s.request_id, s.unit_id): s for s in firsts}
        seconds = [s for s in subs if s.number == 2]
        for s in seconds:
            s.previous_id = by_key[(s.request_id, s.unit_id)].pk
        _bulk(Submission, seconds, 1000)
        self.count("submissions", subs)

    @staticmethod
    def _valid(u: dict, day: dt.date) -> bool:
        return (u["valid_from"] is None or u["valid_from"] <= day) and (u["valid_to"] is None or u["valid_to"] >= day)

    def _submissions(self, req, unit: dict) -> list:
        from ocop.reporting.models import Submission, SubmissionSource, SubmissionStatus

        rng = self.rng
        roll = rng.random()
        if roll < 0.02:
            return []  # never answered
        late = roll > 0.90
        if late:
            day = req.deadline + dt.timedelta(days=rng.randint(1, 12))
        else:
            day = (
                req.cutoff
                - dt.timedelta(days=rng.randint(0, 3))
                + dt.timedelta(days=rng.randint(0, max(0, (req.deadline - req.cutoff).days)))
            )
        first = _vn(day, rng)
        status = (
            SubmissionStatus.ACCEPTED
            if rng.random() < 0.95
            else rng.choice([SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED])
        )
        reviewed = first + dt.timedelta(days=rng.randint(1, 5)) if status != SubmissionStatus.SUBMITTED else None
        source = SubmissionSource.XLSX if rng.random() < 0.2 else SubmissionSource.WEB
        sub = Submission(
            request_id=req.pk,
            unit_id=unit["pk"],
            number=1,
            status=status,
            data=self._data(unit),
            source=source,
            first_submitted_at=first,
            submitted_at=first,
            reviewed_at=reviewed,
        )
        out = [sub]
        if status == SubmissionStatus.ACCEPTED and rng.random() < 0.02:  # a correction, accepted again
            again = reviewed + dt.timedelta(days=rng.randint(2, 20))
            out.append(
                Submission(
                    request_id=req.pk,
                    unit_id=unit["pk"],
                    number=2,
                    status=SubmissionStatus.ACCEPTED,
                    data=self._data(unit),
                    source=source,
                    submitted_at=again,
                    reviewed_at=again + dt.timedelta(days=1),
                )
            )
        return out

    SHORTCOMINGS = (
        "cán bộ phụ trách OCOP cấp xã còn kiêm nhiệm nhiều việc",
        "kinh phí hỗ trợ chủ thể còn hạn chế",
        "chủ thể sản xuất quy mô nhỏ, chưa chú trọng bao bì, nhãn mác",
        "thị trường tiêu thụ sản phẩm còn hẹp",
        "chưa có vùng nguyên liệu ổn định cho sản phẩm chủ lực",
        "sự phối hợp giữa các phòng, ban trong triển khai Chương trình có lúc chưa chặt chẽ",
        "nhiều sản phẩm chưa đáp ứng yêu cầu truy xuất nguồn gốc",
    )
    PROPOSALS = (
        "đề nghị Trung ương hỗ trợ kinh phí tập huấn cho cán bộ cấp xã",
        "đề nghị hỗ trợ chủ thể tham gia hội chợ, xúc tiến thương mại",
        "đề nghị hướng dẫn thống nhất hồ sơ đánh giá sản phẩm",
        "đề nghị có chính sách tín dụng ưu đãi cho hợp tác xã",
    )

    def _data(self, unit: dict) -> dict:
        rng, data = self.rng, {}
        for f in self.template.fields:
            t = f.type
            if t == "integer":
                data[f.code] = rng.randint(0, 60)
            elif t == "money":
                data[f.code] = rng.randint(0, 900) * 1_000_000
            elif t == "percent":
                if rng.random() < 0.8:
                    data[f.code] = str(Decimal(rng.randint(0, 1000)) / 10)
            elif t == "choice" and f.options:
                data[f.code] = rng.choice(f.options).value
            elif t == "date":
                data[f.code] = dt.date(2019, 1, 1).isoformat()
            elif t == "text":
                data[f.code] = f"{unit['name']}: đã triển khai các nội dung theo kế hoạch trong kỳ."
            elif t == "table":
                rows = []
                for _i in range(rng.randint(0, 2)):
                    row = {}
                    for c in f.columns:
                        if c.type in ("integer", "money"):
                            row[c.code] = rng.randint(1, 200)
                        elif c.type == "choice" and c.options:
                            row[c.code] = c.options[0].value
                        elif c.type == "date":
                            row[c.code] = "2024-01-15"
                        else:
                            row[c.code] = f"Nội dung {_i + 1}"
                    rows.append(row)
                data[f.code] = rows
        for rule in self.template.rules:  # keep the sums consistent
            if rule.kind == "sum_equals":
                data[rule.params["target"]] = sum(int(data.get(t) or 0) for t in rule.params["terms"])
            elif rule.kind == "less_or_equal":
                left, right = rule.params["left"], rule.params["right"]
                if isinstance(data.get(left), int) and isinstance(data.get(right), int) and data[left] > data[right]:
                    data[left] = data[right]
        picks = rng.sample(self.SHORTCOMINGS, rng.randint(1, 3))
        data["difficulties_text"] = "; ".join(picks).capitalize() + "."
        data["proposals_policy_text"] = "; ".join(rng.sample(self.PROPOSALS, rng.randint(1, 2))).capitalize() + "."
        return data

    # -- entities and products -----------------------------------------------------------------

    def _reg_day(self, start_year: int) -> dt.date:
        """A registration day, more of them in later years (the programme grew)."""
        first = dt.date(start_year, 1, 1)
        span = (self.today - first).days
        return first + dt.timedelta(days=int(span * (self.rng.random() ** 0.7)))

    def _commune(self, day: dt.date, province: dict | None = None) -> int:
        era = "legacy" if day < REFORM else "current"
        province = province or self.rng.choice(self.provinces[era])
        communes = self.communes_of[province["pk"]]
        return self.rng.choice(communes)

    def entities(self) -> None:
        from ocop.products.models import Entity, EntityKind

        rng = self.rng
        kinds = (
            [EntityKind.HTX] * 33
            + [EntityKind.DOANH_NGHIEP] * 24
            + [EntityKind.HO_KINH_DOANH] * 38
            + [EntityKind.TO_HOP_TAC] * 5
        )
        rows, days = [], []
        for i in range(self.size.entities):
            day = self._reg_day(2016)
            kind = rng.choice(kinds)
            rows.append(
                Entity(
                    kind=kind,
                    name=f"{GEN_PREFIX} Chủ thể OCOP số {i + 1:06d}",
                    registration_number=f"SINH-{self.seed}-{i + 1:06d}",
                    address=f"Thôn {rng.randint(1, 20)}",
                    unit_id=self._commune(day),
                    representative_name=f"Người đại diện {i + 1:06d}",
                )
            )
            days.append(day)
        rows = _bulk(Entity, rows)
        self.count("entities", rows)
        self.entity_rows = list(zip(rows, days))

    def products(self) -> None:
        from ocop.evaluation.models import Classification, CriteriaSet
        from ocop.products.instruments import classification_instrument_on
        from ocop.products.models import Product, ProductStatus, sector_of_code

        rng = self.rng
        leaves = defaultdict(list)  # instrument prefix -> leaf (pk, code)
        for pk, code in Classification.objects.filter(is_leaf=True).order_by("code").values_list("pk", "code"):
            leaves[code.split("-")[0]].append((pk, code))
        # the scoreable sets (latest version of each) and the first leaf each judges
        self.sets = {
            cs.pk: cs
            for cs in CriteriaSet.objects.filter(structure_only=False)
            .latest_versions()
            .select_related("instrument")
            .order_by("valid_from", "code")
        }
        self.scoreable_leaf = {}
        for cs in self.sets.values():
            leaf = cs.subgroups.order_by("code").first()
            self.scoreable_leaf[cs.pk] = (leaf.pk, leaf.code)
        self._set_cache: dict[tuple[str, int], int | None] = {}
        prefix_of = {"QĐ 490/QĐ-TTg": "490", "QĐ 1048/QĐ-TTg": "1048", "QĐ 148/QĐ-TTg": "148"}
        rows = []
        names = (
            "Mật ong rừng",
            "Chè búp",
            "Gạo thơm",
            "Nước mắm cá cơm",
            "Miến dong",
            "Rượu men lá",
            "Bưởi",
            "Cam sành",
            "Tinh dầu sả",
            "Mây tre đan",
            "Lụa tơ tằm",
            "Cà phê rang xay",
            "Mắm tôm",
            "Bánh đa",
            "Thịt trâu gác bếp",
        )
        self.product_days = []
        for i in range(self.size.products):
            entity, since = (
                self.entity_rows[i % len(self.entity_rows)]
                if i < len(self.entity_rows)
                else rng.choice(self.entity_rows)
            )
            day = since + dt.timedelta(days=rng.randint(0, max(0, (self.today - since).days)))
            instrument = classification_instrument_on(day)
            leaf_pk, code = rng.choice(leaves[prefix_of[instrument]])
            rows.append(
                Product(
                    entity_id=entity.pk,
                    name=f"{GEN_PREFIX} {rng.choice(names)} {i + 1:06d}",
                    sector=sector_of_code(code) or "thuc_pham",
                    classification_id=leaf_pk,
                    classification_code=code,
                    classification_instrument=instrument,
                    unit_id=entity.unit_id,
                    registered_on=day,
                    status=ProductStatus.REGISTERED if rng.random() < 0.8 else ProductStatus.DRAFT,
                )
            )
            self.product_days.append(day)
        rows = _bulk(Product, rows)
        self.count("products", rows)
        self.product_rows = rows

    # -- evaluation ----------------------------------------------------------------------------

    def _province_keys(self, unit_id: int) -> tuple[int | None, int | None]:
        """(legacy province id, current province id) of a commune."""
        u = self.units[unit_id]
        province = u["province_id"]
        if u["era"] == "legacy":
            return province, self.successor.get(province)
        return None, province

    def evaluation(self) -> None:
        from ocop.evaluation.models import (
            CouncilLevel,
            CouncilSeat,
            Instrument,
            Round,
            RoundStatus,
            SeatRole,
            procedure_rule_on,
        )

        rng, size = self.rng, self.size
        # products not yet evaluated, per (era, province id), oldest registration first
        pools: dict[tuple[str, int], list[int]] = defaultdict(list)
        order = sorted(range(len(self.product_rows)), key=lambda i: (self.product_days[i], i))
        for i in order:
            legacy, current = self._province_keys(self.product_rows[i].unit_id)
            pools[("legacy", legacy) if legacy else ("current", current)].append(i)
        plan = []
        for year in range(size.round_first_year, self.today.year + 1):
            era = "legacy" if year < REFORM.year else "current"
            provinces = self.provinces[era][: size.round_provinces] if size.round_provinces else self.provinces[era]
            for p in provinces:
                start = dt.date(year, 9, 1) if year > 2019 else dt.date(2019, 10, 1)
                held = min(start + dt.timedelta(days=rng.randint(0, 70)), self.today - dt.timedelta(days=7))
                plan.append((era, p, held))
        plan.sort(key=lambda r: (r[2], r[1]["code"]))
        rounds = []
        self.procedures = {}
        for _era, p, held in plan:
            rule = procedure_rule_on(held)
            self.procedures[rule.pk] = rule.parsed
            rounds.append(
                Round(
                    name=f"{GEN_PREFIX} Đánh giá, phân hạng sản phẩm OCOP năm {held.year} – {p['name']}",
                    level=CouncilLevel.PROVINCE,
                    unit_id=p["pk"],
                    held_on=held,
                    instrument=Instrument.objects.on(held),
                    procedure=rule,
                    status=RoundStatus.CLOSED,
                    closed_at=_vn(held, rng, (16, 0), (17, 30)),
                )
            )
        rounds = _bulk(Round, rounds)
        self.count("rounds", rounds)
        self.prepare_scoring()
        seats = []
        renewals: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)  # province id -> (expiry, product index)
        for rnd, (era, p, held) in zip(rounds, plan):
            n = rng.randint(5, 9)
            chosen = rng.sample(self.council[p["pk"]], n + (1 if rng.random() < 0.3 else 0))
            roles = [SeatRole.CHAIR, SeatRole.SECRETARY] + [SeatRole.MEMBER] * (n - 2) + [SeatRole.ADVISOR]
            round_seats = [CouncilSeat(round_id=rnd.pk, user_id=u, role=r) for u, r in zip(chosen, roles)]
            seats.extend(round_seats)
            scorers = [s.user_id for s in round_seats if s.role != SeatRole.ADVISOR]
            keys = [p["pk"]]
            pool = pools[(era, p["pk"])]
            if era == "current":  # the legacy products and renewals of the provinces it absorbed
                absorbed = [legacy for legacy, succ in self.successor.items() if succ == p["pk"]]
                keys += absorbed
                for legacy in absorbed:
                    pool.extend(pools.pop(("legacy", legacy), []))
                pool.sort(key=lambda i: (self.product_days[i], i))
            picked = []
            cutoff = held - dt.timedelta(days=30)
            waiting = []  # products whose criteria set cannot be scored on this date stay in the pool
            while pool and len(picked) < size.per_round and self.product_days[pool[0]] < cutoff:
                i = pool.pop(0)
                (picked if self.set_for(i, held) is not None else waiting).append(i)
            pool[:0] = waiting
            horizon = held + dt.timedelta(days=200)
            for key in keys:
                due = renewals.pop(key, [])
                renewals[p["pk"]].extend(d for d in due if d[0] > horizon)
                # a renewal is scored only when its criteria set can be scored on this date
                picked += [
                    i
                    for expiry, i in due
                    if expiry <= horizon and rng.random() < 0.6 and self.set_for(i, held) is not None
                ]
            for i in picked:
                expires = self.score_entry(rnd, held, i, scorers)
                if expires is not None:
                    renewals[p["pk"]].append((expires, i))
        _bulk(CouncilSeat, seats)
        self.count("council seats", seats)
        self.write_evaluation()

    def set_for(self, i: int, held: dt.date) -> int | None:
        """The pk of the scoreable criteria set judging product `i` on `held` (None: not scoreable)."""
        from ocop.evaluation.models import CriteriaSet, Instrument
        from ocop.products.models import sector_of_code

        code = self.reclassified.get(i, (None, self.product_rows[i].classification_code))[1]
        instrument = self._instruments.get(held)
        if instrument is None:
            instrument = self._instruments[held] = Instrument.objects.on(held)
        key = (code, instrument.pk if instrument else 0)
        if key not in self._set_cache:
            cs = CriteriaSet.objects.for_classification(code, held) if instrument else None
            self._set_cache[key] = cs.pk if cs is not None and cs.pk in self.sets else None
        found = self._set_cache[key]
        if found is None and instrument is not None and code.startswith("490-"):
            # registered under QĐ 490: classified, when first evaluated, into a scoreable leaf of its sector
            same = [
                pk
                for pk, cs in self.sets.items()
                if cs.instrument_id == instrument.pk
                and cs.valid_from <= held
                and (cs.valid_to is None or held <= cs.valid_to)
                and sector_of_code(self.scoreable_leaf[pk][1]) == sector_of_code(code)
            ]
            if same:
                found = same[self.rng.randrange(len(same))]
                self.reclassified[i] = self.scoreable_leaf[found]
        return found

    def prepare_scoring(self) -> None:
        from ocop.evaluation.models import scale_on

        self.sheets = {pk: cs.parsed for pk, cs in self.sets.items()}
        # per sheet: the criteria with their options' codes from the fewest to the most points
        self.ladders = {
            pk: [(c.code, c.bonus, [o.code for o in sorted(c.options, key=lambda o: o.points)]) for c in sheet.criteria]
            for pk, sheet in self.sheets.items()
        }
        self.scale_on = scale_on
        self._instruments: dict[dt.date, object] = {}
        self.reclassified: dict[int, tuple[int, str]] = {}  # product index -> (leaf pk, code) for QĐ 490 products
        self.scales: dict[dt.date, object] = {}
        self.dossier_no: dict[int, int] = defaultdict(int)
        self.quality: dict[int, float] = {}
        self.pending: list = []  # (round, held, product index, criteria set pk, score, stars, certified, forwarded_to, sheets, recused)
        self.product_state: dict[int, str] = {}

    def score_entry(self, rnd, held: dt.date, i: int, scorers: list[int]) -> dt.date | None:
        """Score one product in one round as the council would; returns the certificate's expiry when certified."""
        from ocop.evaluation import scoring
        from ocop.products.models import ProductStatus

        rng = self.rng
        cs = self.sets[self.set_for(i, held)]
        sheet = self.sheets[cs.pk]
        if held not in self.scales:
            self.scales[held] = self.scale_on(held)
        scale = self.scales[held]
        procedure = self.procedures[rnd.procedure_id]
        # the product's quality, drifting a little between evaluations
        q = self.quality.get(i)
        q = min(1.0, max(0.0, rng.gauss(0.78, 0.12))) if q is None else min(1.0, max(0.0, q + rng.gauss(0.03, 0.05)))
        self.quality[i] = q
        recused = scorers[rng.randrange(len(scorers))] if rng.random() < 0.01 else None
        member_choices = {}
        for user_id in scorers:
            if user_id == recused:
                continue
            choices = {}
            for code, bonus, ladder in self.ladders[cs.pk]:
                if bonus and rng.random() < 0.5:
                    continue
                pos = round(q * (len(ladder) - 1) + rng.gauss(0, 0.6))
                choices[code] = ladder[min(len(ladder) - 1, max(0, pos))]
            member_choices[user_id] = choices
        ranking = scoring.rank_product(sheet, scale, member_choices, (), procedure)
        certified = ranking.certified and scoring.can_certify(procedure, rnd.level, ranking.stars)
        forwarded_to = None if certified else scoring.forwarding(procedure, rnd.level, ranking.score)
        sheets = [(u, c, ranking.member_totals[u].total) for u, c in member_choices.items()]
        self.dossier_no[i] += 1
        self.pending.append(
            (
                rnd,
                held,
                i,
                cs.pk,
                ranking.score,
                ranking.stars,
                certified,
                forwarded_to or "",
                sheets,
                recused,
                self.dossier_no[i],
                procedure,
            )
        )
        if certified:
            self.product_state[i] = ProductStatus.CERTIFIED
            return scoring.certificate_expires_on(procedure, held)
        self.product_state[i] = ProductStatus.IN_EVALUATION if forwarded_to else ProductStatus.NOT_CERTIFIED
        return None

    def write_evaluation(self) -> None:
        """Dossiers, round entries, score sheets, recusals, certificates and product statuses."""
        from ocop.evaluation import scoring
        from ocop.evaluation.models import Certificate, CertificateStatus, MemberScore, Recusal, RoundProduct
        from ocop.products.models import Dossier, DossierStatus, Product, ProductStatus, sector_of_code

        rng = self.rng
        dossiers = [
            Dossier(
                product_id=self.product_rows[i].pk,
                number=number,
                status=DossierStatus.COMPLETE,
                submitted_at=_vn(held - dt.timedelta(days=40), rng),
                reviewed_at=_vn(held - dt.timedelta(days=20), rng),
            )
            for rnd, held, i, *_rest, number, _p in self.pending
        ]
        dossiers = _bulk(Dossier, dossiers)
        self.count("dossiers", dossiers)
        entries = [
            RoundProduct(
                round_id=rnd.pk,
                product_id=self.product_rows[i].pk,
                dossier_id=d.pk,
                criteria_set_id=cs,
                score=score,
                stars=stars,
                certified=certified,
                forwarded=bool(fwd),
                forwarded_to=fwd,
            )
            for (rnd, held, i, cs, score, stars, certified, fwd, *_rest), d in zip(self.pending, dossiers)
        ]
        entries = _bulk(RoundProduct, entries)
        self.count("round products", entries)
        taken = defaultdict(int)  # certificate numbers already used per (issuer, year)
        for unit_id, year, number in Certificate.objects.values_list("issuer_unit_id", "year", "number"):
            taken[(unit_id, year)] = max(taken[(unit_id, year)], number)
        score_rows, recusals, certs, latest_cert = [], [], [], {}
        for entry, (rnd, held, i, _cs, _s, stars, certified, _f, sheets, recused, _n, procedure) in zip(
            entries, self.pending
        ):
            for user_id, choices, total in sheets:
                score_rows.append(
                    MemberScore(
                        round_product_id=entry.pk,
                        user_id=user_id,
                        choices=choices,
                        total=total,
                        submitted_at=_vn(held - dt.timedelta(days=rng.randint(0, 2)), rng),
                    )
                )
            if recused is not None:
                recusals.append(
                    Recusal(round_product_id=entry.pk, user_id=recused, reason="Có quan hệ gia đình với chủ thể.")
                )
            if certified:
                key = (rnd.unit_id, held.year)
                taken[key] += 1
                valid_until = scoring.certificate_expires_on(procedure, held)
                cert = Certificate(
                    product_id=self.product_rows[i].pk,
                    round_product_id=entry.pk,
                    issuer_unit_id=rnd.unit_id,
                    year=held.year,
                    number=taken[key],
                    issued_on=held,
                    valid_until=valid_until,
                    stars=stars,
                    status=CertificateStatus.VALID if valid_until > self.today else CertificateStatus.EXPIRED,
                )
                previous = latest_cert.get(i)
                if previous is not None and previous.status == CertificateStatus.VALID:
                    previous.status = CertificateStatus.SUPERSEDED
                latest_cert[i] = cert
                certs.append(cert)
            if len(score_rows) >= 20_000:
                _bulk(MemberScore, score_rows, 1000)
                self.count("member scores", score_rows)
                score_rows = []
        _bulk(MemberScore, score_rows, 1000)
        self.count("member scores", score_rows)
        _bulk(Recusal, recusals)
        self.count("recusals", recusals)
        _bulk(Certificate, certs)
        self.count("certificates", certs)
        # products registered under QĐ 490 take the leaf they were first evaluated in
        by_leaf = defaultdict(list)
        for i, leaf in self.reclassified.items():
            by_leaf[leaf].append(self.product_rows[i].pk)
        instrument_of = {self.scoreable_leaf[pk]: cs.instrument.number for pk, cs in self.sets.items()}
        for (leaf_pk, code), pks in sorted(by_leaf.items()):
            for start in range(0, len(pks), 900):
                Product.objects.filter(pk__in=pks[start : start + 900]).update(
                    classification_id=leaf_pk,
                    classification_code=code,
                    sector=sector_of_code(code) or "thuc_pham",
                    classification_instrument=f"QĐ {instrument_of[(leaf_pk, code)]}",
                )
        by_state = defaultdict(list)
        for i, state in self.product_state.items():
            cert = latest_cert.get(i)
            if state == ProductStatus.CERTIFIED and cert is not None and cert.status == CertificateStatus.EXPIRED:
                state = ProductStatus.EXPIRED
            by_state[state].append(self.product_rows[i].pk)
        for state, pks in sorted(by_state.items()):
            for start in range(0, len(pks), 900):
                Product.objects.filter(pk__in=pks[start : start + 900]).update(status=state)
