"""The dry run: every row checked against the database and the user's scope, every error by row
and column in Vietnamese; nothing saved. `check_file` reads and checks a file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.scope import scope_for
from ocop.geo.models import AdminUnit, Era, Level
from ocop.lib.dates import DateParseError, format_date, parse_date
from ocop.lib.gcpause import no_cyclic_gc
from ocop.products.importer.parsing import (
    ImportFileError,
    RowError,
    SheetRows,
    _commune_code_text,
    _fold,
    cell_text,
    read_rows,
)
from ocop.products.importer.template import ENTITY_FIELDS, ENTITY_SHEET, PRODUCT_FIELDS, PRODUCT_SHEET, SHEETS, Field
from ocop.products.instruments import CLASSIFICATION_INSTRUMENTS, classification_instrument_on
from ocop.products.models import (
    Entity,
    EntityKind,
    Product,
    ProductStatus,
    Sector,
    sector_of_code,
)
from ocop.products.services import classification_model

# no date of the import (registration of a product) is this old: an earlier one is a number that a
# date format turned into a 1900s date (2026 → 18/07/1905, 12.5 → 12/01/1900)
EARLIEST_DATE = dt.date(1950, 1, 1)
YES = ("có", "co", "x", "1", "true", "yes", "y", "đúng")
NO = ("", "không", "khong", "0", "false", "no", "n", "sai")


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
    fields: dict  # the checked Product field values; "entity" is an existing Entity or a ParsedEntity's
    entity_ref: ParsedEntity | None
    # the Product is built only when the rows are written (writing.build_product): a dry run checks
    # up to max_rows() rows and keeps no model instance (issue 17: a fifth of a 10,000-row dry run)


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
        self.instruments = {_fold(i.label): i.label for i in CLASSIFICATION_INSTRUMENTS}
        self.instruments.update({_fold(i.label.split("/")[0]): i.label for i in CLASSIFICATION_INSTRUMENTS})  # "QĐ 148"
        self.units: dict[tuple[str, str], AdminUnit] = {}
        self.db_entities: dict[str, list[Entity]] = {}  # upper registration number -> live entities
        self.db_product_names: set[tuple[int, str]] = set()
        self.classifications: dict[str, object] | None = None
        self.file_entities: dict[tuple[str, str], ParsedEntity] = {}
        self.file_entities_by_number: dict[str, list[ParsedEntity]] = {}
        self.first_entity_row: dict[tuple[str, str], int] = {}
        self.product_keys: dict[tuple, int] = {}
        self.failed_entity_rows: dict[str, int] = {}  # upper registration number -> row with errors
        self.folded_answers: dict[str, str] = {}  # a choice or yes/no cell's text -> _fold(text)

    def _folded_answer(self, text: str) -> str:
        """_fold of a choice or yes/no cell: a file repeats the same few answers in every row."""
        folded = self.folded_answers.get(text)
        if folded is None:
            folded = self.folded_answers[text] = _fold(text)
        return folded

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
            qs = (
                Entity.objects.alive()
                .annotate(reg_upper=Upper("registration_number"))
                .filter(reg_upper__in=chunk)
                .select_related("unit", "unit__province")
            )
            for entity in qs:
                self.db_entities.setdefault(entity.reg_upper, []).append(entity)
        entity_ids = [e.pk for group in self.db_entities.values() for e in group]
        for chunk in _chunks(entity_ids, 500):
            for entity_id, name in Product.objects.alive().filter(entity_id__in=chunk).values_list("entity_id", "name"):
                self.db_product_names.add((entity_id, _fold(name)))
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
        value = mapping.get(self._folded_answer(text))
        if value is None:
            errors.append(
                _("“%(v)s” không có trong danh sách %(f)s; hãy chọn trong ô chọn của mẫu.")
                % {"v": text[:60], "f": str(f.label).lower()}
            )
            return ""
        return value

    def _bool(self, raw, errors: list[str]) -> bool:
        if isinstance(raw, bool):
            return raw
        text = self._folded_answer(cell_text(raw))
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
                errors.append(
                    _(
                        "Ngày “%(v)s” không hợp lệ (trước năm %(y)s): ô có lẽ chứa một con số (ví dụ một năm) được "
                        "định dạng ngày. Nhập đủ ngày theo dạng dd/mm/yyyy, ví dụ 24/05/2024."
                    )
                    % {"v": format_date(day), "y": EARLIEST_DATE.year}
                )
                return None
            return day
        if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
            errors.append(
                _("Ô chứa số “%(v)s”, không phải ngày: nhập đủ ngày theo dạng dd/mm/yyyy, ví dụ 24/05/2024.")
                % {"v": cell_text(raw)[:20]}
            )
            return None
        if isinstance(raw, str):
            try:
                return parse_date(raw)
            except DateParseError:
                pass
        errors.append(
            _("Ngày “%(v)s” không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 24/05/2024.") % {"v": cell_text(raw)[:40]}
        )
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
                errors.append(
                    _(
                        "Không có xã, phường hiện hành mã “%(c)s”; “%(n)s” là xã trước 01/7/2025: ghi “Có” ở cột "
                        "“Xã trước 01/7/2025”."
                    )
                    % {"c": code, "n": other.name}
                )
            elif other is not None:
                errors.append(
                    _(
                        "Không có xã, phường trước 01/7/2025 mã “%(c)s”; “%(n)s” là xã hiện hành: để trống cột "
                        "“Xã trước 01/7/2025”."
                    )
                    % {"c": code, "n": other.name}
                )
            else:
                errors.append(_("Không có xã, phường mã “%(c)s” (mã đơn vị hành chính không tồn tại).") % {"c": code})
            return None
        if not self.scope.covers(unit, write=True):
            errors.append(
                _("Xã “%(n)s” (%(c)s, %(p)s) nằm ngoài phạm vi tài khoản của bạn.")
                % {"n": unit.name, "c": code, "p": unit.province.name if unit.province_id else ""}
            )
            return None
        return unit

    # rows ------------------------------------------------------------------------------------
    def check_entity(self, row: int, raw: dict, columns: dict[str, str], out: CheckResult) -> None:
        errs: dict[str, list[str]] = {f.code: [] for f in ENTITY_FIELDS}
        g = lambda code: raw.get(code)  # noqa: E731
        by = {f.code: f for f in ENTITY_FIELDS}
        kind = self._choice(by["entity.kind"], g("entity.kind"), self.kinds, errs["entity.kind"])
        name = self._text(by["entity.name"], g("entity.name"), errs["entity.name"])
        number = self._text(
            by["entity.registration_number"], g("entity.registration_number"), errs["entity.registration_number"]
        )
        tax_code = self._text(by["entity.tax_code"], g("entity.tax_code"), errs["entity.tax_code"])
        address = self._text(by["entity.address"], g("entity.address"), errs["entity.address"])
        legacy = self._bool(g("entity.legacy"), errs["entity.legacy"])
        unit = self._commune(g("entity.commune_code"), legacy, errs["entity.commune_code"], required=True)
        rep = self._text(
            by["entity.representative_name"], g("entity.representative_name"), errs["entity.representative_name"]
        )
        rep_title = self._text(
            by["entity.representative_title"], g("entity.representative_title"), errs["entity.representative_title"]
        )
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
                    _("Số đăng ký “%(n)s” trùng với dòng %(r)s của tệp (cùng loại hình).") % {"n": number, "r": first}
                )
            else:
                self.first_entity_row[key] = row
                if any(e.kind == kind for e in self.db_entities.get(number.upper(), [])):
                    errs["entity.registration_number"].append(
                        _("Số đăng ký “%(n)s” đã có trong hệ thống cho một %(k)s khác.")
                        % {"n": number, "k": EntityKind(kind).label.lower()}
                    )
        failed = _collect(ENTITY_SHEET, row, errs, columns, out.errors)
        if failed:
            if number:
                self.failed_entity_rows.setdefault(number.upper(), row)
            return
        entity = Entity(
            kind=kind,
            name=name,
            registration_number=number,
            tax_code=tax_code,
            address=address,
            unit=unit,
            representative_name=rep,
            representative_title=rep_title,
            phone=phone,
            email=email,
            created_by=self.actor,
        )
        parsed = ParsedEntity(row, kind, number, entity)
        self.file_entities[(kind, number.upper())] = parsed
        self.file_entities_by_number.setdefault(number.upper(), []).append(parsed)
        out.entities.append(parsed)

    def check_product(self, row: int, raw: dict, columns: dict[str, str], out: CheckResult) -> None:
        errs: dict[str, list[str]] = {f.code: [] for f in PRODUCT_FIELDS}
        g = lambda code: raw.get(code)  # noqa: E731
        by = {f.code: f for f in PRODUCT_FIELDS}
        number = self._text(
            by["product.entity_registration_number"],
            g("product.entity_registration_number"),
            errs["product.entity_registration_number"],
        )
        entity_kind = self._choice(
            by["product.entity_kind"], g("product.entity_kind"), self.kinds, errs["product.entity_kind"]
        )
        name = self._text(by["product.name"], g("product.name"), errs["product.name"])
        sector = self._choice(by["product.sector"], g("product.sector"), self.sectors, errs["product.sector"])
        instrument = self._choice(
            by["product.instrument"], g("product.instrument"), self.instruments, errs["product.instrument"]
        )
        code = cell_text(g("product.classification"))
        node = None
        if code:
            if self.classifications is not None:
                node = self.classifications.get(code.upper())
                if node is None:
                    errs["product.classification"].append(
                        _(
                            "Mã phân loại “%(c)s” không có (hoặc không phải phân nhóm cuối); hãy chọn trong ô chọn của mẫu."
                        )
                        % {"c": code[:40]}
                    )
            elif len(code) > 50:
                errs["product.classification"].append(
                    _("Dài quá %(n)s ký tự (đang có %(m)s).") % {"n": 50, "m": len(code)}
                )
        if not sector and not code and not errs["product.sector"]:
            errs["product.sector"].append(_("Chưa chọn nhóm sản phẩm (bắt buộc khi không ghi mã phân loại)."))
        legacy = self._bool(g("product.legacy"), errs["product.legacy"])
        unit = self._commune(g("product.commune_code"), legacy, errs["product.commune_code"], required=False)
        registered_on = self._date(g("product.registered_on"), errs["product.registered_on"])
        if registered_on and registered_on > self.today:
            errs["product.registered_on"].append(
                _("Ngày đăng ký %(d)s ở tương lai.") % {"d": format_date(registered_on)}
            )
        description = self._text(by["product.description"], g("product.description"), errs["product.description"])

        entity = None
        entity_ref = None
        if number and not errs["product.entity_kind"]:
            entity, entity_ref, message = self._find_entity(number, entity_kind)
            if message:
                errs["product.entity_registration_number"].append(message)
        if entity is not None and name:
            folded_name = _fold(name)
            key = (entity_ref.row if entity_ref else ("db", entity.pk), folded_name)
            first = self.product_keys.get(key)
            if first is not None:
                errs["product.name"].append(
                    _("Sản phẩm “%(p)s” của chủ thể này trùng với dòng %(r)s của tệp.") % {"p": name[:80], "r": first}
                )
            elif entity_ref is None and (entity.pk, folded_name) in self.db_product_names:
                errs["product.name"].append(
                    _("Chủ thể “%(e)s” đã có sản phẩm “%(p)s” trong hệ thống.") % {"e": entity.name, "p": name[:80]}
                )
            else:
                self.product_keys[key] = row
        if _collect(PRODUCT_SHEET, row, errs, columns, out.errors):
            return
        fields = {
            "entity": entity,
            "name": name,
            "sector": sector or Sector.THUC_PHAM,
            "classification_code": code,
            "classification_instrument": instrument,
            "unit": unit or entity.unit,
            "description": description,
            "registered_on": registered_on or self.today,
            "status": ProductStatus.REGISTERED,
            "created_by": self.actor,
        }
        if node is not None:
            fields["classification"] = node
            fields["classification_code"] = node.code
            fields["classification_instrument"] = f"QĐ {node.instrument.number}"
            fields["sector"] = sector_of_code(node.code) or fields["sector"]
        if not fields["classification_instrument"]:
            fields["classification_instrument"] = classification_instrument_on(fields["registered_on"])
        out.products.append(ParsedProduct(row, fields, entity_ref))

    def _find_entity(self, number: str, kind: str):
        """(entity, the file's ParsedEntity or None, error message or "")."""
        upper = number.upper()
        in_file = [p for p in self.file_entities_by_number.get(upper, []) if not kind or p.kind == kind]
        if len(in_file) == 1:
            return in_file[0].entity, in_file[0], ""
        in_db = [e for e in self.db_entities.get(upper, []) if not kind or e.kind == kind]
        if len(in_file) > 1 or (not in_file and len(in_db) > 1):
            return (
                None,
                None,
                _("Số đăng ký “%(n)s” có ở nhiều loại hình chủ thể; hãy chọn “Loại hình chủ thể”.") % {"n": number},
            )
        if not in_db and upper in self.failed_entity_rows:
            return (
                None,
                None,
                _("Chủ thể số đăng ký “%(n)s” ở dòng %(r)s trang “Chủ thể” đang có lỗi; sửa dòng đó trước.")
                % {"n": number, "r": self.failed_entity_rows[upper]},
            )
        if not in_db:
            return (
                None,
                None,
                _("Không có chủ thể số đăng ký “%(n)s” trong trang “Chủ thể” của tệp hay trong hệ thống.")
                % {"n": number},
            )
        entity = in_db[0]
        if not self.scope.covers(entity.unit, write=True):
            return (
                None,
                None,
                _("Chủ thể “%(e)s” (số đăng ký %(n)s) nằm ngoài phạm vi tài khoản của bạn.")
                % {"e": entity.name, "n": number},
            )
        return entity, None, ""


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


def check_rows(
    actor,
    sheets: dict[str, SheetRows],
    file_errors: list[RowError] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
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
        out.errors.append(
            RowError(
                "",
                None,
                "",
                "",
                _("Tệp không có dòng dữ liệu nào (trang “%(a)s” và “%(b)s” đều trống).")
                % {"a": ENTITY_SHEET, "b": PRODUCT_SHEET},
            )
        )
    return out


def check_file(actor, fileobj, on_progress=None) -> CheckResult:
    # up to max_rows() rows of cells, values and checked objects, kept until the end: the cyclic
    # collector would walk them again and again (issue 17: a sixth of a 10,000-row dry run)
    with no_cyclic_gc():
        try:
            sheets, errors = read_rows(fileobj)
        except ImportFileError as exc:
            return CheckResult(errors=[RowError("", None, "", "", str(exc))])
        return check_rows(actor, sheets, errors, on_progress)
