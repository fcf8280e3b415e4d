"""Signature and seal images, uploaded by central administrators (documents.issuers: issuers and
signers are their data). The format is checked (PNG, transparent background); every upload audited."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _l

from ocop.lib.forms import error_text
from ocop.lib.decorators import require_capability
from ocop.signing import images
from ocop.signing.models import SignatureImage
from ocop.signing.services_images import do_add_image


class ImageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_l("Loại ảnh"),
        choices=[("signature", _l("Chữ ký của người ký (màu xanh)")), ("seal", _l("Con dấu của cơ quan (màu đỏ)"))],
    )
    who = forms.CharField(label=_l("Họ tên người ký, hoặc ký hiệu cơ quan"), max_length=200)
    width_mm = forms.DecimalField(
        label=_l("Chiều rộng thật (mm)"),
        required=False,
        min_value=10,
        max_value=80,
        help_text=_l("Con dấu: đường kính thật; để trống: 35 mm (dấu), 50 mm (chữ ký)."),
    )
    image = forms.FileField(label=_l("Ảnh PNG nền trong suốt"))


@require_capability("documents.issuers")
def image_list(request: HttpRequest) -> HttpResponse:
    form = ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["image"]
        if upload.size > images.MAX_IMAGE_BYTES:
            form.add_error("image", _l("Ảnh quá lớn (tối đa 2 MB)."))
        else:
            who = form.cleaned_data["who"]
            signer = who if form.cleaned_data["kind"] == "signature" else ""
            try:
                item = do_add_image(
                    request.user,
                    upload.read(),
                    signer_name=signer,
                    organisation_code="" if signer else who,
                    width_mm=form.cleaned_data["width_mm"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error("image", error_text(exc))
            else:
                messages.success(request, _l("Đã nạp %(item)s.") % {"item": item})
                return redirect("signing:images")
    items = SignatureImage.objects.filter(active=True).select_related("uploaded_by").order_by("kind", "identity")
    return render(request, "signing/images.html", {"form": form, "items": items})
