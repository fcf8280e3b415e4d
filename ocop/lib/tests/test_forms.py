"""Issue 16: one way to show a service's ValidationError on a form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from ocop.lib.forms import apply_validation_error


class EntityForm(forms.Form):
    name = forms.CharField(required=False)
    commune_code = forms.CharField(required=False)


def bound() -> EntityForm:
    form = EntityForm(data={})
    assert form.is_valid()
    return form


def test_field_errors_go_under_their_field_the_rest_on_top():
    form = bound()
    apply_validation_error(
        form,
        ValidationError({"name": ["Tên trùng."], "unit": ["Xã không tồn tại."], "version": ["Đã đổi."]}),
        {"unit": "commune_code"},
    )
    assert form.errors["name"] == ["Tên trùng."]
    assert form.errors["commune_code"] == ["Xã không tồn tại."]
    assert form.non_field_errors() == ["Đã đổi."]


def test_an_error_without_a_field_is_on_top():
    form = bound()
    apply_validation_error(form, ValidationError("Ngày ở tương lai."))
    assert form.non_field_errors() == ["Ngày ở tương lai."] and "name" not in form.errors
