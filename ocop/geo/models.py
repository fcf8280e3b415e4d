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
from ocop.lib.dates import format_date


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Huyện/Quận/Thị xã")
    COMMUNE = "commune", _("Xã/Phường/Thị trấn")


class Era(models.TextChoices):
    LEGACY = "legacy", _("Trước 01/7/2025 (63 tỉnh)")
    CURRENT = "current", _("Từ 01/7/2025 (34 tỉnh)")


class DatedUnitIterable(models.query.ModelIterable):
    """Yields units with the name, type and parent they had on the queryset's day (UnitVersion)."""

    def __iter__(self):
        from ocop.geo.services import apply_version

        day = self.queryset._unit_day
        for unit in super().__iter__():
            yield apply_version(unit, day)


class AdminUnitQuerySet(models.QuerySet):
    _unit_day: dt.date | None = None

    def _clone(self):
        clone = super()._clone()
        clone._unit_day = self._unit_day
        return clone

    def valid_on(self, day: dt.date) -> "AdminUnitQuerySet":
        """Units in force on `day`, each carrying its name, type and parent of that day."""
        qs = self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )
        return qs.as_of(day)

    def as_of(self, day: dt.date) -> "AdminUnitQuerySet":
        """The same units, named as they were on `day` (no filter on validity)."""
        qs = self._chain()
        qs._unit_day = day
        if qs._iterable_class is models.query.ModelIterable:
            qs._iterable_class = DatedUnitIterable
        return qs

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
        start = format_date(self.valid_from) if self.valid_from else "…"
        end = format_date(self.valid_to) if self.valid_to else "…"
        return f"{start} – {end}"


class UnitVersion(models.Model):
    """One name/type/parent of a unit with its validity (only units that changed have versions;
    a unit without versions is what its own row says for its whole life)."""

    unit = models.ForeignKey(AdminUnit, models.CASCADE, related_name="versions")
    name = models.CharField(_("tên"), max_length=120)
    type = models.CharField(_("loại"), max_length=40)
    parent = models.ForeignKey(AdminUnit, models.PROTECT, null=True, blank=True, related_name="+")
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    date_known = models.BooleanField(_("ngày hiệu lực đã xác minh"), default=True)
    basis = models.TextField(_("căn cứ pháp lý"), blank=True)

    class Meta:
        verbose_name = _("tên gọi theo thời kỳ")
        verbose_name_plural = _("tên gọi theo thời kỳ")
        ordering = ["unit", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["unit", "valid_from"], name="geo_version_unique_start")]


class SuccessionKind(models.TextChoices):
    REFORM_2025 = "reform2025", _("Sắp xếp 01/7/2025")
    MERGE = "merge", _("Sáp nhập")
    SPLIT = "split", _("Chia tách")


class UnitSuccession(models.Model):
    """The crosswalk: a unit and a unit that took over (part of) its territory, at every change."""

    predecessor = models.ForeignKey(AdminUnit, models.CASCADE, related_name="successions")
    successor = models.ForeignKey(AdminUnit, models.CASCADE, related_name="predecessions")
    is_split = models.BooleanField(_("bị chia tách"), default=False)
    effective = models.DateField(_("ngày hiệu lực"))
    kind = models.CharField(
        _("loại thay đổi"), max_length=16, choices=SuccessionKind.choices, default=SuccessionKind.REFORM_2025
    )
    certainty = models.CharField(_("mức chắc chắn"), max_length=16, blank=True)
    basis = models.TextField(_("căn cứ pháp lý"), blank=True)

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
