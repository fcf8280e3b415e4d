"""Demo entities, products and dossiers (DEMO), deterministic and idempotent.

- "HTX Nông sản Đức Xuân (demo)" in phường Đức Xuân (01840, Thái Nguyên), owned by the demo entity
  user `chuthe.demo`, with three products: "Chè xanh Đức Xuân" (complete dossier, verified by the
  province, ready for an evaluation round), "Mật ong hoa rừng Đức Xuân" (dossier being prepared,
  incomplete) and "Bưởi Đức Xuân" (registered, no dossier yet; fresh fruit, whose QĐ 148 criteria set
  can be filled in online for the self-assessment);
- about 30 more entities and 60 products in Thái Nguyên (with the former Bắc Kạn), Hà Tĩnh, Quảng
  Ninh and Đà Nẵng (with the former Quảng Nam). Registrations before 01/7/2025 are filed on legacy
  communes, later ones on current communes; statuses follow the dates (certificates older than 36
  months have expired).

Names are generic product kinds with a place name, never real brands; every entity is marked
"(demo)" and every row `is_demo`. Dossier files are minimal valid PDFs generated here; photos are
small PNGs. Running again changes nothing once the demo entities exist.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ocop.accounts.models import User
from ocop.audit.services import log_action, snapshot
from ocop.geo.models import AdminUnit, Era, Level
from ocop.geo.services import LEGACY_END
from ocop.lib.text import strip_diacritics
from ocop.products.instruments import QD_148, classification_instrument_on
from ocop.products.models import (
    Dossier,
    DossierCategory,
    DossierFile,
    DossierStatus,
    Entity,
    EntityKind,
    EntityMember,
    MemberRole,
    Product,
    ProductPhoto,
    ProductStatus,
    ProductStatusChange,
    SelfAssessment,
    required_categories,
    requires_self_assessment,
    sector_of_code,
)
from ocop.products.services import apply_classification
from ocop.lib.dates import format_date

SEED = 148
REFORM_DATE = dt.date(2025, 7, 1)
HORIZON = min(dt.date(2026, 11, 15), dt.date.today())
CERTIFICATE_MONTHS = 36
DEMO_REASON = "demo"
MAIN_ENTITY = "HTX Nông sản Đức Xuân (demo)"
MAIN_USER = "chuthe.demo"

# province groups: (current province code, legacy province codes, demo officer or None, entity count)
GROUPS = [
    ("19", ["19", "06"], "tinh.thainguyen", 12),
    ("42", ["42"], "tinh.hatinh", 8),
    ("22", ["22"], None, 5),
    ("48", ["48", "49"], None, 5),
]

# product kinds: (base name, position of the subgroup under QĐ 148, under QĐ 1048), as in the
# evaluation app's classification data (ocop/evaluation/data/classification-qd*.json)
KINDS = [
    ("Chè xanh", "1.5.1", "1.5.1"),
    ("Trà hoa vàng", "1.5.2", "1.5.2"),
    ("Rượu men lá", "2.1.1", "2.1.1"),
    ("Miến dong", "1.3.3", "1.3.3"),
    ("Gạo nếp", "1.2.1", "1.2.1"),
    ("Mật ong hoa rừng", "1.2.2", "1.2.2"),
    ("Măng khô", "1.3.3", "1.3.3"),
    ("Nấm hương khô", "1.3.3", "1.3.3"),
    ("Cam sành", "1.1.1", "1.1.1"),
    ("Bưởi", "1.1.1", "1.1.1"),
    ("Kẹo lạc", "1.3.3", "1.3.3"),
    ("Nước mắm", "1.4.1", "1.4.1"),
    ("Chả cá", "1.3.4", "1.3.5"),
    ("Tinh dầu quế", "3.3", "3.4.1"),
    ("Cao dược liệu", "3.1", "3.1.1"),
    ("Mây tre đan", "4.1", "4.2.1"),
    ("Thổ cẩm dệt tay", "4.2", "5.1.1"),
    ("Điểm du lịch cộng đồng", "6.1", "6.1.1"),
]


def classification_code(day: dt.date, pos148: str, pos1048: str) -> str:
    """The evaluation classification code of a product registered on `day` ("148-1.5.1")."""
    return f"148-{pos148}" if classification_instrument_on(day) == QD_148 else f"1048-{pos1048}"


SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Hà", "Đinh", "Nông", "Ma", "Lương", "Vũ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Hồng"]
GIVEN = [
    "An",
    "Bình",
    "Chung",
    "Dũng",
    "Hà",
    "Hải",
    "Hạnh",
    "Hoa",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Sơn",
    "Thảo",
    "Tuấn",
]
ENTITY_NAMES = {
    EntityKind.HTX: "HTX Nông nghiệp {place} (demo)",
    EntityKind.TO_HOP_TAC: "Tổ hợp tác sản xuất {place} (demo)",
    EntityKind.DOANH_NGHIEP: "Công ty TNHH Nông sản {place} (demo)",
    EntityKind.HO_KINH_DOANH: "Hộ kinh doanh {person} (demo)",
}
TITLES = {
    EntityKind.HTX: "Giám đốc HTX",
    EntityKind.TO_HOP_TAC: "Tổ trưởng",
    EntityKind.DOANH_NGHIEP: "Giám đốc",
    EntityKind.HO_KINH_DOANH: "Chủ hộ kinh doanh",
}


# --- generated files -----------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return strip_diacritics(text).encode("ascii", "ignore").decode("ascii")


def minimal_pdf(lines: list[str]) -> bytes:
    """A small, valid one-page PDF (A4, Helvetica) showing `lines` (Vietnamese folded to ASCII, as
    the standard PDF fonts have no Vietnamese glyphs). Readable by any PDF reader."""
    ops = ["BT", "/F1 12 Tf", "16 TL", "56 780 Td"]
    for line in lines:
        safe = _ascii(line).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({safe}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiny_png(rgb: tuple[int, int, int], width: int = 96, height: int = 64) -> bytes:
    """A plain-colour PNG with a lighter band: a stand-in product photo."""
    light = tuple(min(255, c + 60) for c in rgb)
    rows = []
    for y in range(height):
        colour = light if height // 3 <= y < 2 * height // 3 else rgb
        rows.append(b"\x00" + bytes(colour) * width)
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# --- builder -----------------------------------------------------------------------------------


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


class _Builder:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.users = {u.username: u for u in User.objects.filter(is_demo=True)}
        self.counts = {"entities": 0, "products": 0, "dossiers": 0, "files": 0, "certified": 0}
        self.reg_seq = 0

    def user(self, username):
        return self.users.get(username) if username else None

    def person(self) -> str:
        rng = self.rng
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    def entity(self, *, kind, name, unit, day, representative, title, owner=None) -> Entity:
        self.reg_seq += 1
        province = unit.province.code if unit.province_id else "00"
        entity = Entity(
            kind=kind,
            name=name,
            registration_number=f"DEMO-{province}-{self.reg_seq:04d}",
            address=f"Thôn {self.rng.randint(1, 12)}",
            unit=unit,
            representative_name=representative,
            representative_title=title,
            phone=f"0912 {self.rng.randint(100, 999)} {self.rng.randint(100, 999)}",
            email=f"chuthe{self.reg_seq:03d}@demo.ocop.invalid",
        )
        entity.is_demo = True
        entity.full_clean()
        entity.save()
        Entity.objects.filter(pk=entity.pk).update(created_at=_aware(day))
        if owner is not None:
            EntityMember.objects.get_or_create(user=owner, entity=entity, defaults={"role": MemberRole.OWNER})
        log_action(
            None,
            "ocop.products.entity.created",
            entity,
            after=snapshot(entity, Entity.AUDIT_FIELDS),
            unit=unit,
            reason=DEMO_REASON,
        )
        self.counts["entities"] += 1
        return entity

    def product(self, entity, *, name, codes, day, unit=None, description="") -> Product:
        code = classification_code(day, *codes)
        product = Product(
            entity=entity,
            name=name,
            sector=sector_of_code(code),
            classification_code=code,
            classification_instrument=classification_instrument_on(day),
            unit=unit or entity.unit,
            description=description,
            registered_on=day,
            status=ProductStatus.REGISTERED,
        )
        apply_classification(product)
        product.is_demo = True
        product.full_clean()
        product.save()
        ProductStatusChange.objects.create(
            product=product,
            from_status="",
            to_status=ProductStatus.REGISTERED,
            at=_aware(day),
            reason="Đăng ký sản phẩm",
        )
        log_action(
            None,
            "ocop.products.product.created",
            product,
            after=snapshot(product, Product.AUDIT_FIELDS),
            unit=product.unit,
            reason=DEMO_REASON,
        )
        self.counts["products"] += 1
        return product

    def status(self, product, new_status, day, *, by=None, reason=""):
        old = product.status
        product.status = new_status
        product.version += 1
        product.save(update_fields=["status", "version", "updated_at"])
        ProductStatusChange.objects.create(
            product=product, from_status=old, to_status=new_status, at=_aware(day, 14), by=by, reason=reason
        )
        log_action(
            None,
            "ocop.products.product.status_changed",
            product,
            before={"status": old},
            after={"status": new_status},
            unit=product.unit,
            reason=f"{DEMO_REASON}: {reason}",
        )
        if new_status == ProductStatus.CERTIFIED:
            self.counts["certified"] += 1

    def dossier(
        self, product, day, *, categories=None, self_assessed=True, state=DossierStatus.COMPLETE, reviewer=None
    ) -> Dossier:
        """A dossier with a generated PDF per category (the required ones by default)."""
        number = product.dossiers.count() + 1
        dossier = Dossier.objects.create(product=product, number=number, is_demo=True)
        cats = list(categories if categories is not None else required_categories(product))
        if categories is None and requires_self_assessment(product) and self_assessed:
            cats.append(DossierCategory.SELF_ASSESSMENT)
        for cat in cats:
            label = str(DossierCategory(cat).label)
            content = minimal_pdf(
                [
                    "DU LIEU MAU (DEMO) - khong phai tai lieu that",
                    label,
                    f"San pham: {product.name}",
                    f"Chu the: {product.entity.name}",
                    f"Ngay: {format_date(day)}",
                ]
            )
            filename = f"{cat.replace('_', '-')}.pdf"
            item = DossierFile(
                dossier=dossier, category=cat, name=filename, size=len(content), uploaded_at=_aware(day, 10)
            )
            item.file.save(filename, ContentFile(content), save=False)
            item.save()
            self.counts["files"] += 1
            log_action(
                None,
                "ocop.products.dossier.file_added",
                dossier,
                after={"category": cat, "file": filename, "size": len(content)},
                unit=product.unit,
                reason=DEMO_REASON,
            )
        if requires_self_assessment(product) and self_assessed:
            SelfAssessment.objects.create(
                dossier=dossier,
                criteria_set_code="QĐ 148/QĐ-TTg",
                criteria_set_version="",
                declared_total=Decimal(self.rng.randint(52, 88)),
                submitted_at=_aware(day, 11),
            )
        if state in (DossierStatus.SUBMITTED, DossierStatus.COMPLETE, DossierStatus.INCOMPLETE):
            dossier.status = DossierStatus.SUBMITTED
            dossier.submitted_at = _aware(day, 15)
            if state != DossierStatus.SUBMITTED:
                dossier.status = state
                dossier.reviewed_at = _aware(day + dt.timedelta(days=7), 9)
                dossier.reviewed_by = reviewer
                dossier.review_note = (
                    "" if state == DossierStatus.COMPLETE else "Bổ sung phiếu kết quả kiểm nghiệm còn hiệu lực."
                )
            dossier.save()
        log_action(
            None,
            "ocop.products.dossier.created",
            dossier,
            after={"number": number, "status": dossier.status},
            unit=product.unit,
            reason=DEMO_REASON,
        )
        self.counts["dossiers"] += 1
        return dossier

    def photo(self, product, rgb):
        photo = ProductPhoto(product=product, caption=f"{product.name} (ảnh minh họa, demo)")
        photo.image.save(f"anh-{product.pk}.png", ContentFile(tiny_png(rgb)), save=False)
        photo.save()


def create_demo_products() -> dict[str, int]:
    """Create the demo entities, products and dossiers once; return the counts of demo rows."""
    if not Entity.objects.filter(is_demo=True).exists():
        with transaction.atomic():
            _create()
    _link_main_user()
    _link_classifications()
    return _counts()


def _counts() -> dict[str, int]:
    return {
        "entities": Entity.objects.filter(is_demo=True).count(),
        "products": Product.objects.filter(is_demo=True).count(),
        "dossiers": Dossier.objects.filter(is_demo=True).count(),
        "files": DossierFile.objects.filter(dossier__is_demo=True).count(),
        "certified": Product.objects.filter(is_demo=True, status=ProductStatus.CERTIFIED).count(),
    }


def _link_classifications() -> None:
    """Link demo products to the evaluation app's classification once it is loaded (either order)."""
    for product in Product.objects.filter(is_demo=True, classification__isnull=True).exclude(classification_code=""):
        apply_classification(product)
        if product.classification_id:
            product.save(update_fields=["classification", "classification_code", "classification_instrument", "sector"])


def _link_main_user() -> None:
    user = User.objects.filter(username=MAIN_USER).first()
    entity = Entity.objects.filter(is_demo=True, name=MAIN_ENTITY).first()
    if user is not None and entity is not None:
        EntityMember.objects.get_or_create(user=user, entity=entity, defaults={"role": MemberRole.OWNER})


def _create() -> None:
    b = _Builder()
    _main_entity(b)
    for current_code, legacy_codes, officer, count in GROUPS:
        current = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code=current_code)
        current_communes = list(
            AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province=current).order_by("code")
        )
        legacy_communes = list(
            AdminUnit.objects.filter(era=Era.LEGACY, level=Level.COMMUNE, province__code__in=legacy_codes)
            .valid_on(LEGACY_END)
            .order_by("code")  # the communes of 30/6/2025, not those merged away earlier
        )
        for _ in range(count):
            _entity_with_products(b, current_communes, legacy_communes, b.user(officer))


def _main_entity(b: _Builder) -> None:
    owner = b.user(MAIN_USER) or User.objects.filter(username=MAIN_USER).first()
    officer = b.user("tinh.thainguyen")
    unit = AdminUnit.objects.get(era=Era.CURRENT, level=Level.COMMUNE, code="01840")
    day = min(dt.date(2025, 9, 15), HORIZON)
    entity = b.entity(
        kind=EntityKind.HTX,
        name=MAIN_ENTITY,
        unit=unit,
        day=day,
        representative="Hoàng Văn Chung",
        title="Giám đốc HTX",
        owner=owner,
    )
    entity.address = "Tổ 5"
    entity.save(update_fields=["address"])
    tea = b.product(
        entity,
        name="Chè xanh Đức Xuân",
        codes=("1.5.1", "1.5.1"),
        day=min(dt.date(2025, 10, 6), HORIZON),
        description="Chè búp xanh sao tay từ vùng chè của hợp tác xã; đóng gói 200 g và 500 g. (Dữ liệu mẫu)",
    )
    b.photo(tea, (46, 125, 50))
    b.dossier(tea, min(dt.date(2025, 11, 20), HORIZON), state=DossierStatus.COMPLETE, reviewer=officer)
    honey = b.product(
        entity,
        name="Mật ong hoa rừng Đức Xuân",
        codes=("1.2.2", "1.2.2"),
        day=min(dt.date(2026, 3, 2), HORIZON),
        description="Mật ong khai thác từ đàn ong nuôi của các hộ thành viên. (Dữ liệu mẫu)",
    )
    b.photo(honey, (191, 144, 0))
    b.dossier(
        honey,
        min(dt.date(2026, 4, 10), HORIZON),
        self_assessed=False,
        state=DossierStatus.DRAFT,
        categories=[
            DossierCategory.REGISTRATION_FORM,
            DossierCategory.BUSINESS_PLAN,
            DossierCategory.BUSINESS_REGISTRATION,
            DossierCategory.QUALITY_DECLARATION,
        ],
    )
    # fresh fruit: the subgroup whose QĐ 148 criteria set can be filled in online (self-assessment)
    b.product(
        entity,
        name="Bưởi Đức Xuân",
        codes=("1.1.1", "1.1.1"),
        day=min(dt.date(2026, 6, 1), HORIZON),
        description="Bưởi trồng tại vườn của các hộ thành viên. (Dữ liệu mẫu)",
    )


def _random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _entity_with_products(b: _Builder, current_communes, legacy_communes, officer) -> None:
    rng = b.rng
    # about a third of the entities registered after the reform, on current communes
    if rng.random() < 0.35 and HORIZON - dt.timedelta(days=120) > REFORM_DATE:
        day = _random_day(rng, REFORM_DATE, HORIZON - dt.timedelta(days=120))
    else:
        day = _random_day(rng, dt.date(2019, 9, 1), min(HORIZON, REFORM_DATE - dt.timedelta(days=1)))
    legacy = day < REFORM_DATE
    unit = rng.choice(legacy_communes if legacy else current_communes)
    kind = rng.choice(
        [
            EntityKind.HTX,
            EntityKind.HTX,
            EntityKind.DOANH_NGHIEP,
            EntityKind.HO_KINH_DOANH,
            EntityKind.HO_KINH_DOANH,
            EntityKind.TO_HOP_TAC,
        ]
    )
    person = b.person()
    entity = b.entity(
        kind=kind,
        name=ENTITY_NAMES[kind].format(place=unit.name, person=person),
        unit=unit,
        day=day,
        representative=person,
        title=TITLES[kind],
    )
    for _ in range(2):
        base, pos148, pos1048 = rng.choice(KINDS)
        name = f"{base} {unit.name}"
        if entity.products.filter(name=name).exists():
            continue
        reg = _random_day(rng, day, HORIZON - dt.timedelta(days=30))
        # a product registered after the reform by an entity filed on a legacy commune is produced in
        # the current commune that took over that territory
        origin = unit
        if reg >= REFORM_DATE and unit.era == Era.LEGACY:
            origin = AdminUnit.objects.filter(predecessions__predecessor=unit).order_by("code").first() or unit
        product = b.product(
            entity,
            name=name,
            codes=(pos148, pos1048),
            day=reg,
            unit=origin,
            description=f"{base} do {entity.name} sản xuất. (Dữ liệu mẫu)",
        )
        _life(b, product, reg, officer)


def _life(b: _Builder, product: Product, reg: dt.date, officer) -> None:
    """Statuses that follow the registration date: evaluated a few months later, certified for 36
    months, then expired; recent products are still registered with a dossier in progress."""
    rng = b.rng
    age_days = (HORIZON - reg).days
    if age_days < 240:
        choice = rng.random()
        if choice < 0.35:
            return
        if choice < 0.7:
            b.dossier(
                product,
                reg + dt.timedelta(days=20),
                self_assessed=False,
                state=DossierStatus.DRAFT,
                categories=[DossierCategory.REGISTRATION_FORM, DossierCategory.BUSINESS_PLAN],
            )
            return
        b.dossier(product, reg + dt.timedelta(days=20), state=DossierStatus.SUBMITTED)
        return
    dossier_day = reg + dt.timedelta(days=rng.randint(20, 60))
    b.dossier(product, dossier_day, state=DossierStatus.COMPLETE, reviewer=officer)
    eval_day = dossier_day + dt.timedelta(days=rng.randint(20, 60))
    b.status(product, ProductStatus.IN_EVALUATION, eval_day, by=officer, reason="Đưa vào kỳ đánh giá, phân hạng")
    decision_day = eval_day + dt.timedelta(days=rng.randint(20, 45))
    if decision_day > HORIZON or (age_days < 420 and rng.random() < 0.5):
        return  # the council has not decided yet
    if rng.random() < 0.2:
        b.status(
            product, ProductStatus.NOT_CERTIFIED, decision_day, by=officer, reason="Tổng điểm dưới 50 (dữ liệu mẫu)"
        )
        return
    number = rng.randint(100, 2999)
    b.status(
        product,
        ProductStatus.CERTIFIED,
        decision_day,
        by=officer,
        reason=f"Quyết định số {number}/QĐ-UBND ngày {format_date(decision_day)} (số minh họa, demo)",
    )
    expiry = _add_months(decision_day, CERTIFICATE_MONTHS)
    revoke_day = decision_day + dt.timedelta(days=rng.randint(200, 500))
    if rng.random() < 0.08 and revoke_day < min(expiry, HORIZON):
        b.status(
            product,
            ProductStatus.REVOKED,
            revoke_day,
            by=officer,
            reason="Không duy trì tiêu chí bắt buộc sau kiểm tra, giám sát (dữ liệu mẫu)",
        )
    elif expiry <= HORIZON:
        b.status(product, ProductStatus.EXPIRED, expiry, reason="Hết thời hạn 36 tháng của giấy chứng nhận")
