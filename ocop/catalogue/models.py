"""The public catalogue's read model: one row per product that has ever been certified.

`CatalogueEntry` is derived data (never edited by hand): ocop/catalogue/services.py builds it from
the product, its entity, its commune and its certificates, and ocop/catalogue/signals.py refreshes
it whenever one of those is saved. `manage.py rebuild_catalogue` rebuilds every row (after a bulk
import that bypassed the signals, or from a nightly job).

A product is *listed* (shown to the public) when it and its entity are not deleted and its most
recent certificate that was not superseded is valid or expired (not revoked). Whether that
certificate is still valid is decided at query time from `valid_until` (the day it stops being
valid), so the catalogue is right even before `expire_certificates` has run.

Everything the list, the filters, the map, the statistics and the open-data files need is on the
row, so a page of results is one query (plus the count), and `search_text` (the folded product,
entity, commune and province names, see ocop/catalogue/search.py) is indexed: a B-tree on
(listed, search_text) everywhere, and a trigram GIN index on PostgreSQL when pg_trgm is available.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.products.models import EntityKind, Sector


class CertificateState(models.TextChoices):
    VALID = "con_hieu_luc", _("Còn hiệu lực")
    EXPIRED = "het_hieu_luc", _("Hết hiệu lực")


class CatalogueQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(listed=True)

    def valid_on(self, day: dt.date):
        return self.filter(Q(certificate_status="valid") & Q(valid_until__gt=day))

    def expired_on(self, day: dt.date):
        return self.exclude(Q(certificate_status="valid") & Q(valid_until__gt=day))


class CatalogueEntry(models.Model):
    product = models.OneToOneField(
        "products.Product", models.CASCADE, primary_key=True, related_name="catalogue_entry", verbose_name=_("sản phẩm")
    )
    listed = models.BooleanField(_("hiển thị công khai"), default=False)
    certificate = models.ForeignKey(
        "evaluation.Certificate",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("giấy chứng nhận"),
    )
    product_name = models.CharField(_("tên sản phẩm"), max_length=255)
    name_key = models.CharField(_("tên để sắp xếp"), max_length=255, help_text=_("Tên sản phẩm không dấu, chữ thường."))
    entity = models.ForeignKey("products.Entity", models.CASCADE, related_name="+", verbose_name=_("chủ thể"))
    entity_name = models.CharField(_("tên chủ thể"), max_length=255)
    entity_kind = models.CharField(_("loại hình chủ thể"), max_length=16, choices=EntityKind.choices)
    sector = models.CharField(_("nhóm sản phẩm"), max_length=16, choices=Sector.choices)
    classification_code = models.CharField(_("mã phân loại"), max_length=50, blank=True)
    classification_name = models.CharField(_("phân nhóm"), max_length=300, blank=True)
    commune = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("xã, phường"))
    commune_name = models.CharField(_("tên xã, phường"), max_length=200)
    province = models.ForeignKey(
        "geo.AdminUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("tỉnh, thành phố (hiện nay)"),
    )
    legacy_province = models.ForeignKey(
        "geo.AdminUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("tỉnh, thành phố trước 01/7/2025"),
    )
    stars = models.PositiveSmallIntegerField(_("hạng sao"), null=True, blank=True)
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=80, blank=True)
    certificate_status = models.CharField(_("trạng thái giấy chứng nhận"), max_length=10, blank=True)
    issued_on = models.DateField(_("ngày công nhận"), null=True, blank=True)
    valid_until = models.DateField(_("hết hiệu lực từ ngày"), null=True, blank=True)
    first_issued_on = models.DateField(_("ngày công nhận lần đầu"), null=True, blank=True)
    issuer_name = models.CharField(_("đơn vị công nhận"), max_length=200, blank=True)
    photo = models.ForeignKey(
        "products.ProductPhoto",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ảnh đại diện"),
    )
    search_text = models.CharField(_("nội dung tìm kiếm"), max_length=1000, blank=True)
    refreshed_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("sản phẩm trong danh mục công khai")
        verbose_name_plural = _("danh mục sản phẩm công khai")
        ordering = ["-stars", "name_key", "product_id"]
        indexes = [
            # the search: COUNT(*) reads this narrow index only (SQLite: covering index scan)
            models.Index(fields=["listed", "search_text"], name="catalogue_search_idx"),
            # the three sort orders: a page's keys come from an index scan that stops after one page
            models.Index(fields=["-stars", "name_key", "product_id"], name="catalogue_stars_name_idx"),
            models.Index(fields=["name_key", "product_id"], name="catalogue_name_idx"),
            models.Index(fields=["-issued_on", "name_key", "product_id"], name="catalogue_issued_idx"),
            # the filters
            models.Index(fields=["province", "stars"], name="catalogue_province_idx"),
            models.Index(fields=["legacy_province", "stars"], name="catalogue_legacy_idx"),
            models.Index(fields=["sector", "stars"], name="catalogue_sector_idx"),
            models.Index(fields=["entity_kind"], name="catalogue_kind_idx"),
            models.Index(fields=["valid_until"], name="catalogue_valid_until_idx"),
            # the catalogue's version (services.catalogue_version): the latest refresh
            models.Index(fields=["refreshed_at"], name="catalogue_refreshed_idx"),
        ]

    def __str__(self) -> str:
        return self.product_name

    def state_on(self, day: dt.date) -> str:
        if self.certificate_status == "valid" and self.valid_until and self.valid_until > day:
            return CertificateState.VALID
        return CertificateState.EXPIRED

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    @property
    def is_valid(self) -> bool:
        return self.state == CertificateState.VALID

    @property
    def state_label(self) -> str:
        return CertificateState(self.state).label
