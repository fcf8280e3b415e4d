"""Bulk import of OCOP entities and products from the workbook the app hands out.

The template (`build_template`) has a sheet "Chủ thể" and a sheet "Sản phẩm" (either may be left
empty), an instructions sheet in Vietnamese, a protected sheet "Mã xã" listing the commune codes the
user may import into, and a hidden, protected sheet "DanhMuc" feeding the drop-down lists (entity
type, product group, criteria instrument, classification codes, yes/no).

Each data sheet has the Vietnamese headers in row 1 and, in the hidden row 2, the field codes
("ocop:entity.name"…): columns are found by code (or, in a home-made sheet, by header text), so
moved or added columns do not matter. Data starts on row 3; errors name the Excel row and column.

The life of an upload (`ImportBatch`):

1. the view checks the file before anything opens it (`ocop.lib.upload_safety.check_office_upload`:
   size, type, unzipped size, macros, XML entity declarations) and stores it in the default storage;
2. `check_batch` (the dry run) reads every row and reports every problem by row and column, in
   Vietnamese, without saving anything: unknown or out-of-scope commune code, duplicate registration
   number in the file or in the database, missing required field, bad date, unknown product
   group or classification code, product whose entity is neither in the file nor in the user's scope…
3. `commit_batch` reads and checks the file again (the database may have changed meanwhile) and
   writes every row, or none, in one transaction: entities, products (status "registered"), their
   status history, one audit entry per object and one for the import with its counts.

Large files (more than OCOP_IMPORT_SYNC_ROWS rows) are checked and committed by the background
worker (`ocop.products.tasks.process_import`); the page shows the progress. Only officers with
`products.manage` (province officers, central administrators) import, and only into the communes
their scope covers; entity users cannot bulk import.
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.audit.models import AuditEntry
from ocop.audit.services import log_action, snapshot
from ocop.geo.models import AdminUnit, Era, Level
from ocop.lib import spreadsheet
from ocop.lib.dates import DateParseError, parse_date
from ocop.lib.text import clean_text, fold
from ocop.lib.upload_safety import check_office_upload
from ocop.products.models import (
    INSTRUMENTS,
    Entity,
    EntityKind,
    Product,
    ProductStatus,
    ProductStatusChange,
    Sector,
    instrument_on,
    sector_of_code,
)
from ocop.products.models_import import ImportBatch, ImportStatus

TEMPLATE_VERSION = "ocop-import-1"
CODE_PREFIX = "ocop:"
ENTITY_SHEET = "Chủ thể"
PRODUCT_SHEET = "Sản phẩm"
GUIDE_SHEET = "Hướng dẫn"
UNITS_SHEET = "Mã xã"
LISTS_SHEET = "DanhMuc"
FIRST_DATA_ROW = 3
# no date of the import (registration of a product) is this old: an earlier one is a number that a
# date format turned into a 1900s date (2026 → 18/07/1905, 12.5 → 12/01/1900)
EARLIEST_DATE = dt.date(1950, 1, 1)
HEADER_SCAN_ROWS = 5
YES = ("có", "co", "x", "1", "true", "yes", "y", "đúng")
NO = ("", "không", "khong", "0", "false", "no", "n", "sai")
BROKEN_FILE_ERRORS = (KeyError, ValueError, TypeError, IndexError, AttributeError, OSError, EOFError,
                      zipfile.BadZipFile, ElementTree.ParseError, etree.XMLSyntaxError)
MiB = 1024 * 1024


def max_rows() -> int:
    return getattr(settings, "OCOP_IMPORT_MAX_ROWS", 20000)


def sync_rows() -> int:
    """Files with more rows than this are checked and committed by the background worker."""
    return getattr(settings, "OCOP_IMPORT_SYNC_ROWS", 2000)


def max_bytes() -> int:
    return getattr(settings, "OCOP_IMPORT_MAX_MB", 10) * MiB


# --- the columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    code: str
    label: object
    required: bool = False
    kind: str = "text"  # text, kind, sector, instrument, commune, bool, date, email, classification
    max_length: int | None = None
    help: object = ""
    width: int = 18

    @property
    def marker(self) -> str:
        return f"{CODE_PREFIX}{self.code}"


ENTITY_FIELDS = [
    Field("entity.kind", _l("Loại hình"), True, "kind", help=_l("Chọn trong danh sách: Hợp tác xã, Tổ hợp tác, Doanh nghiệp, Hộ sản xuất có đăng ký kinh doanh."), width=22),
    Field("entity.name", _l("Tên chủ thể"), True, max_length=255, width=34),
    Field("entity.registration_number", _l("Số đăng ký kinh doanh"), True, max_length=50, help=_l("Số giấy chứng nhận đăng ký; không trùng với chủ thể cùng loại hình đã có."), width=20),
    Field("entity.tax_code", _l("Mã số thuế"), max_length=20, width=14),
    Field("entity.address", _l("Địa chỉ"), True, max_length=300, help=_l("Số nhà, thôn, xóm…"), width=30),
    Field("entity.commune_code", _l("Mã xã, phường"), True, "commune", help=_l("5 chữ số; xem trang “Mã xã”."), width=12),
    Field("entity.legacy", _l("Xã trước 01/7/2025"), False, "bool", help=_l("“Có” nếu mã xã là xã trước sắp xếp 01/7/2025; để trống nếu là xã hiện hành."), width=12),
    Field("entity.representative_name", _l("Người đại diện"), True, max_length=150, width=22),
    Field("entity.representative_title", _l("Chức vụ người đại diện"), max_length=100, width=18),
    Field("entity.phone", _l("Điện thoại"), max_length=30, width=14),
    Field("entity.email", _l("Thư điện tử"), False, "email", max_length=254, width=24),
]
PRODUCT_FIELDS = [
    Field("product.entity_registration_number", _l("Số đăng ký kinh doanh của chủ thể"), True, max_length=50, help=_l("Chủ thể ở trang “Chủ thể” của tệp này hoặc đã có trong hệ thống."), width=22),
    Field("product.entity_kind", _l("Loại hình chủ thể"), False, "kind", help=_l("Chỉ cần khi cùng một số đăng ký có ở hai loại hình."), width=18),
    Field("product.name", _l("Tên sản phẩm"), True, max_length=255, width=34),
    Field("product.sector", _l("Nhóm sản phẩm"), False, "sector", help=_l("Bắt buộc nếu không ghi mã phân loại."), width=26),
    Field("product.classification", _l("Mã phân loại (phân nhóm)"), False, "classification", help=_l("Ví dụ 148-1.1.1; xem danh sách trong ô chọn."), width=16),
    Field("product.instrument", _l("Bộ tiêu chí áp dụng"), False, "instrument", help=_l("Để trống: bộ tiêu chí có hiệu lực vào ngày đăng ký."), width=16),
    Field("product.commune_code", _l("Mã xã nơi sản xuất"), False, "commune", help=_l("5 chữ số; để trống: xã nơi chủ thể đăng ký."), width=12),
    Field("product.legacy", _l("Xã trước 01/7/2025"), False, "bool", width=12),
    Field("product.registered_on", _l("Ngày đăng ký"), False, "date", help=_l("dd/mm/yyyy; để trống: hôm nay."), width=13),
    Field("product.description", _l("Mô tả sản phẩm"), False, max_length=5000, width=40),
]
SHEETS = {ENTITY_SHEET: ENTITY_FIELDS, PRODUCT_SHEET: PRODUCT_FIELDS}


# --- errors --------------------------------------------------------------------------------------


@dataclass
class RowError:
    sheet: str
    row: int | None
    column: str  # column letter, "" for the whole row or file
    field: str  # header label, "" for the whole row or file
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "field": self.field, "message": self.message}


class ImportFileError(Exception):
    """The file cannot be read as the import template at all (one message for the whole file)."""


# --- cell values ---------------------------------------------------------------------------------


def cell_text(value) -> str:
    """Any cell value as trimmed text: whole numbers without ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else ""
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return str(value)
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return str(int(value))
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") if (value.hour, value.minute, value.second) == (0, 0, 0) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = clean_text(value, multiline=False)  # NFC, no control characters or non-characters
    return " ".join(text.split())  # trims and collapses spaces, tabs and line breaks


_fold = fold  # "Hợp tác xã", "HOP TAC XA" and the decomposed form compare equal


def _choice_map(choices) -> dict[str, str]:
    mapping = {}
    for value, label in choices:
        mapping[_fold(str(label))] = value
        mapping[_fold(str(value))] = value
    return mapping


# --- the context of a check: what the database and the user's scope say ----------------------------


@dataclass
class ParsedEntity:
    row: int
    kind: str
    registration_number: str
    entity: Entity  # not saved


@dataclass
class ParsedProduct:
    row: int
    product: Product  # not saved; entity is an existing Entity or a ParsedEntity's
    entity_ref: ParsedEntity | None


@dataclass
class CheckResult:
    entities: list[ParsedEntity] = field(default_factory=list)
    products: list[ParsedProduct] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    entity_rows: int = 0
    product_rows: int = 0


class Checker:
    """Checks the rows of one file for one user. `prepare` loads, in a few queries, what the rows
    refer to (communes, existing entities and products, classification codes); the row checks then
    use no query."""

    def __init__(self, actor, today: dt.date | None = None):
        self.actor = actor
        self.scope = scope_for(actor)
        self.today = today or timezone.localdate()
        self.kinds = _choice_map(EntityKind.choices)
        self.sectors = _choice_map(Sector.choices)
        self.instruments = {_fold(name): name for name, _start in INSTRUMENTS}
        self.instruments.update({_fold(name.split("/")[0]): name for name, _start in INSTRUMENTS})  # "QĐ 148"
        self.units: dict[tuple[str, str], AdminUnit] = {}
        self.db_entities: dict[str, list[Entity]] = {}  # upper registration number -> live entities
        self.db_product_names: set[tuple[int, str]] = set()
        self.classifications: dict[str, object] | None = None
        self.file_entities: dict[tuple[str, str], ParsedEntity] = {}
        self.file_entities_by_number: dict[str, list[ParsedEntity]] = {}
        self.first_entity_row: dict[tuple[str, str], int] = {}
        self.product_keys: dict[tuple, int] = {}
        self.failed_entity_rows: dict[str, int] = {}  # upper registration number -> row with errors

    # preloading -----------------------------------------------------------------------------
    def prepare(self, entity_rows: list[tuple[int, dict]], product_rows: list[tuple[int, dict]]) -> None:
        codes = set()
        numbers = set()
        for _row, raw in entity_rows:
            codes.add(_commune_code_text(raw.get("entity.commune_code")))
            numbers.add(cell_text(raw.get("entity.registration_number")).upper())
        for _row, raw in product_rows:
            codes.add(_commune_code_text(raw.get("product.commune_code")))
            numbers.add(cell_text(raw.get("product.entity_registration_number")).upper())
        codes = sorted(c for c in codes if c)
        for chunk in _chunks(codes, 500):
            for unit in AdminUnit.objects.filter(level=Level.COMMUNE, code__in=chunk).select_related("province"):
                self.units[(unit.era, unit.code)] = unit
        numbers = sorted(n for n in numbers if n)
        for chunk in _chunks(numbers, 500):
            qs = (Entity.objects.alive().annotate(reg_upper=Upper("registration_number"))
                  .filter(reg_upper__in=chunk).select_related("unit", "unit__province"))
            for entity in qs:
                self.db_entities.setdefault(entity.reg_upper, []).append(entity)
        entity_ids = [e.pk for group in self.db_entities.values() for e in group]
        for chunk in _chunks(entity_ids, 500):
            for entity_id, name in Product.objects.alive().filter(entity_id__in=chunk).values_list("entity_id", "name"):
                self.db_product_names.add((entity_id, _fold(name)))
        from ocop.products.services import classification_model

        model = classification_model()
        if model is not None and model.objects.exists():
            self.classifications = {
                c.code.upper(): c for c in model.objects.filter(is_leaf=True).select_related("instrument")
            }

    # single values ---------------------------------------------------------------------------
    def _text(self, f: Field, raw, errors: list[str]) -> str:
        text = cell_text(raw)
        if not text and f.required:
            errors.append(_("Chưa nhập %(f)s (bắt buộc).") % {"f": str(f.label).lower()})
        elif f.max_length and len(text) > f.max_length:
            errors.append(_("Dài quá %(n)s ký tự (đang có %(m)s).") % {"n": f.max_length, "m": len(text)})
            text = text[: f.max_length]
        return text

    def _choice(self, f: Field, raw, mapping: dict[str, str], errors: list[str]) -> str:
        text = cell_text(raw)
        if not text:
            if f.required:
                errors.append(_("Chưa chọn %(f)s (bắt buộc).") % {"f": str(f.label).lower()})
            return ""
        value = mapping.get(_fold(text))
        if value is None:
            errors.append(_("“%(v)s” không có trong danh sách %(f)s; hãy chọn trong ô chọn của mẫu.")
                          % {"v": text[:60], "f": str(f.label).lower()})
            return ""
        return value

    def _bool(self, raw, errors: list[str]) -> bool:
        if isinstance(raw, bool):
            return raw
        text = _fold(cell_text(raw))
        if text in YES:
            return True
        if text in NO:
            return False
        errors.append(_("“%(v)s” không hợp lệ: ghi “Có” hoặc để trống.") % {"v": cell_text(raw)[:40]})
        return False

    def _date(self, raw, errors: list[str]) -> dt.date | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, (dt.date, dt.datetime)):
            day = raw.date() if isinstance(raw, dt.datetime) else raw
            if day < EARLIEST_DATE:  # a bare number in a cell formatted as a date: 2026 is 18/07/1905
                errors.append(_("Ngày “%(v)s” không hợp lệ (trước năm %(y)s): ô có lẽ chứa một con số (ví dụ một năm) được "
                                "định dạng ngày. Nhập đủ ngày theo dạng dd/mm/yyyy, ví dụ 24/05/2024.")
                              % {"v": day.strftime("%d/%m/%Y"), "y": EARLIEST_DATE.year})
                return None
            return day
        if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
            errors.append(_("Ô chứa số “%(v)s”, không phải ngày: nhập đủ ngày theo dạng dd/mm/yyyy, ví dụ 24/05/2024.")
                          % {"v": cell_text(raw)[:20]})
            return None
        if isinstance(raw, str):
            try:
                return parse_date(raw)
            except DateParseError:
                pass
        errors.append(_("Ngày “%(v)s” không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 24/05/2024.") % {"v": cell_text(raw)[:40]})
        return None

    def _commune(self, raw, legacy: bool, errors: list[str], *, required: bool) -> AdminUnit | None:
        code = _commune_code_text(raw)
        if not code:
            if required:
                errors.append(_("Chưa nhập mã xã, phường (bắt buộc)."))
            return None
        if len(code) != 5 or not code.isdigit():
            errors.append(_("Mã xã, phường “%(c)s” không hợp lệ: mã cấp xã có 5 chữ số.") % {"c": code[:20]})
            return None
        era = Era.LEGACY if legacy else Era.CURRENT
        unit = self.units.get((era, code))
        if unit is None:
            other = self.units.get((Era.CURRENT if legacy else Era.LEGACY, code))
            if other is not None and not legacy:
                errors.append(_("Không có xã, phường hiện hành mã “%(c)s”; “%(n)s” là xã trước 01/7/2025: ghi “Có” ở cột "
                                "“Xã trước 01/7/2025”.") % {"c": code, "n": other.name})
            elif other is not None:
                errors.append(_("Không có xã, phường trước 01/7/2025 mã “%(c)s”; “%(n)s” là xã hiện hành: để trống cột "
                                "“Xã trước 01/7/2025”.") % {"c": code, "n": other.name})
            else:
                errors.append(_("Không có xã, phường mã “%(c)s” (mã đơn vị hành chính không tồn tại).") % {"c": code})
            return None
        if not self.scope.covers(unit, write=True):
            errors.append(_("Xã “%(n)s” (%(c)s, %(p)s) nằm ngoài phạm vi tài khoản của bạn.")
                          % {"n": unit.name, "c": code, "p": unit.province.name if unit.province_id else ""})
            return None
        return unit

    # rows ------------------------------------------------------------------------------------
    def check_entity(self, row: int, raw: dict, columns: dict[str, str], out: CheckResult) -> None:
        errs: dict[str, list[str]] = {f.code: [] for f in ENTITY_FIELDS}
        g = lambda code: raw.get(code)  # noqa: E731
        by = {f.code: f for f in ENTITY_FIELDS}
        kind = self._choice(by["entity.kind"], g("entity.kind"), self.kinds, errs["entity.kind"])
        name = self._text(by["entity.name"], g("entity.name"), errs["entity.name"])
        number = self._text(by["entity.registration_number"], g("entity.registration_number"), errs["entity.registration_number"])
        tax_code = self._text(by["entity.tax_code"], g("entity.tax_code"), errs["entity.tax_code"])
        address = self._text(by["entity.address"], g("entity.address"), errs["entity.address"])
        legacy = self._bool(g("entity.legacy"), errs["entity.legacy"])
        unit = self._commune(g("entity.commune_code"), legacy, errs["entity.commune_code"], required=True)
        rep = self._text(by["entity.representative_name"], g("entity.representative_name"), errs["entity.representative_name"])
        rep_title = self._text(by["entity.representative_title"], g("entity.representative_title"), errs["entity.representative_title"])
        phone = self._text(by["entity.phone"], g("entity.phone"), errs["entity.phone"])
        email = self._text(by["entity.email"], g("entity.email"), errs["entity.email"])
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errs["entity.email"].append(_("Thư điện tử “%(e)s” không hợp lệ.") % {"e": email[:60]})
        if number and kind:
            key = (kind, number.upper())
            first = self.first_entity_row.get(key)
            if first is not None:
                errs["entity.registration_number"].append(
                    _("Số đăng ký “%(n)s” trùng với dòng %(r)s của tệp (cùng loại hình).") % {"n": number, "r": first})
            else:
                self.first_entity_row[key] = row
                if any(e.kind == kind for e in self.db_entities.get(number.upper(), [])):
                    errs["entity.registration_number"].append(
                        _("Số đăng ký “%(n)s” đã có trong hệ thống cho một %(k)s khác.")
                        % {"n": number, "k": EntityKind(kind).label.lower()})
        failed = _collect(ENTITY_SHEET, row, errs, columns, out.errors)
        if failed:
            if number:
                self.failed_entity_rows.setdefault(number.upper(), row)
            return
        entity = Entity(kind=kind, name=name, registration_number=number, tax_code=tax_code, address=address, unit=unit,
                        representative_name=rep, representative_title=rep_title, phone=phone, email=email,
                        created_by=self.actor)
        parsed = ParsedEntity(row, kind, number, entity)
        self.file_entities[(kind, number.upper())] = parsed
        self.file_entities_by_number.setdefault(number.upper(), []).append(parsed)
        out.entities.append(parsed)

    def check_product(self, row: int, raw: dict, columns: dict[str, str], out: CheckResult) -> None:
        errs: dict[str, list[str]] = {f.code: [] for f in PRODUCT_FIELDS}
        g = lambda code: raw.get(code)  # noqa: E731
        by = {f.code: f for f in PRODUCT_FIELDS}
        number = self._text(by["product.entity_registration_number"], g("product.entity_registration_number"),
                            errs["product.entity_registration_number"])
        entity_kind = self._choice(by["product.entity_kind"], g("product.entity_kind"), self.kinds, errs["product.entity_kind"])
        name = self._text(by["product.name"], g("product.name"), errs["product.name"])
        sector = self._choice(by["product.sector"], g("product.sector"), self.sectors, errs["product.sector"])
        instrument = self._choice(by["product.instrument"], g("product.instrument"), self.instruments, errs["product.instrument"])
        code = cell_text(g("product.classification"))
        node = None
        if code:
            if self.classifications is not None:
                node = self.classifications.get(code.upper())
                if node is None:
                    errs["product.classification"].append(
                        _("Mã phân loại “%(c)s” không có (hoặc không phải phân nhóm cuối); hãy chọn trong ô chọn của mẫu.")
                        % {"c": code[:40]})
            elif len(code) > 50:
                errs["product.classification"].append(_("Dài quá %(n)s ký tự (đang có %(m)s).") % {"n": 50, "m": len(code)})
        if not sector and not code and not errs["product.sector"]:
            errs["product.sector"].append(_("Chưa chọn nhóm sản phẩm (bắt buộc khi không ghi mã phân loại)."))
        legacy = self._bool(g("product.legacy"), errs["product.legacy"])
        unit = self._commune(g("product.commune_code"), legacy, errs["product.commune_code"], required=False)
        registered_on = self._date(g("product.registered_on"), errs["product.registered_on"])
        if registered_on and registered_on > self.today:
            errs["product.registered_on"].append(_("Ngày đăng ký %(d)s ở tương lai.") % {"d": registered_on.strftime("%d/%m/%Y")})
        description = self._text(by["product.description"], g("product.description"), errs["product.description"])

        entity = None
        entity_ref = None
        if number and not errs["product.entity_kind"]:
            entity, entity_ref, message = self._find_entity(number, entity_kind)
            if message:
                errs["product.entity_registration_number"].append(message)
        if entity is not None and name:
            key = (entity_ref.row if entity_ref else ("db", entity.pk), _fold(name))
            first = self.product_keys.get(key)
            if first is not None:
                errs["product.name"].append(_("Sản phẩm “%(p)s” của chủ thể này trùng với dòng %(r)s của tệp.") % {"p": name[:80], "r": first})
            elif entity_ref is None and (entity.pk, _fold(name)) in self.db_product_names:
                errs["product.name"].append(_("Chủ thể “%(e)s” đã có sản phẩm “%(p)s” trong hệ thống.") % {"e": entity.name, "p": name[:80]})
            else:
                self.product_keys[key] = row
        if _collect(PRODUCT_SHEET, row, errs, columns, out.errors):
            return
        product = Product(entity=entity, name=name, sector=sector or Sector.THUC_PHAM, classification_code=code,
                          classification_instrument=instrument, unit=unit or entity.unit, description=description,
                          registered_on=registered_on or self.today, status=ProductStatus.REGISTERED, created_by=self.actor)
        if node is not None:
            product.classification = node
            product.classification_code = node.code
            product.classification_instrument = f"QĐ {node.instrument.number}"
            product.sector = sector_of_code(node.code) or product.sector
        if not product.classification_instrument:
            product.classification_instrument = instrument_on(product.registered_on)
        out.products.append(ParsedProduct(row, product, entity_ref))

    def _find_entity(self, number: str, kind: str):
        """(entity, the file's ParsedEntity or None, error message or "")."""
        upper = number.upper()
        in_file = [p for p in self.file_entities_by_number.get(upper, []) if not kind or p.kind == kind]
        if len(in_file) == 1:
            return in_file[0].entity, in_file[0], ""
        in_db = [e for e in self.db_entities.get(upper, []) if not kind or e.kind == kind]
        if len(in_file) > 1 or (not in_file and len(in_db) > 1):
            return None, None, _("Số đăng ký “%(n)s” có ở nhiều loại hình chủ thể; hãy chọn “Loại hình chủ thể”.") % {"n": number}
        if not in_db and upper in self.failed_entity_rows:
            return None, None, _("Chủ thể số đăng ký “%(n)s” ở dòng %(r)s trang “Chủ thể” đang có lỗi; sửa dòng đó trước.") % {
                "n": number, "r": self.failed_entity_rows[upper]}
        if not in_db:
            return None, None, _("Không có chủ thể số đăng ký “%(n)s” trong trang “Chủ thể” của tệp hay trong hệ thống.") % {"n": number}
        entity = in_db[0]
        if not self.scope.covers(entity.unit, write=True):
            return None, None, _("Chủ thể “%(e)s” (số đăng ký %(n)s) nằm ngoài phạm vi tài khoản của bạn.") % {"e": entity.name, "n": number}
        return entity, None, ""


def _commune_code_text(raw) -> str:
    if isinstance(raw, bool):
        return cell_text(raw)
    if isinstance(raw, int) or (isinstance(raw, float) and math.isfinite(raw) and raw == int(raw) and 0 <= raw < 100000):
        return f"{int(raw):05d}" if 0 <= int(raw) < 100000 else str(raw)
    text = cell_text(raw)
    if text.isdigit() and len(text) < 5:
        text = text.zfill(5)
    return text


def _collect(sheet: str, row: int, errs: dict[str, list[str]], columns: dict[str, str], out: list[RowError]) -> bool:
    fields = {f.code: f for f in SHEETS[sheet]}
    found = False
    for code, messages in errs.items():
        for message in messages:
            out.append(RowError(sheet, row, columns.get(code, ""), str(fields[code].label), message))
            found = True
    return found


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- reading the workbook -----------------------------------------------------------------------


@dataclass
class SheetRows:
    columns: dict[str, str]  # field code -> column letter
    rows: list[tuple[int, dict]]  # (Excel row number, {field code: raw value})


def _find_columns(header_rows: list[tuple], fields: list[Field]) -> tuple[int, dict[str, int]]:
    """(row index of the codes or headers, {field code: column index}) from the first rows."""
    markers = {f.marker: f.code for f in fields}
    for r, values in enumerate(header_rows, start=1):
        found = {markers[v.strip()]: c for c, v in enumerate(values) if isinstance(v, str) and v.strip() in markers}
        if found:
            return r, found
    labels = {_fold(str(f.label)): f.code for f in fields}
    for r, values in enumerate(header_rows, start=1):
        found = {}
        for c, v in enumerate(values):
            if isinstance(v, str):
                key = _fold(v.replace("*", ""))
                if key in labels:
                    found.setdefault(labels[key], c)
        if len(found) >= 2:
            return r, found
    return 0, {}


def read_rows(fileobj, on_progress: Callable[[int], None] | None = None) -> tuple[dict[str, SheetRows], list[RowError]]:
    """The data rows of both sheets (blank rows skipped). Raises ImportFileError for a file that is
    not the import template."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ImportFileError(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải tệp .xlsx.")) from exc
    errors: list[RowError] = []
    result: dict[str, SheetRows] = {}
    try:
        for sheet_name, fields in SHEETS.items():
            ws = next((w for w in wb.worksheets if _fold(w.title) == _fold(sheet_name)), None)
            if ws is None:
                continue
            width = 60
            head = [tuple(r) for r in ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, max_col=width, values_only=True)]
            header_row, found = _find_columns(head, fields)
            if not found:
                errors.append(RowError(sheet_name, None, "", "", _(
                    "Trang “%(s)s” không có hàng tiêu đề của mẫu — hãy tải mẫu Excel từ trang nhập rồi chép dữ liệu vào đó.")
                    % {"s": sheet_name}))
                continue
            missing = [f for f in fields if f.required and f.code not in found]
            for f in missing:
                errors.append(RowError(sheet_name, None, "", str(f.label), _(
                    "Trang “%(s)s” thiếu cột bắt buộc “%(c)s” (đã xóa hoặc đổi tên cột?).") % {"s": sheet_name, "c": f.label}))
            columns = {code: get_column_letter(c + 1) for code, c in found.items()}
            rows: list[tuple[int, dict]] = []
            start = max(header_row + 1, FIRST_DATA_ROW if header_row <= 2 else header_row + 1)
            last_col = max(found.values()) + 1
            for r, values in enumerate(ws.iter_rows(min_row=start, max_col=last_col, values_only=True), start=start):
                raw = {code: (values[c] if c < len(values) else None) for code, c in found.items()}
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
                    continue
                rows.append((r, raw))
                if len(rows) > max_rows():
                    raise ImportFileError(_("Tệp có quá nhiều dòng (trên %(n)s dòng ở trang “%(s)s”); hãy chia thành nhiều tệp.")
                                          % {"n": f"{max_rows():,}".replace(",", "."), "s": sheet_name})
                if on_progress and len(rows) % 1000 == 0:
                    on_progress(len(rows))
            if not missing:
                result[sheet_name] = SheetRows(columns, rows)
    except ImportFileError:
        raise
    except BROKEN_FILE_ERRORS as exc:
        raise ImportFileError(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải tệp .xlsx.")) from exc
    finally:
        wb.close()
    if not result and not errors:
        raise ImportFileError(_("Tệp không có trang “%(a)s” hay “%(b)s” của mẫu nhập — hãy tải mẫu Excel từ trang nhập.")
                              % {"a": ENTITY_SHEET, "b": PRODUCT_SHEET})
    return result, errors


def check_rows(actor, sheets: dict[str, SheetRows], file_errors: list[RowError] | None = None,
               on_progress: Callable[[int, int], None] | None = None) -> CheckResult:
    """The dry run over rows already read: every error, nothing saved."""
    out = CheckResult(errors=list(file_errors or []))
    entity_sheet = sheets.get(ENTITY_SHEET, SheetRows({}, []))
    product_sheet = sheets.get(PRODUCT_SHEET, SheetRows({}, []))
    out.entity_rows, out.product_rows = len(entity_sheet.rows), len(product_sheet.rows)
    checker = Checker(actor)
    checker.prepare(entity_sheet.rows, product_sheet.rows)
    total = out.entity_rows + out.product_rows
    done = 0
    for row, raw in entity_sheet.rows:
        checker.check_entity(row, raw, entity_sheet.columns, out)
        done += 1
        if on_progress and done % 500 == 0:
            on_progress(done, total)
    for row, raw in product_sheet.rows:
        checker.check_product(row, raw, product_sheet.columns, out)
        done += 1
        if on_progress and done % 500 == 0:
            on_progress(done, total)
    if total == 0 and not out.errors:
        out.errors.append(RowError("", None, "", "", _("Tệp không có dòng dữ liệu nào (trang “%(a)s” và “%(b)s” đều trống).")
                                   % {"a": ENTITY_SHEET, "b": PRODUCT_SHEET}))
    return out


def check_file(actor, fileobj, on_progress=None) -> CheckResult:
    try:
        sheets, errors = read_rows(fileobj)
    except ImportFileError as exc:
        return CheckResult(errors=[RowError("", None, "", "", str(exc))])
    return check_rows(actor, sheets, errors, on_progress)


# --- writing -------------------------------------------------------------------------------------

BATCH = 500


def _audit(actor, action: str, obj, after: dict, unit, reason: str) -> AuditEntry:
    """An audit entry as log_action writes it, to be saved with bulk_create."""
    return AuditEntry(
        actor=actor, actor_name=actor.get_username()[:150], action=action, object_type=obj._meta.label_lower,
        object_id=str(obj.pk), object_repr=str(obj)[:255], unit=unit, after=after, reason=reason,
    )


def build_product(parsed: ParsedProduct) -> Product:
    product = parsed.product
    if parsed.entity_ref is not None:
        product.entity = parsed.entity_ref.entity  # now saved, with its primary key
    return product


def write_rows(actor, result: CheckResult, batch: ImportBatch, *, on_progress=None) -> tuple[int, int]:
    """Insert every checked row. Must run inside the caller's transaction."""
    reason = _("Nhập hàng loạt từ tệp Excel “%(f)s” (lô %(id)s)") % {"f": batch.original_name, "id": batch.pk}
    entities = [p.entity for p in result.entities]
    for chunk in _chunks(entities, BATCH):
        Entity.objects.bulk_create(chunk)
    AuditEntry.objects.bulk_create(
        [_audit(actor, "ocop.products.entity.created", e, snapshot(e, Entity.AUDIT_FIELDS), e.unit, reason) for e in entities],
        batch_size=BATCH,
    )
    if on_progress:
        on_progress(len(entities))
    products = [build_product(p) for p in result.products]
    for chunk in _chunks(products, BATCH):
        Product.objects.bulk_create(chunk)
    ProductStatusChange.objects.bulk_create(
        [ProductStatusChange(product=p, from_status="", to_status=ProductStatus.REGISTERED, by=actor, reason=reason) for p in products],
        batch_size=BATCH,
    )
    AuditEntry.objects.bulk_create(
        [_audit(actor, "ocop.products.product.created", p, snapshot(p, Product.AUDIT_FIELDS), p.unit, reason) for p in products],
        batch_size=BATCH,
    )
    return len(entities), len(products)


# --- the batch: upload, dry run, commit -----------------------------------------------------------


def can_import(user) -> bool:
    return can(user, "products.manage")


def check_upload(upload) -> None:
    """The checks made before anything opens the file (ValidationError with a Vietnamese message)."""
    check_office_upload(upload, allowed=(".xlsx",), max_bytes=max_bytes(), max_unzipped=100 * MiB)


def estimate_rows(fileobj, limit: int | None = None) -> int:
    """The data rows of the data sheets that hold a value, counted up to `limit` (default: just past
    the background threshold). A sheet saved by LibreOffice Calc often declares about a thousand
    formatted but empty rows: those are not counted, so a 5-row file is not sent to the worker."""
    limit = sync_rows() + 1 if limit is None else limit
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except Exception:
        return 0
    total = 0
    try:
        for ws in wb.worksheets:
            if _fold(ws.title) not in (_fold(ENTITY_SHEET), _fold(PRODUCT_SHEET)):
                continue
            ws.reset_dimensions()  # iterate the rows the file holds, not the declared range
            for values in ws.iter_rows(min_row=FIRST_DATA_ROW, max_col=60, values_only=True):
                if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
                    total += 1
                    if total >= limit:
                        return total
        return total
    except BROKEN_FILE_ERRORS:
        return 0
    finally:
        wb.close()
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)


def do_upload(actor, upload, *, request=None) -> ImportBatch:
    """Check the upload, store it and create the batch (status "checking"). The caller runs the dry
    run (`check_batch`) at once for a small file, or queues it (`queue_batch`)."""
    if not can_import(actor):
        raise PermissionDenied
    check_upload(upload)
    batch = ImportBatch(created_by=actor, original_name=(getattr(upload, "name", "") or "tep.xlsx")[:255],
                        size=getattr(upload, "size", 0) or 0)
    upload.seek(0)
    batch.file.save(f"nhap-{batch.token}.xlsx", upload, save=False)
    batch.save()
    log_action(actor, "ocop.products.import.uploaded", batch, after={"file": batch.original_name, "size": batch.size},
               unit=actor.scope_unit, request=request)
    return batch


def _update(batch_id: int, **fields) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(**fields)


def _progress_callback(batch_id: int, start: int, end: int):
    def report(done: int, total: int) -> None:
        pct = start + (end - start) * done // max(total, 1)
        _update(batch_id, progress=pct, message=_("Đang kiểm tra: %(d)s/%(t)s dòng.") % {"d": done, "t": total})
    return report


def _open(batch: ImportBatch):
    return default_storage.open(batch.file.name, "rb")


def _store_errors(batch: ImportBatch, result: CheckResult, **extra) -> None:
    _update(batch.pk, status=ImportStatus.INVALID, entity_rows=result.entity_rows, product_rows=result.product_rows,
            error_count=len(result.errors), errors=[e.as_dict() for e in result.errors], progress=100,
            message=_("Có %(n)s lỗi; chưa nhập dòng nào.") % {"n": len(result.errors)}, finished_at=timezone.now(), **extra)


def check_batch(batch_id: int) -> ImportBatch:
    """The dry run of a stored batch: every error by row and column, nothing saved."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    _update(batch_id, status=ImportStatus.CHECKING, progress=0, started_at=timezone.now(), message=_("Đang đọc tệp."))
    try:
        with _open(batch) as handle:
            result = check_file(batch.created_by, handle, on_progress=_progress_callback(batch_id, 0, 100))
    except FileNotFoundError:
        result = CheckResult(errors=[RowError("", None, "", "", _("Không còn tệp đã tải lên; hãy tải tệp lên lại."))])
    if result.errors:
        _store_errors(batch, result)
    else:
        _update(batch_id, status=ImportStatus.READY, entity_rows=result.entity_rows, product_rows=result.product_rows,
                error_count=0, errors=[], progress=100, finished_at=timezone.now(),
                message=_("Không có lỗi: %(e)s chủ thể, %(p)s sản phẩm sẵn sàng để nhập.")
                % {"e": result.entity_rows, "p": result.product_rows})
    batch.refresh_from_db()
    return batch


STALE_AFTER = dt.timedelta(minutes=30)


class Superseded(Exception):
    """A later attempt took the batch over: this one must not write."""


def claim_commit(batch_id: int, *, takeover: bool = False) -> int | None:
    """Mark the batch running if it is ready (or queued, failed, or running in a dead worker): one
    committer only, across nodes and workers. Returns the attempt number claimed, or None.

    A batch running for longer than STALE_AFTER is taken over by anyone; with `takeover` (a later
    attempt of the task, whose earlier worker died: ocop/ops/workers.py re-queues it after a lease
    of about a minute) a running batch is taken over at once."""
    now = timezone.now()
    running = Q(status=ImportStatus.RUNNING) if takeover else Q(status=ImportStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    with transaction.atomic():
        claimed = (
            ImportBatch.objects.filter(pk=batch_id)
            .filter(Q(status__in=[ImportStatus.READY, ImportStatus.QUEUED, ImportStatus.FAILED]) | running)
            .update(status=ImportStatus.RUNNING, progress=0, attempts=F("attempts") + 1, started_at=now, finished_at=None,
                    message=_("Đang kiểm tra lại tệp trước khi nhập."))
        )
        if not claimed:
            return None
        return ImportBatch.objects.filter(pk=batch_id).values_list("attempts", flat=True).get()


def commit_batch(batch_id: int, *, request=None, takeover: bool = False) -> ImportBatch:
    """Check the file again and write every row, or none, in one transaction, audited. The rows and
    the "done" state are written only while this attempt still holds the batch (exactly once)."""
    attempt = claim_commit(batch_id, takeover=takeover)
    if attempt is None:
        return ImportBatch.objects.get(pk=batch_id)
    batch = ImportBatch.objects.select_related("created_by", "created_by__scope_unit").get(pk=batch_id)
    mine = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING, attempts=attempt)
    actor = batch.created_by
    try:
        if not can_import(actor):
            raise PermissionDenied
        with _open(batch) as handle:
            result = check_file(actor, handle, on_progress=_progress_callback(batch_id, 0, 60))
        if result.errors:
            if mine.exists():
                _store_errors(batch, result)
            batch.refresh_from_db()
            return batch
        mine.update(progress=60, message=_("Đang ghi %(n)s dòng vào cơ sở dữ liệu.")
                    % {"n": result.entity_rows + result.product_rows})
        with transaction.atomic():
            # hold the batch row: a later attempt cannot take it over while these rows are written
            if not mine.select_for_update().exists():
                raise Superseded
            entities, products = write_rows(actor, result, batch)
            log_action(
                actor, "ocop.products.import.committed", batch,
                after={"file": batch.original_name, "entities": entities, "products": products,
                       "entity_rows": result.entity_rows, "product_rows": result.product_rows},
                unit=actor.scope_unit, request=request,
                reason=_("Nhập hàng loạt chủ thể và sản phẩm từ tệp Excel"),
            )
            # the batch is marked done in the same transaction as its rows: all or nothing
            if not mine.update(status=ImportStatus.DONE, entities_created=entities, products_created=products,
                               entity_rows=result.entity_rows, product_rows=result.product_rows, error_count=0, errors=[],
                               progress=100, finished_at=timezone.now(),
                               message=_("Đã nhập %(e)s chủ thể và %(p)s sản phẩm.") % {"e": entities, "p": products}):
                raise Superseded
    except Superseded:
        return ImportBatch.objects.get(pk=batch_id)
    except Exception as exc:
        mine.update(status=ImportStatus.FAILED, progress=0, finished_at=timezone.now(),
                    message=(_("Nhập không thành công, không dòng nào được ghi: %(m)s") % {"m": exc})[:500])
        raise
    batch.refresh_from_db()
    return batch


def queue_batch(batch: ImportBatch, *, commit: bool) -> ImportBatch:
    """Hand the batch to the background worker (dry run, or commit)."""
    from ocop.products.tasks import process_import

    with transaction.atomic():
        if commit:
            updated = ImportBatch.objects.filter(pk=batch.pk, status__in=[ImportStatus.READY, ImportStatus.FAILED]).update(
                status=ImportStatus.QUEUED, commit_requested=True, progress=0, message=_("Đang chờ máy chạy nền nhập dữ liệu."))
            if not updated:
                batch.refresh_from_db()
                return batch
        else:
            _update(batch.pk, status=ImportStatus.CHECKING, message=_("Đang chờ máy chạy nền kiểm tra tệp."))
        process_import.enqueue(batch_id=batch.pk, commit=commit)
    batch.refresh_from_db()
    return batch


def errors_of(batch: ImportBatch) -> list[RowError]:
    return [RowError(**e) for e in batch.errors or []]


# --- the template --------------------------------------------------------------------------------


GUIDE = [
    _l("HƯỚNG DẪN NHẬP CHỦ THỂ VÀ SẢN PHẨM OCOP TỪ EXCEL"),
    "",
    _l("1. Trang “Chủ thể”: mỗi dòng một chủ thể OCOP mới (hợp tác xã, tổ hợp tác, doanh nghiệp, hộ sản xuất có đăng ký kinh doanh)."),
    _l("2. Trang “Sản phẩm”: mỗi dòng một sản phẩm; cột “Số đăng ký kinh doanh của chủ thể” chỉ tới một chủ thể ở trang “Chủ thể” của tệp này hoặc đã có trong hệ thống (trong phạm vi tài khoản của bạn)."),
    _l("3. Có thể để trống một trong hai trang. Cột có dấu * là bắt buộc. Không sửa, không xóa hàng 1–2 (hàng 2 chứa mã cột, đang ẩn)."),
    _l("4. Mã xã, phường: 5 chữ số, xem trang “Mã xã” (chỉ gồm các xã trong phạm vi tài khoản của bạn). Xã trước 01/7/2025 (đã sáp nhập): ghi “Có” ở cột “Xã trước 01/7/2025”."),
    _l("5. Ngày ghi theo dạng dd/mm/yyyy, ví dụ 24/05/2024; không được ở tương lai. Để trống ngày đăng ký: lấy ngày nhập."),
    _l("6. Loại hình, nhóm sản phẩm, mã phân loại và bộ tiêu chí: chọn trong ô chọn (danh sách thả xuống)."),
    _l("7. Số đăng ký kinh doanh không được trùng trong tệp hay với chủ thể cùng loại hình đã có trong hệ thống."),
    _l("8. Tải tệp lên trang “Nhập từ Excel”: hệ thống kiểm tra trước (chạy thử) và liệt kê mọi lỗi theo dòng và cột, chưa ghi gì. Sửa lỗi trong tệp rồi tải lên lại. Khi không còn lỗi, bấm “Nhập dữ liệu”: mọi dòng được ghi cùng lúc, hoặc không dòng nào nếu có sự cố."),
    _l("9. Chỉ nhận tệp .xlsx không có macro, tối đa 10 MB và 20.000 dòng mỗi trang. Sản phẩm nhập vào có trạng thái “Đã đăng ký”."),
]


def build_template(user) -> bytes:
    """The import workbook for `user`: the communes their scope covers, the lists in force today."""
    import io

    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    guide.column_dimensions["A"].width = 130
    for i, line in enumerate(GUIDE, start=1):
        cell = guide.cell(row=i, column=1, value=str(line))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 1:
            cell.font = Font(bold=True, size=13)

    lists = wb.create_sheet(LISTS_SHEET)
    today = timezone.localdate()
    columns = {
        "kinds": [str(label) for _v, label in EntityKind.choices],
        "sectors": [str(label) for _v, label in Sector.choices],
        "instruments": [name for name, _start in INSTRUMENTS],
        "yesno": [_("Có"), _("Không")],
        "classifications": [],
    }
    from ocop.products.services import classification_model

    model = classification_model()
    if model is not None:
        columns["classifications"] = list(
            model.objects.filter(is_leaf=True).in_force(today).order_by("code").values_list("code", flat=True))
    ranges = {}
    for c, (key, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(c)
        lists.cell(row=1, column=c, value=key)
        for r, value in enumerate(values, start=2):
            lists.cell(row=r, column=c, value=value)
        ranges[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${max(len(values) + 1, 2)}" if values else None
    lists.sheet_state = "hidden"
    lists.protection.sheet = True

    units = wb.create_sheet(UNITS_SHEET)
    units.append([_("Mã xã"), _("Tên xã, phường"), _("Tỉnh, thành phố"), _("Hiệu lực")])
    for cell in units[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCD", (10, 34, 28, 22)):
        units.column_dimensions[col].width = width
    scope = scope_for(user)
    qs = scope.units(write=True).filter(level=Level.COMMUNE) if not scope.national else AdminUnit.objects.filter(level=Level.COMMUNE)
    current, legacy = _("hiện hành"), _("trước 01/7/2025")
    for code, name, province, era in qs.order_by("era", "province__code", "code").values_list("code", "name", "province__name", "era"):
        units.append([spreadsheet.safe_text(v) for v in (code, name, province or "", current if era == Era.CURRENT else legacy)])
    units.freeze_panes = "A2"
    units.protection.sheet = True

    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for sheet_name, fields in SHEETS.items():
        ws = wb.create_sheet(sheet_name)
        for c, f in enumerate(fields, start=1):
            letter = get_column_letter(c)
            head = ws.cell(row=1, column=c, value=f"{f.label}{' *' if f.required else ''}")
            head.font = Font(bold=True)
            head.alignment = Alignment(wrap_text=True, vertical="top")
            if f.required:
                head.fill = required_fill
            if f.help:
                head.comment = Comment(str(f.help), "OCOP")
            ws.cell(row=2, column=c, value=f.marker)
            ws.column_dimensions[letter].width = f.width
            list_key = {"kind": "kinds", "sector": "sectors", "instrument": "instruments", "bool": "yesno",
                        "classification": "classifications"}.get(f.kind)
            target = f"{letter}{FIRST_DATA_ROW}:{letter}{max_rows() + FIRST_DATA_ROW}"
            if list_key and ranges.get(list_key):
                dv = DataValidation(type="list", formula1=ranges[list_key], allow_blank=True, showErrorMessage=True,
                                    errorTitle=str(_("Giá trị không hợp lệ")), error=str(_("Hãy chọn một giá trị trong danh sách.")))
                dv.add(target)
                ws.add_data_validation(dv)
            elif f.kind == "date":
                ws.column_dimensions[letter].number_format = "DD/MM/YYYY"
            elif f.kind == "commune" or f.code.endswith("registration_number") or f.code.endswith("tax_code") or f.code.endswith("phone"):
                ws.column_dimensions[letter].number_format = "@"  # text: keeps leading zeros
        ws.row_dimensions[2].hidden = True
        ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    wb.active = wb.sheetnames.index(ENTITY_SHEET)
    wb.properties.identifier = TEMPLATE_VERSION
    wb.properties.title = str(_("Mẫu nhập chủ thể và sản phẩm OCOP"))
    wb.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_workbook(entity_rows: Iterable[dict] = (), product_rows: Iterable[dict] = ()) -> bytes:
    """A workbook in the template's layout with the given rows ({field code: value}); for tests,
    the benchmark and tools that prepare imports."""
    import io

    wb = Workbook(write_only=True)
    for sheet_name, fields, rows in ((ENTITY_SHEET, ENTITY_FIELDS, entity_rows), (PRODUCT_SHEET, PRODUCT_FIELDS, product_rows)):
        ws = wb.create_sheet(sheet_name)
        ws.append([str(f.label) for f in fields])
        ws.append([f.marker for f in fields])
        for row in rows:
            ws.append([row.get(f.code) for f in fields])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
