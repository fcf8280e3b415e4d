from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ocop.accounts.models import Role, User
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.instruments import CLASSIFICATION_INSTRUMENTS
from ocop.products.models import (
    DossierCategory,
    Entity,
    MemberRole,
    Product,
    ProductStatus,
)
from ocop.products.services import classification_model

DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
)


def resolve_commune(code: str, legacy: bool) -> AdminUnit:
    code = (code or "").strip()
    if len(code) != 5 or not code.isdigit():
        raise ValidationError(_("Mã xã, phường “%(c)s” không hợp lệ: mã cấp xã có 5 chữ số.") % {"c": code[:20]})
    era = Era.LEGACY if legacy else Era.CURRENT
    unit = AdminUnit.objects.filter(level=Level.COMMUNE, code=code, era=era).select_related("province").first()
    if unit is None:
        when = _("trước 01/7/2025") if legacy else _("hiện hành")
        raise ValidationError(_("Không có xã, phường %(when)s mã “%(c)s”.") % {"when": when, "c": code})
    return unit


class CommuneFieldsMixin:
    """A commune typed as its 5-digit code, current by default, legacy (before 01/7/2025) on request."""

    unit_attr = "unit"

    def _init_commune(self, unit, required=True):
        self.fields["commune_code"].required = required
        if unit is not None and not self.is_bound:
            self.initial["commune_code"] = unit.code
            self.initial["legacy"] = unit.era == Era.LEGACY

    def clean(self):
        cleaned = super().clean()
        code = (cleaned.get("commune_code") or "").strip()
        if code:
            try:
                cleaned["unit"] = resolve_commune(code, bool(cleaned.get("legacy")))
            except ValidationError as exc:
                self.add_error("commune_code", exc)
        else:
            cleaned["unit"] = None
        return cleaned


COMMUNE_HELP = _l("Mã đơn vị hành chính cấp xã (5 chữ số). Tra cứu tại danh mục đơn vị hành chính.")


class EntityForm(CommuneFieldsMixin, forms.ModelForm):
    commune_code = forms.CharField(label=_l("Mã xã, phường"), max_length=5, help_text=COMMUNE_HELP)
    legacy = forms.BooleanField(label=_l("Xã, phường trước 01/7/2025 (đã sáp nhập)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Entity
        fields = [
            "kind",
            "name",
            "registration_number",
            "tax_code",
            "address",
            "commune_code",
            "legacy",
            "representative_name",
            "representative_title",
            "phone",
            "email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_commune(self.instance.unit if self.instance.unit_id else None)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def save(self, commit=False):
        entity = super().save(commit=False)
        entity.unit = self.cleaned_data.get("unit")
        return entity


INSTRUMENT_CHOICES = [("", _l("Theo ngày đăng ký"))] + [(i.label, i.label) for i in CLASSIFICATION_INSTRUMENTS]


class ProductForm(CommuneFieldsMixin, forms.ModelForm):
    classification_instrument = forms.ChoiceField(
        label=_l("Bộ tiêu chí áp dụng"),
        choices=INSTRUMENT_CHOICES,
        required=False,
        help_text=_l("Để trống: bộ tiêu chí có hiệu lực vào ngày đăng ký."),
    )
    commune_code = forms.CharField(
        label=_l("Mã xã nơi sản xuất"),
        max_length=5,
        required=False,
        help_text=_l("5 chữ số. Để trống: xã, phường nơi chủ thể đăng ký."),
    )
    legacy = forms.BooleanField(label=_l("Xã trước 01/7/2025 (đã sáp nhập)"), required=False)
    registered_on = forms.DateField(
        label=_l("Ngày đăng ký"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_l("Dạng dd/mm/yyyy. Để trống: hôm nay."),
        error_messages={"invalid": _l("Ngày không hợp lệ. Nhập theo dạng dd/mm/yyyy, ví dụ 24/05/2024.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Product
        fields = [
            "name",
            "sector",
            "classification_code",
            "classification_instrument",
            "commune_code",
            "legacy",
            "description",
            "registered_on",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_commune(self.instance.unit if self.instance.unit_id else None, required=False)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self._add_classification_choice()

    def _add_classification_choice(self):
        """With the evaluation app's classification loaded, the product's subgroup is chosen from it
        (leaves in force today, plus the product's own); otherwise it is typed as a code."""
        model = classification_model()
        if model is None or not model.objects.exists():
            return
        qs = model.objects.filter(is_leaf=True).in_force(timezone.localdate())
        if self.instance.classification_id:
            qs = qs | model.objects.filter(pk=self.instance.classification_id)
        field = forms.ModelChoiceField(
            qs.select_related("instrument").order_by("code"),
            required=False,
            label=_l("Bộ sản phẩm (phân nhóm)"),
            help_text=_l(
                "Phân nhóm theo bộ tiêu chí đang áp dụng; nhóm sản phẩm và văn bản áp dụng được xác định theo đây."
            ),
            empty_label=_l("— Chưa xác định —"),
        )
        field.label_from_instance = lambda c: f"{c.code.split('-', 1)[-1]} {c.name} (QĐ {c.instrument.number})"
        fields = {}
        for name, f in self.fields.items():
            if name == "classification_code":
                fields["classification"] = field
            elif name != "classification_instrument":
                fields[name] = f
        self.fields = fields
        if self.instance.classification_id and not self.is_bound:
            self.initial["classification"] = self.instance.classification_id

    def save(self, commit=False):
        product = super().save(commit=False)
        if "classification" in self.fields:
            product.classification = self.cleaned_data.get("classification")
        unit = self.cleaned_data.get("unit")
        if unit is not None:
            product.unit = unit
        elif product.entity_id:
            product.unit = product.entity.unit
        return product


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_l("Trạng thái mới"), choices=ProductStatus.choices)
    reason = forms.CharField(
        label=_l("Lý do, căn cứ"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_l("Ví dụ: Quyết định số 123/QĐ-UBND ngày 15/10/2024."),
    )


class PhotoForm(forms.Form):
    image = forms.FileField(label=_l("Ảnh sản phẩm (JPG, PNG)"))
    caption = forms.CharField(label=_l("Chú thích"), max_length=200, required=False)


class UploadForm(forms.Form):
    category = forms.ChoiceField(label=_l("Thành phần hồ sơ"), choices=DossierCategory.choices)
    file = forms.FileField(label=_l("Tệp"), help_text=_l("PDF, Word, Excel hoặc ảnh JPG/PNG."))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_l("Kết quả kiểm tra"),
        choices=[("complete", _l("Hồ sơ hợp lệ, đủ thành phần")), ("incomplete", _l("Trả lại để bổ sung"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_l("Ý kiến"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MemberForm(forms.Form):
    username = forms.CharField(label=_l("Tên đăng nhập của tài khoản chủ thể"), max_length=150)
    role = forms.ChoiceField(label=_l("Vai trò"), choices=MemberRole.choices, initial=MemberRole.OWNER)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username, role=Role.ENTITY_USER, is_active=True).first()
        if user is None:
            raise ValidationError(
                _("Không có tài khoản chủ thể OCOP đang hoạt động với tên đăng nhập “%(u)s”.") % {"u": username[:150]}
            )
        return user


class PointsRadioSelect(forms.RadioSelect):
    """Radio buttons carrying each option's points (data-points), for the running total."""

    def __init__(self, *args, points: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = points or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if str(value) in self.points:
            option["attrs"]["data-points"] = str(self.points[str(value)])
        return option


def points_label(points) -> str:
    """ "3 điểm", "0,5 điểm"."""
    value = Decimal(str(points))
    text = str(int(value)) if value == value.to_integral() else format(value.normalize(), "f").replace(".", ",")
    return _("%(n)s điểm") % {"n": text}


def option_label(text: str, points, required_for_stars: int | None) -> str:
    """ "Đồng đều (2 điểm; yêu cầu cho hạng 4 sao)": the option, its points and its star mark (QĐ 148's ****)."""
    details = [points_label(points)] if points is not None else []
    if required_for_stars:
        details.append(_("yêu cầu cho hạng %(s)s sao") % {"s": required_for_stars})
    return f"{text} ({'; '.join(details)})" if details else text


class SelfAssessmentForm(forms.Form):
    """The self-assessment. When the criteria sheet is available: one radio group per criterion, each
    option with its points, and the total computed from the choices (shown as a running total, and
    computed again on the server); the set is the sheet's (hidden). Otherwise the criteria set and
    the total written on the signed paper form."""

    criteria_set_code = forms.CharField(label=_l("Bộ tiêu chí"), max_length=64, initial="QĐ 148/QĐ-TTg")
    criteria_set_version = forms.CharField(label=_l("Phiên bản, phân nhóm"), max_length=50, required=False)
    declared_total = forms.DecimalField(
        label=_l("Tổng điểm tự đánh giá ghi trên phiếu"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        localize=True,
        error_messages={"invalid": _l("Tổng điểm phải là một số, ví dụ 72 hoặc 72,5.")},
    )

    def __init__(self, *args, sheet=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        if sheet is not None:
            self.fields["criteria_set_code"].initial = sheet.code
            self.fields["criteria_set_code"].widget = forms.HiddenInput()
            self.fields["criteria_set_version"].initial = sheet.version
            self.fields["criteria_set_version"].widget = forms.HiddenInput()
            del self.fields["declared_total"]  # the total is computed from the choices, never typed
            source = getattr(sheet, "source", None)
            for criterion in sheet.criteria:
                points = {o.code: o.points for o in criterion.options if o.points is not None}
                parsed = source.criterion(criterion.code) if hasattr(source, "criterion") else None
                stars = {o.code: o.required_for_stars for o in parsed.options} if parsed is not None else {}
                self.fields[f"c__{criterion.code}"] = forms.ChoiceField(
                    label=f"{criterion.part} · {criterion.label}",
                    choices=[(o.code, option_label(o.label, o.points, stars.get(o.code))) for o in criterion.options],
                    widget=PointsRadioSelect(points=points),
                    required=not criterion.bonus,
                    error_messages={"required": _l("Chưa chọn phương án cho tiêu chí này.")},
                )

    def sections(self) -> list[dict]:
        """The criteria fields by part and group of the sheet, for display:
        [{"code", "title", "max", "groups": [{"title", "max", "fields": [(criterion, bound field)]}]}]."""
        source = getattr(self.sheet, "source", None)
        if self.sheet is None:
            return []
        if source is None or not hasattr(source, "parts"):
            return [
                {
                    "code": "",
                    "title": "",
                    "max": None,
                    "groups": [
                        {"title": "", "max": None, "fields": [(c, self[f"c__{c.code}"]) for c in self.sheet.criteria]}
                    ],
                }
            ]
        own = {c.code: c for c in self.sheet.criteria}
        return [
            {
                "code": part.code,
                "title": part.title,
                "max": part.max,
                "groups": [
                    {
                        "title": f"{group.code}. {group.title}",
                        "max": group.max,
                        "fields": [(own[c.code], self[f"c__{c.code}"]) for c in group.criteria if c.code in own],
                    }
                    for group in part.groups
                ],
            }
            for part in source.parts
        ]

    def choices(self) -> dict[str, str]:
        return {k[3:]: v for k, v in self.cleaned_data.items() if k.startswith("c__") and v}
