"""The import workbook: its sheets, its columns (field codes, Vietnamese headers, drop-down lists)
and the limits of a file; `build_template` hands it out, `write_workbook` fills it with rows."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from ocop.accounts.scope import scope_for
from ocop.geo.models import AdminUnit, Era, Level
from ocop.lib import spreadsheet
from ocop.products.instruments import CLASSIFICATION_INSTRUMENTS
from ocop.products.models import EntityKind, Sector
from ocop.products.services import classification_model

TEMPLATE_VERSION = "ocop-import-1"
CODE_PREFIX = "ocop:"
ENTITY_SHEET = "Chủ thể"
PRODUCT_SHEET = "Sản phẩm"
GUIDE_SHEET = "Hướng dẫn"
UNITS_SHEET = "Mã xã"
LISTS_SHEET = "DanhMuc"
FIRST_DATA_ROW = 3
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
    Field(
        "entity.kind",
        _l("Loại hình"),
        True,
        "kind",
        help=_l("Chọn trong danh sách: Hợp tác xã, Tổ hợp tác, Doanh nghiệp, Hộ sản xuất có đăng ký kinh doanh."),
        width=22,
    ),
    Field("entity.name", _l("Tên chủ thể"), True, max_length=255, width=34),
    Field(
        "entity.registration_number",
        _l("Số đăng ký kinh doanh"),
        True,
        max_length=50,
        help=_l("Số giấy chứng nhận đăng ký; không trùng với chủ thể cùng loại hình đã có."),
        width=20,
    ),
    Field("entity.tax_code", _l("Mã số thuế"), max_length=20, width=14),
    Field("entity.address", _l("Địa chỉ"), True, max_length=300, help=_l("Số nhà, thôn, xóm…"), width=30),
    Field(
        "entity.commune_code", _l("Mã xã, phường"), True, "commune", help=_l("5 chữ số; xem trang “Mã xã”."), width=12
    ),
    Field(
        "entity.legacy",
        _l("Xã trước 01/7/2025"),
        False,
        "bool",
        help=_l("“Có” nếu mã xã là xã trước sắp xếp 01/7/2025; để trống nếu là xã hiện hành."),
        width=12,
    ),
    Field("entity.representative_name", _l("Người đại diện"), True, max_length=150, width=22),
    Field("entity.representative_title", _l("Chức vụ người đại diện"), max_length=100, width=18),
    Field("entity.phone", _l("Điện thoại"), max_length=30, width=14),
    Field("entity.email", _l("Thư điện tử"), False, "email", max_length=254, width=24),
]
PRODUCT_FIELDS = [
    Field(
        "product.entity_registration_number",
        _l("Số đăng ký kinh doanh của chủ thể"),
        True,
        max_length=50,
        help=_l("Chủ thể ở trang “Chủ thể” của tệp này hoặc đã có trong hệ thống."),
        width=22,
    ),
    Field(
        "product.entity_kind",
        _l("Loại hình chủ thể"),
        False,
        "kind",
        help=_l("Chỉ cần khi cùng một số đăng ký có ở hai loại hình."),
        width=18,
    ),
    Field("product.name", _l("Tên sản phẩm"), True, max_length=255, width=34),
    Field(
        "product.sector",
        _l("Nhóm sản phẩm"),
        False,
        "sector",
        help=_l("Bắt buộc nếu không ghi mã phân loại."),
        width=26,
    ),
    Field(
        "product.classification",
        _l("Mã phân loại (phân nhóm)"),
        False,
        "classification",
        help=_l("Ví dụ 148-1.1.1; xem danh sách trong ô chọn."),
        width=16,
    ),
    Field(
        "product.instrument",
        _l("Bộ tiêu chí áp dụng"),
        False,
        "instrument",
        help=_l("Để trống: bộ tiêu chí có hiệu lực vào ngày đăng ký."),
        width=16,
    ),
    Field(
        "product.commune_code",
        _l("Mã xã nơi sản xuất"),
        False,
        "commune",
        help=_l("5 chữ số; để trống: xã nơi chủ thể đăng ký."),
        width=12,
    ),
    Field("product.legacy", _l("Xã trước 01/7/2025"), False, "bool", width=12),
    Field(
        "product.registered_on", _l("Ngày đăng ký"), False, "date", help=_l("dd/mm/yyyy; để trống: hôm nay."), width=13
    ),
    Field("product.description", _l("Mô tả sản phẩm"), False, max_length=5000, width=40),
]
SHEETS = {ENTITY_SHEET: ENTITY_FIELDS, PRODUCT_SHEET: PRODUCT_FIELDS}


GUIDE = [
    _l("HƯỚNG DẪN NHẬP CHỦ THỂ VÀ SẢN PHẨM OCOP TỪ EXCEL"),
    "",
    _l(
        "1. Trang “Chủ thể”: mỗi dòng một chủ thể OCOP mới (hợp tác xã, tổ hợp tác, doanh nghiệp, hộ sản xuất có đăng ký kinh doanh)."
    ),
    _l(
        "2. Trang “Sản phẩm”: mỗi dòng một sản phẩm; cột “Số đăng ký kinh doanh của chủ thể” chỉ tới một chủ thể ở trang “Chủ thể” của tệp này hoặc đã có trong hệ thống (trong phạm vi tài khoản của bạn)."
    ),
    _l(
        "3. Có thể để trống một trong hai trang. Cột có dấu * là bắt buộc. Không sửa, không xóa hàng 1–2 (hàng 2 chứa mã cột, đang ẩn)."
    ),
    _l(
        "4. Mã xã, phường: 5 chữ số, xem trang “Mã xã” (chỉ gồm các xã trong phạm vi tài khoản của bạn). Xã trước 01/7/2025 (đã sáp nhập): ghi “Có” ở cột “Xã trước 01/7/2025”."
    ),
    _l(
        "5. Ngày ghi theo dạng dd/mm/yyyy, ví dụ 24/05/2024; không được ở tương lai. Để trống ngày đăng ký: lấy ngày nhập."
    ),
    _l("6. Loại hình, nhóm sản phẩm, mã phân loại và bộ tiêu chí: chọn trong ô chọn (danh sách thả xuống)."),
    _l("7. Số đăng ký kinh doanh không được trùng trong tệp hay với chủ thể cùng loại hình đã có trong hệ thống."),
    _l(
        "8. Tải tệp lên trang “Nhập từ Excel”: hệ thống kiểm tra trước (chạy thử) và liệt kê mọi lỗi theo dòng và cột, chưa ghi gì. Sửa lỗi trong tệp rồi tải lên lại. Khi không còn lỗi, bấm “Nhập dữ liệu”: mọi dòng được ghi cùng lúc, hoặc không dòng nào nếu có sự cố."
    ),
    _l(
        "9. Chỉ nhận tệp .xlsx không có macro, tối đa 10 MB và 20.000 dòng mỗi trang. Sản phẩm nhập vào có trạng thái “Đã đăng ký”."
    ),
]


def build_template(user) -> bytes:
    """The import workbook for `user`: the communes their scope covers, the lists in force today."""
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
        "instruments": [i.label for i in CLASSIFICATION_INSTRUMENTS],
        "yesno": [_("Có"), _("Không")],
        "classifications": [],
    }
    model = classification_model()
    if model is not None:
        columns["classifications"] = list(
            model.objects.filter(is_leaf=True).in_force(today).order_by("code").values_list("code", flat=True)
        )
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
    qs = (
        scope.units(write=True).filter(level=Level.COMMUNE)
        if not scope.national
        else AdminUnit.objects.filter(level=Level.COMMUNE)
    )
    current, legacy = _("hiện hành"), _("trước 01/7/2025")
    for code, name, province, era in qs.order_by("era", "province__code", "code").values_list(
        "code", "name", "province__name", "era"
    ):
        units.append(
            [spreadsheet.safe_text(v) for v in (code, name, province or "", current if era == Era.CURRENT else legacy)]
        )
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
            list_key = {
                "kind": "kinds",
                "sector": "sectors",
                "instrument": "instruments",
                "bool": "yesno",
                "classification": "classifications",
            }.get(f.kind)
            target = f"{letter}{FIRST_DATA_ROW}:{letter}{max_rows() + FIRST_DATA_ROW}"
            if list_key and ranges.get(list_key):
                dv = DataValidation(
                    type="list",
                    formula1=ranges[list_key],
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=str(_("Giá trị không hợp lệ")),
                    error=str(_("Hãy chọn một giá trị trong danh sách.")),
                )
                dv.add(target)
                ws.add_data_validation(dv)
            elif f.kind == "date":
                ws.column_dimensions[letter].number_format = "DD/MM/YYYY"
            elif (
                f.kind == "commune"
                or f.code.endswith("registration_number")
                or f.code.endswith("tax_code")
                or f.code.endswith("phone")
            ):
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
    wb = Workbook(write_only=True)
    for sheet_name, fields, rows in (
        (ENTITY_SHEET, ENTITY_FIELDS, entity_rows),
        (PRODUCT_SHEET, PRODUCT_FIELDS, product_rows),
    ):
        ws = wb.create_sheet(sheet_name)
        ws.append([str(f.label) for f in fields])
        ws.append([f.marker for f in fields])
        for row in rows:
            ws.append([row.get(f.code) for f in fields])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
