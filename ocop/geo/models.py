"""Administrative units across the 2025 reform.

A unit has an official code, a name, a type, a parent and a validity interval. Codes are reused
across the reform (e.g. province 08 is Tuyên Quang before and after 01/7/2025, with different
territory), so a unit is identified by (era, level, code). `province` and `district` are
denormalised ancestors so that scope filters are single indexed lookups.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Huyện/Quận/Thị xã")
    COMMUNE = "commune", _("Xã/Phường/Thị trấn")


class Era(models.TextChoices):
    LEGACY = "legacy", _("Trước 01/7/2025 (63 tỉnh)")
    CURRENT = "current", _("Từ 01/7/2025 (34 tỉnh)")


class AdminUnitQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> "AdminUnitQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def provinces(self) -> "AdminUnitQuerySet":
        return self.filter(level=Level.PROVINCE)


class AdminUnit(models.Model):
    era = models.CharField(_("thời kỳ"), max_length=16, choices=Era.choices)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=120)
    type = models.CharField(_("loại"), max_length=40)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    province = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    district = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code"]
        constraints = [models.UniqueConstraint(fields=["era", "level", "code"], name="geo_unit_unique_code")]
        indexes = [models.Index(fields=["level", "valid_from", "valid_to"]), models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.type} {self.name}".strip()

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)

    @property
    def validity_label(self) -> str:
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else "…"
        end = self.valid_to.strftime("%d/%m/%Y") if self.valid_to else "…"
        return f"{start} – {end}"


class UnitSuccession(models.Model):
    """The crosswalk: a legacy unit and a unit that took over (part of) its territory."""

    predecessor = models.ForeignKey(AdminUnit, models.CASCADE, related_name="successions")
    successor = models.ForeignKey(AdminUnit, models.CASCADE, related_name="predecessions")
    is_split = models.BooleanField(_("bị chia tách"), default=False)
    effective = models.DateField(_("ngày hiệu lực"))

    class Meta:
        verbose_name = _("quan hệ kế thừa")
        verbose_name_plural = _("quan hệ kế thừa")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geo_succession_unique"),
        ]


class DatasetLoad(models.Model):
    """Which version of a committed data file was loaded, so that load_units can skip unchanged files."""

    name = models.CharField(max_length=100, unique=True)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now=True)
