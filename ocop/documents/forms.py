from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _l

from ocop.documents import text as tx
from ocop.documents.models import DocumentStatus, Issuer, OutgoingDocument
from ocop.lib.dates import BoundedDateField
from ocop.programme.forms import DATE_WIDGET


def _lines_field(label, help_text=""):
    return forms.CharField(label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": 4}))


class DraftForm(forms.Form):
    """A draft's frame in plain fields (no markup): subject, date, place, recipients, contact, Nơi
    nhận, signer. The body is edited in Word and uploaded back (DraftUploadForm, roundtrip.py)."""

    subject = forms.CharField(label=_l("Trích yếu (V/v …)"), max_length=500)
    date = BoundedDateField(
        label=_l("Ngày văn bản"), required=False, widget=DATE_WIDGET, help_text=_l("Để trống: ngày ban hành.")
    )
    place = forms.CharField(label=_l("Địa danh"), max_length=100)
    recipients = _lines_field(_l("Kính gửi"), _l("Mỗi dòng một nơi nhận."))
    contact = forms.CharField(
        label=_l("Đầu mối liên hệ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_l("In nghiêng trong ngoặc: “(Thông tin chi tiết đề nghị liên hệ …)”. Để trống: không in."),
    )
    noi_nhan = _lines_field(_l("Nơi nhận"), _l("Mỗi dòng một nơi nhận, ví dụ: Như trên; — Lưu: VT, VPĐP."))
    signature_title = forms.CharField(
        label=_l("Quyền hạn, chức vụ người ký"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_l("Mỗi dòng một hàng."),
    )
    signer_name = forms.CharField(label=_l("Họ tên người ký"), max_length=200, required=False)

    @classmethod
    def initial_for(cls, doc: OutgoingDocument) -> dict:
        content = doc.content or {}
        return {
            "subject": doc.subject,
            "date": doc.date,
            "place": doc.place,
            "recipients": "\n".join(doc.recipients or []),
            "contact": content.get("contact", ""),
            "noi_nhan": "\n".join(doc.noi_nhan or []),
            "signature_title": doc.signature_title,
            "signer_name": doc.signer_name,
        }

    def changes_for(self, doc: OutgoingDocument) -> dict:
        data = self.cleaned_data
        content = dict(doc.content or {})
        content["contact"] = data["contact"].strip()
        return {
            "subject": data["subject"],
            "date": data["date"],
            "place": data["place"],
            "recipients": data["recipients"],
            "content": content,
            "noi_nhan": data["noi_nhan"],
            "signature_title": data["signature_title"],
            "signer_name": data["signer_name"],
        }


class DraftUploadForm(forms.Form):
    file = forms.FileField(
        label=_l("Tệp .docx đã sửa"), help_text=_l("Bản .docx tải về từ dự thảo này, đã sửa trong Word.")
    )


class RequestLetterForm(forms.Form):
    date = BoundedDateField(
        label=_l("Ngày văn bản"),
        widget=DATE_WIDGET,
        help_text=_l("Danh sách tỉnh được biểu dương lấy từ bảng theo dõi vào ngày này."),
    )
    subject = forms.CharField(
        label=_l("Trích yếu (V/v …)"),
        max_length=500,
        required=False,
        help_text=_l("Để trống: “báo cáo …” theo tiêu đề yêu cầu báo cáo."),
    )
    issuer = forms.ModelChoiceField(label=_l("Cơ quan ban hành"), queryset=Issuer.objects.filter(active=True))


class ReminderForm(forms.Form):
    as_of = BoundedDateField(
        label=_l("Tính đến ngày"), widget=DATE_WIDGET, help_text=_l("Các đơn vị chưa gửi báo cáo đến hết ngày này.")
    )
    date = BoundedDateField(label=_l("Ngày văn bản"), widget=DATE_WIDGET)
    new_deadline = BoundedDateField(
        label=_l("Hạn gửi mới"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_l("Để trống: 5 ngày làm việc sau ngày văn bản."),
    )
    issuer = forms.ModelChoiceField(label=_l("Cơ quan ban hành"), queryset=Issuer.objects.filter(active=True))

    def clean(self):
        data = super().clean()
        if data.get("as_of") and data.get("date") and data["as_of"] > data["date"]:
            self.add_error("as_of", _l("Ngày tính đến không được sau ngày văn bản."))
        if data.get("new_deadline") and data.get("date") and data["new_deadline"] <= data["date"]:
            self.add_error("new_deadline", _l("Hạn gửi mới phải sau ngày văn bản."))
        return data


class IssueForm(forms.Form):
    number = forms.IntegerField(
        label=_l("Số văn bản"),
        required=False,
        min_value=1,
        help_text=_l(
            "Để trống: số tiếp theo trong năm của cơ quan. Chỉ nhập khi văn bản đã được cấp số ngoài hệ thống."
        ),
    )
    confirm = forms.BooleanField(label=_l("Tôi xác nhận ban hành: văn bản sẽ được cấp số và không sửa được nữa."))


class RegisterFilterForm(forms.Form):
    year = forms.IntegerField(label=_l("Năm"), required=False, min_value=1900, max_value=2200)
    issuer = forms.ModelChoiceField(label=_l("Cơ quan ban hành"), queryset=Issuer.objects.all(), required=False)
    status = forms.ChoiceField(
        label=_l("Trạng thái"), required=False, choices=[("", _l("Tất cả"))] + list(DocumentStatus.choices)
    )


class ForwardingForm(forms.Form):
    date = BoundedDateField(
        label=_l("Ngày văn bản"), widget=DATE_WIDGET, help_text=_l("Số liệu nộp báo cáo tính đến ngày này.")
    )
    subject = forms.CharField(
        label=_l("Trích yếu (V/v …)"),
        max_length=500,
        required=False,
        help_text=_l("Để trống: “gửi báo cáo tổng hợp …” theo tiêu đề yêu cầu báo cáo."),
    )
    issuer = forms.ModelChoiceField(label=_l("Cơ quan ban hành"), queryset=Issuer.objects.filter(active=True))


class IssuerVersionForm(forms.Form):
    """A new version of an issuer's facts from a date (the history is kept: nothing is overwritten)."""

    valid_from = BoundedDateField(
        label=_l("Áp dụng từ ngày"),
        widget=DATE_WIDGET,
        help_text=_l("Văn bản có ngày từ ngày này dùng thông tin mới; văn bản trước đó giữ thông tin cũ."),
    )
    name = forms.CharField(label=_l("Tên cơ quan (trong câu văn)"), max_length=300)
    parent_name = forms.CharField(
        label=_l("Cơ quan chủ quản (dòng trên tiêu đề)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_l("Mỗi dòng một hàng."),
    )
    header = forms.CharField(
        label=_l("Tên cơ quan trên tiêu đề"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_l("Chữ in hoa, mỗi dòng một hàng; mỗi dòng phải vừa một hàng của cột tiêu đề."),
    )
    symbol = forms.CharField(label=_l("Ký hiệu trong số văn bản"), max_length=60, help_text=_l("Ví dụ: BNNMT-VPĐP."))
    place = forms.CharField(label=_l("Địa danh"), max_length=100)
    office = forms.CharField(label=_l("Đơn vị tham mưu"), max_length=300, required=False)
    contact = forms.CharField(
        label=_l("Đầu mối liên hệ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_l("Để trống khi chưa biết: công văn không in dòng liên hệ."),
    )
    archive = forms.CharField(label=_l("Nơi lưu"), max_length=100, required=False, help_text=_l("Ví dụ: VT, VPĐP."))
    signature_title = forms.CharField(
        label=_l("Quyền hạn, chức vụ người ký"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("Mỗi dòng một hàng, ví dụ: KT. BỘ TRƯỞNG / THỨ TRƯỞNG."),
    )
    signer_name = forms.CharField(label=_l("Họ tên người ký"), max_length=200, required=False)
    gaps = forms.CharField(
        label=_l("Thông tin chưa biết [?]"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("Mỗi dòng một thông tin chưa có nguồn."),
    )
    sources = forms.CharField(
        label=_l("Nguồn"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("Mỗi dòng một nguồn (văn bản, địa chỉ trang)."),
    )
    reason = forms.CharField(label=_l("Lý do thay đổi"), max_length=300)

    @classmethod
    def initial_from(cls, issuer, version) -> dict:
        source = version or issuer
        return {
            key: getattr(source, key, "")
            for key in (
                "name",
                "parent_name",
                "header",
                "place",
                "office",
                "contact",
                "archive",
                "signature_title",
                "signer_name",
            )
        } | {
            "symbol": getattr(version, "symbol", issuer.code),
            "gaps": getattr(version, "gaps", ""),
            "sources": getattr(version, "sources", ""),
        }

    def clean_header(self):
        from ocop.documents.fit import fit_size
        from ocop.documents.services import HEADER_LEFT_CM

        value = tx.clean(self.cleaned_data["header"])
        too_long = [
            line.strip()
            for line in value.split("\n")
            if line.strip() and fit_size(line.strip(), HEADER_LEFT_CM, 12) is None
        ]
        if too_long:
            raise forms.ValidationError(
                _l("Dòng “%(line)s” dài quá một hàng của tiêu đề (kể cả ở cỡ chữ 10): xuống dòng ở chỗ hợp lý.")
                % {"line": too_long[0]}
            )
        return value
