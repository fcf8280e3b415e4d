from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CENTRAL_ADMIN = "central_admin", _("Quản trị hệ thống (Trung ương)")
    CENTRAL_OFFICER = "central_officer", _("Cán bộ VPĐP NTM Trung ương")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ cấp tỉnh")
    DISTRICT_OFFICER = "district_officer", _("Cán bộ cấp huyện (đến 30/6/2025)")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    COUNCIL_MEMBER = "council_member", _("Thành viên Hội đồng đánh giá")
    ENTITY_USER = "entity_user", _("Chủ thể OCOP")


NATIONAL_ROLES = {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER}
# The level of unit each role's scope must be (None: national, no unit).
ROLE_SCOPE_LEVEL = {
    Role.CENTRAL_ADMIN: None,
    Role.CENTRAL_OFFICER: None,
    Role.PROVINCE_OFFICER: "province",
    Role.DISTRICT_OFFICER: "district",
    Role.COMMUNE_OFFICER: "commune",
    Role.COUNCIL_MEMBER: None,  # any level: the council's level (province, or national)
    Role.ENTITY_USER: None,  # the unit where the entity is registered, any level
}


class OcopUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `manage.py createsuperuser` makes a central administrator (roles, not is_superuser, grant access).
        extra_fields.setdefault("role", Role.CENTRAL_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices, default=Role.ENTITY_USER)
    scope_unit = models.ForeignKey(
        "geo.AdminUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("đơn vị phạm vi"),
        help_text=_("Đơn vị hành chính mà tài khoản làm việc trong phạm vi đó. Để trống với tài khoản Trung ương."),
    )
    organisation = models.CharField(_("cơ quan, đơn vị"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    is_demo = models.BooleanField(_("tài khoản mẫu (demo)"), default=False)

    objects = OcopUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_national(self) -> bool:
        return self.role in NATIONAL_ROLES


class LoginAttempt(models.Model):
    """Failed logins, counted per username and per address to throttle password guessing.

    Kept in the database (not process memory) so the limit holds across several app nodes.
    """

    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=45, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
