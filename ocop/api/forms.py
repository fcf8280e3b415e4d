from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên khóa"),
        max_length=100,
        help_text=_("Để nhận ra khóa về sau, ví dụ “Phần mềm báo cáo của Sở NN&PTNT”."),
    )
