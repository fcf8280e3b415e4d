from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ocop.accounts.forms import ThrottledLoginForm, UserForm
from ocop.accounts.models import Role, User
from ocop.accounts.permissions import can
from ocop.accounts.services.users import do_save_user, grantable_roles, manageable_users
from ocop.audit.services import log_action
from ocop.lib.decorators import require_capability
from ocop.lib.listexport import Col, export_response, wants_xlsx
from ocop.lib.text import text_search


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        log_action(
            self.request.user,
            "ocop.user.password_changed",
            self.request.user,
            unit=self.request.user.scope_unit,
            request=self.request,
        )
        return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"profile_user": request.user})


USER_COLUMNS = [
    Col(_l("Tên đăng nhập"), "username", 20),
    Col(_l("Họ và tên"), "full_name", 26),
    Col(_l("Vai trò"), lambda u: u.get_role_display(), 26),
    Col(_l("Mã đơn vị"), "scope_unit.code", 10),
    Col(_l("Đơn vị"), lambda u: str(u.scope_unit) if u.scope_unit_id else _("Toàn quốc"), 28),
    Col(_l("Cơ quan, đơn vị"), "organisation", 28),
    Col(_l("Thư điện tử"), "email", 26),
    Col(_l("Điện thoại"), "phone", 14),
    Col(_l("Đang hoạt động"), "is_active", 10),
    Col(_l("Đăng nhập lần cuối"), "last_login", 16),
    Col(_l("Ngày tạo"), "date_joined", 16),
]


@require_capability("users.view")
def user_list(request: HttpRequest) -> HttpResponse:
    qs = manageable_users(request.user).order_by("scope_unit__code", "username")
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    qs = text_search(qs, q, "username", "full_name", "email", "organisation")
    if role in Role.values:
        qs = qs.filter(role=role)
    if wants_xlsx(request):
        return export_response(
            request,
            qs.select_related("scope_unit"),
            USER_COLUMNS,
            title=_("Danh sách người dùng"),
            filename="nguoi-dung",
            filters=[(_("Tìm"), q), (_("Vai trò"), Role(role).label if role in Role.values else "")],
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "q": q, "role": role, "roles": Role.choices, "can_manage": can(request.user, "users.manage")},
    )


def _edit_user(request: HttpRequest, user: User) -> HttpResponse:
    roles = grantable_roles(request.user)
    form = UserForm(request.POST or None, instance=user, roles=roles)
    if request.method == "POST" and form.is_valid():
        target = form.save()
        try:
            do_save_user(request.user, target, password=form.cleaned_data.get("password"), request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu tài khoản %(name)s.") % {"name": target.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": user})


@require_capability("users.manage")
def user_new(request: HttpRequest) -> HttpResponse:
    return _edit_user(request, User())


@require_capability("users.manage")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(manageable_users(request.user), pk=pk)
    if user.role not in grantable_roles(request.user):
        raise PermissionDenied
    return _edit_user(request, user)
