"""User management actions (zulip-style do_* functions: check access, change, audit, one transaction)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.models import ROLE_SCOPE_LEVEL, Role, User
from ocop.accounts.permissions import GRANTABLE_ROLES, can
from ocop.accounts.scope import scope_for
from ocop.audit.services import log_action, snapshot
from ocop.geo.models import Level

AUDITED_FIELDS = ["username", "full_name", "email", "role", "scope_unit", "organisation", "phone", "is_active"]


def manageable_users(manager: User):
    """Users that `manager` may see in the user list."""
    if not can(manager, "users.view"):
        return User.objects.none()
    qs = User.objects.select_related("scope_unit")
    scope = scope_for(manager)
    if scope.national:
        return qs
    return scope.filter(qs, "scope_unit").exclude(role__in=[Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER])


def grantable_roles(manager: User) -> list[str]:
    return GRANTABLE_ROLES.get(manager.role, []) if can(manager, "users.manage") else []


def check_can_manage(manager: User, target: User | None, role: str, scope_unit) -> None:
    """Raise PermissionDenied / ValidationError if `manager` may not give `target` this role and scope."""
    if not can(manager, "users.manage"):
        raise PermissionDenied
    scope = scope_for(manager)
    if target is not None and target.pk is not None:
        if not manageable_users(manager).filter(pk=target.pk).exists():
            raise PermissionDenied
        if target.pk == manager.pk and role != manager.role:
            raise ValidationError(_("Không thể tự thay đổi vai trò của chính mình."))
    if role not in grantable_roles(manager):
        raise ValidationError(_("Bạn không được cấp vai trò này."))
    wanted_level = ROLE_SCOPE_LEVEL.get(role)
    if role in (Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER):
        if scope_unit is not None:
            raise ValidationError(_("Tài khoản Trung ương không gắn với đơn vị hành chính; để trống ô đơn vị."))
        return
    if scope_unit is None:
        raise ValidationError(_("Vai trò này cần chọn đơn vị hành chính."))
    if wanted_level and scope_unit.level != wanted_level:
        raise ValidationError(
            _("Vai trò này cần đơn vị cấp %(level)s.") % {"level": str(Level(wanted_level).label).lower()}
        )
    if not scope.national and not scope.covers(scope_unit, write=True):
        raise PermissionDenied


@transaction.atomic
def do_save_user(manager: User, user: User, *, password: str | None = None, request=None) -> User:
    """Create or update `user` (already populated from a form) as `manager`."""
    creating = user.pk is None
    before = None
    if not creating:
        before = snapshot(User.objects.get(pk=user.pk), AUDITED_FIELDS)
    check_can_manage(manager, user, user.role, user.scope_unit)
    if creating:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
    user.save()
    after = snapshot(user, AUDITED_FIELDS)
    log_action(
        manager,
        "ocop.user.created" if creating else "ocop.user.changed",
        user,
        before=before,
        after=after,
        unit=user.scope_unit,
        request=request,
    )
    return user
