from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _l

from ocop.lib.dates import date_bounds_validator
from ocop.programme.models import ProgrammeRecord

DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
)


class RecordFormBase(forms.ModelForm):
    """The unit limited to the user's writable units, dates typed as dd/mm/yyyy, and the record's
    version carried in a hidden field for the optimistic-locking check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = _unit_label
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.validators.append(date_bounds_validator())  # 1900–2200: no year 1 or 9999
                if not field.help_text:
                    field.help_text = _l("Dạng dd/mm/yyyy, ví dụ 24/05/2018.")


def _unit_label(unit) -> str:
    suffix = ", trước 01/7/2025" if unit.era == "legacy" else ""
    return f"{unit.full_name} ({unit.code}{suffix})"


def record_form_class(model: type[ProgrammeRecord]) -> type[forms.ModelForm]:
    fields = ["unit"] + [
        f.name for f in model._meta.concrete_fields if f.editable and f.name not in ProgrammeRecord.SYSTEM_FIELDS
    ]
    widgets = {}
    for f in model._meta.concrete_fields:
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
            widgets[f.name] = DATE_WIDGET
        elif isinstance(f, models.TextField):
            widgets[f.name] = forms.Textarea(attrs={"rows": 3})
    return forms.modelform_factory(model, form=RecordFormBase, fields=fields, widgets=widgets)


class DeleteForm(forms.Form):
    reason = forms.CharField(label=_l("Lý do xóa"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
