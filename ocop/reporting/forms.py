from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _l

from ocop.geo.models import Level
from ocop.lib.dates import BoundedDateField
from ocop.lib.jsontext import JsonTextError, load_json_text
from ocop.programme.forms import DATE_WIDGET
from ocop.reporting.models import DeadlineRuleKind, ReportTemplate, RequestKind

LEVEL_CHOICES = [
    (Level.PROVINCE, _l("Cấp tỉnh")),
    (Level.DISTRICT, _l("Cấp huyện (trước 01/7/2025)")),
    (Level.COMMUNE, _l("Cấp xã")),
]


class RequestForm(forms.Form):
    title = forms.CharField(label=_l("Tiêu đề"), max_length=500)
    document_number = forms.CharField(
        label=_l("Số, ký hiệu văn bản yêu cầu"), max_length=50, required=False, help_text=_l("Ví dụ: 9654/BNN-VPĐP")
    )
    issued_on = BoundedDateField(label=_l("Ngày ban hành văn bản"), required=False, widget=DATE_WIDGET)
    legal_basis = forms.CharField(label=_l("Căn cứ"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    template = forms.ModelChoiceField(label=_l("Mẫu báo cáo"), queryset=ReportTemplate.objects.all())
    kind = forms.ChoiceField(
        label=_l("Loại báo cáo (NĐ 09/2019)"), choices=RequestKind.choices, initial=RequestKind.ADHOC
    )
    period_start = BoundedDateField(label=_l("Số liệu từ ngày"), required=False, widget=DATE_WIDGET)
    cutoff = BoundedDateField(
        label=_l("Ngày chốt số liệu"), widget=DATE_WIDGET, help_text=_l("Số liệu tính đến hết ngày này.")
    )
    deadline = BoundedDateField(
        label=_l("Hạn nộp"),
        widget=DATE_WIDGET,
        help_text=_l("Phải cách ngày chốt số liệu ít nhất một ngày làm việc (NĐ 09/2019)."),
    )
    deadline_rule = forms.ChoiceField(
        label=_l("Văn bản ghi hạn nộp là"),
        choices=DeadlineRuleKind.choices,
        initial=DeadlineRuleKind.BEFORE,
        widget=forms.RadioSelect,
        help_text=_l("Cách ghi này dùng cả trong văn bản yêu cầu lẫn khi tính đúng hạn/muộn."),
    )
    recipient_level = forms.ChoiceField(
        label=_l("Đơn vị phải báo cáo"),
        choices=LEVEL_CHOICES,
        initial=Level.PROVINCE,
        help_text=_l("Tất cả đơn vị của cấp này có hiệu lực vào ngày chốt số liệu."),
    )
    deadline_district = BoundedDateField(label=_l("Hạn nộp của cấp huyện cho tỉnh"), required=False, widget=DATE_WIDGET)
    deadline_commune = BoundedDateField(label=_l("Hạn nộp của cấp xã cho tỉnh"), required=False, widget=DATE_WIDGET)
    reminder_offsets = forms.CharField(
        label=_l("Nhắc hạn (ngày so với hạn nộp)"),
        initial="-3, 0, 2",
        required=False,
        help_text=_l("Các số cách nhau bởi dấu phẩy: -3 là 3 ngày trước hạn, 0 là đúng ngày hạn, 2 là 2 ngày sau hạn."),
    )

    def __init__(self, *args, collection: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not collection and "template" not in self.initial:
            from ocop.reporting.periodtext import default_template

            default = default_template("year")
            if default is not None:
                self.fields["template"].initial = default.pk
        if collection:
            for name in (
                "template",
                "kind",
                "period_start",
                "cutoff",
                "deadline_district",
                "deadline_commune",
                "legal_basis",
            ):
                self.fields.pop(name)
            self.fields["recipient_level"].choices = LEVEL_CHOICES[1:]
            self.fields["recipient_level"].help_text = _l(
                "Các huyện hoặc xã của tỉnh có hiệu lực vào ngày chốt số liệu."
            )

    def clean_reminder_offsets(self):
        text = self.cleaned_data.get("reminder_offsets", "").strip()
        if not text:
            return []
        try:
            values = sorted({int(part) for part in text.replace(";", ",").split(",") if part.strip()})
        except ValueError:
            raise forms.ValidationError(_l("Nhập các số nguyên cách nhau bởi dấu phẩy, ví dụ: -3, 0, 2.")) from None
        if any(abs(v) > 60 for v in values) or len(values) > 6:
            raise forms.ValidationError(_l("Tối đa 6 lần nhắc, mỗi lần trong vòng 60 ngày quanh hạn nộp."))
        return values


class TemplateForm(forms.Form):
    definition = forms.CharField(
        label=_l("Định nghĩa mẫu (JSON)"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
        help_text=_l("Lưu thành phiên bản mới; các yêu cầu đã dùng phiên bản cũ không bị ảnh hưởng."),
    )

    def clean_definition(self):
        from ocop.reporting.bindings import check_bindings
        from ocop.reporting.schema import DefinitionError, parse_definition

        text = self.cleaned_data["definition"]
        try:
            data = load_json_text(text)
        except JsonTextError as exc:
            raise forms.ValidationError(str(exc)) from None
        try:
            check_bindings(parse_definition(data))
        except DefinitionError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_l("Tệp Excel đã điền (.xlsx)"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_l("Tệp đính kèm"), help_text=_l("PDF, Word, Excel hoặc ảnh; tối đa 20 MB."))


class PeriodicForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_l("Mẫu báo cáo"),
        queryset=ReportTemplate.objects.all(),
        help_text=_l("Kỳ hằng năm: mặc định là mẫu báo cáo năm OCOP."),
    )
    period_kind = forms.ChoiceField(
        label=_l("Kỳ báo cáo"),
        choices=[("quarter", _l("Hằng quý")), ("half_year", _l("6 tháng")), ("year", _l("Hằng năm"))],
        help_text=_l("Ngày chốt số liệu theo Nghị định 09/2019/NĐ-CP; hạn nộp mặc định sau ngày chốt 3 ngày làm việc."),
    )
    year = forms.IntegerField(label=_l("Năm"), min_value=2019, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ocop.reporting.periodtext import default_template

        default = default_template("year")
        if default is not None and "template" not in self.initial:
            self.fields["template"].initial = default.pk
