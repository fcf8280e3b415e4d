from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ocop.accounts.models import Role, User
from ocop.accounts.services import throttle
from ocop.geo.models import AdminUnit, Era, Level

CODE_LEVEL = {2: Level.PROVINCE, 3: Level.DISTRICT, 5: Level.COMMUNE}


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form, refusing attempts after too many failures (per username and address)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _l("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường."),
        "throttled": _l(
            "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút hoặc dùng chức năng quên mật khẩu."
        ),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        ip = throttle.client_ip(self.request) if self.request else ""
        minutes = throttle.minutes_locked(username, ip)
        if minutes:
            raise ValidationError(self.error_messages["throttled"], code="throttled", params={"minutes": minutes})
        try:
            return super().clean()
        except ValidationError:
            throttle.record_failure(username, ip)
            raise


def resolve_unit_code(code: str) -> AdminUnit:
    """A unit from its official code: 2 digits province, 3 district, 5 commune; current units first."""
    code = (code or "").strip()
    level = CODE_LEVEL.get(len(code))
    if not code.isdigit() or level is None:
        raise ValidationError(
            _("Mã đơn vị “%(code)s” không hợp lệ: mã tỉnh có 2 chữ số, mã huyện 3 chữ số, mã xã 5 chữ số."),
            params={"code": code[:20]},
        )
    units = {u.era: u for u in AdminUnit.objects.filter(code=code, level=level)}
    unit = units.get(Era.CURRENT) or units.get(Era.LEGACY)
    if unit is None:
        raise ValidationError(_("Không có đơn vị hành chính mã “%(code)s”."), params={"code": code})
    return unit


class UserForm(forms.ModelForm):
    scope_code = forms.CharField(
        label=_l("Mã đơn vị hành chính"),
        required=False,
        max_length=10,
        help_text=_l("Mã tỉnh (2 số), huyện (3 số) hoặc xã (5 số). Để trống với tài khoản Trung ương."),
    )
    password = forms.CharField(
        label=_l("Mật khẩu ban đầu"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_l("Để trống: người dùng tự đặt mật khẩu qua chức năng quên mật khẩu."),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone", "organisation", "role", "is_active"]

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in roles]
        if self.instance.pk:
            self.fields.pop("password")
            if self.instance.scope_unit_id:
                self.fields["scope_code"].initial = self.instance.scope_unit.code
        self.fields["email"].required = False

    def clean_scope_code(self):
        code = self.cleaned_data.get("scope_code", "").strip()
        return resolve_unit_code(code) if code else None

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            from django.contrib.auth.password_validation import validate_password

            validate_password(password, self.instance)
        return password

    def save(self, commit=False):
        user = super().save(commit=False)
        user.scope_unit = self.cleaned_data.get("scope_code")
        return user
