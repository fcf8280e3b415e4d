"""The forms of the evaluation pages: every POST of ocop/evaluation/views.py is read and checked
through one of these. The rules stay in the services (ocop/evaluation/rounds.py, loader.py): a
form turns the posted text into values (a date, a row of the offered choices, a clean string) and
the view puts a service's ValidationError on the form (`ocop.lib.forms.apply_validation_error`), so
bad input comes back on the page with Vietnamese messages and what was typed.

Field names are those the templates post (name, level, unit, held_on; user, role; product;
reason; kind, requested_stars, note; definition; the score sheet's c_<code>, n_<code>, general,
action)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ocop.evaluation.models import ApplicationKind, CouncilLevel, SeatRole
from ocop.geo.models import AdminUnit
from ocop.lib.dates import DateParseError, parse_date
from ocop.lib.text import clean_text


def _text(value: str | None, limit: int | None = None) -> str:
    """Posted text, NFC-normalised and stripped, cut at `limit` characters (as the services store it)."""
    return clean_text(value or "").strip()[:limit]


class _PickField(forms.CharField):
    """A pk chosen from a list the view offers (`queryset`): the row, or None when the value is not
    one of them (the service then says what is missing, in its own words)."""

    def __init__(self, *args, **kwargs):
        self.queryset = None
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        value = str(value or "")
        if not (value.isascii() and value.isdigit()) or len(value) > 18 or self.queryset is None:
            return None  # not a row number (nor one the database could hold)
        return self.queryset.filter(pk=int(value)).first()


def form_messages(form: forms.Form | None) -> list[str]:
    """The form's errors as sentences for the page's error box (each message names its field)."""
    if form is None:
        return []
    return [str(m) for errors in form.errors.values() for m in errors]


class RoundForm(forms.Form):
    name = forms.CharField(label=_l("Tên kỳ đánh giá"), required=False, max_length=255)
    level = forms.CharField(label=_l("Cấp hội đồng"), required=False)
    unit = _PickField(label=_l("Đơn vị tổ chức"))
    held_on = forms.CharField(label=_l("Ngày họp hội đồng"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = AdminUnit.objects.all()  # the service checks scope and dates

    def clean_name(self) -> str:
        return _text(self.cleaned_data.get("name"), 255)

    def clean_level(self) -> str:
        level = self.cleaned_data.get("level") or ""
        return level if level in CouncilLevel.values else ""

    def clean_held_on(self):
        try:
            return parse_date(self.cleaned_data.get("held_on"))
        except DateParseError as exc:
            raise forms.ValidationError(_("Ngày họp hội đồng: %(m)s") % {"m": exc}, code="invalid") from None


class ConfirmForm(forms.Form):
    """A confirmation (closing a round): confirm=1."""

    confirm = forms.CharField(required=False)

    @property
    def confirmed(self) -> bool:
        return self.cleaned_data.get("confirm") == "1"


class SeatForm(forms.Form):
    user = _PickField(label=_l("Thành viên"))
    role = forms.CharField(label=_l("Vai trò"), required=False)

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = choices

    def clean_role(self) -> str:
        return self.cleaned_data.get("role") or SeatRole.MEMBER


class ProductForm(forms.Form):
    product = _PickField(label=_l("Sản phẩm"))

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = choices


class ReasonForm(forms.Form):
    """A reason typed before an action (recusal, revocation, refusing an application)."""

    reason = forms.CharField(label=_l("Lý do"), required=False)

    def __init__(self, *args, limit: int | None = None, **kwargs):
        self.limit = limit
        super().__init__(*args, **kwargs)

    def clean_reason(self) -> str:
        return _text(self.cleaned_data.get("reason"), self.limit)


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_l("Loại đề nghị"),
        choices=ApplicationKind.choices,
        error_messages={"required": _l("Chọn loại đề nghị."), "invalid_choice": _l("Chọn loại đề nghị.")},
    )
    requested_stars = forms.CharField(label=_l("Hạng sao đề nghị"), required=False)  # checked by the service
    note = forms.CharField(label=_l("Ghi chú"), required=False)

    def clean_note(self) -> str:
        return _text(self.cleaned_data.get("note"), 2000)


class DataFileForm(forms.Form):
    """A data file's JSON edited on the criteria screens; the loader checks it (do_save_version)."""

    definition = forms.CharField(label=_l("Nội dung (JSON)"), required=False, strip=False)
    reason = forms.CharField(label=_l("Lý do sửa đổi"), required=False)

    def clean_definition(self) -> str:
        return clean_text(self.cleaned_data.get("definition") or "")

    def clean_reason(self) -> str:
        return _text(self.cleaned_data.get("reason"))


class ScoreSheetForm(forms.Form):
    """A member's score sheet: one choice (c_<code>) and one comment (n_<code>) per criterion of
    `sheet`, a general comment, and whether it is saved as a draft or submitted."""

    general = forms.CharField(required=False)
    action = forms.CharField(required=False)

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        for c in sheet.criteria:
            self.fields[f"c_{c.code}"] = forms.CharField(required=False, label=c.code)
            self.fields[f"n_{c.code}"] = forms.CharField(required=False, label=c.code)

    @property
    def is_draft(self) -> bool:
        return self.cleaned_data.get("action") == "draft"

    def choices(self) -> dict[str, str]:
        return {
            c.code: self.cleaned_data[f"c_{c.code}"]
            for c in self.sheet.criteria
            if self.cleaned_data.get(f"c_{c.code}")
        }

    def comments(self) -> dict[str, str]:
        comments = {c.code: _text(self.cleaned_data.get(f"n_{c.code}"), 2000) for c in self.sheet.criteria}
        comments["_general"] = _text(self.cleaned_data.get("general"), 4000)
        return comments
