"""The page where a signed-in user creates and revokes their own API tokens (/api/tokens/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ocop.api.forms import TokenForm
from ocop.api.services import tokens as svc


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List, create (the token is shown once, in this response only) and revoke the user's tokens."""
    form = TokenForm()
    created = None
    if request.method == "POST":
        if "revoke" in request.POST:
            pk = request.POST.get("revoke", "")
            token = get_object_or_404(svc.user_tokens(request.user), pk=int(pk) if pk.isdigit() else 0)
            svc.do_revoke_token(request.user, token, request=request)
            messages.success(
                request,
                _("Đã thu hồi khóa “%(n)s”; các phần mềm dùng khóa này không truy cập được nữa.") % {"n": token.name},
            )
            return redirect("api:tokens")
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, raw = svc.do_create_token(request.user, form.cleaned_data["name"], request=request)
            except ValidationError as exc:
                form.add_error("name" if hasattr(exc, "error_dict") else None, exc.messages)
            else:
                created = {"token": token, "raw": raw}
                form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": svc.user_tokens(request.user),
        },
        status=422 if form.errors else 200,
    )
