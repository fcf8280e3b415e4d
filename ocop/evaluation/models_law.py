"""Evaluation law as versioned data: instruments, product classifications, criteria sets (score
sheets), star scales and procedures by period. The first half of the app's models:
ocop/evaluation/models.py gathers them with those of models_rounds.py, which build on these (never
the other way round). Rows are loaded from ocop/evaluation/data/*.json by
`manage.py load_criteria` (ocop/evaluation/loader.py) and never edited in place once loaded: a
change is a new version of the file. Old sets are kept forever, so a 2020 certificate stays
explained by QĐ 1048.

The parsed, pure objects (ocop/evaluation/criteria.py) are available as `.parsed` on each row; the
arithmetic lives in ocop/evaluation/scoring.py. Date queries: `rules_on(day)`, `scale_on(day)`,
`CriteriaSet.objects.for_classification(code, day)` (see also ocop/evaluation/services.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.evaluation import criteria
from ocop.lib.cachekeys import ParsedRows
from ocop.lib.prepared import Prepared
from ocop.products.instruments import instrument_on


class CouncilLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    DISTRICT = "district", _("Cấp huyện")
    PROVINCE = "province", _("Cấp tỉnh")
    CENTRAL = "central", _("Cấp trung ương")


class NodeLevel(models.TextChoices):
    SECTOR = "sector", _("Ngành / nhóm sản phẩm")
    GROUP = "group", _("Nhóm")
    SUBGROUP = "subgroup", _("Phân nhóm")


class InForceQuerySet(models.QuerySet):
    def in_force(self, day: dt.date, until: dt.date | None = None):
        """Rows whose [valid_from, valid_to] period contains `day` (valid_to null: still in force), and
        `until` too when it is given: rows in force on every day from `day` to `until`."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day if until is None else until)
        )


class InstrumentQuerySet(InForceQuerySet):
    def on(self, day: dt.date) -> Instrument | None:
        """The loaded instrument whose criteria sets are in force on `day` (one with part maxima;
        None before QĐ 1048): the one rule `ocop.products.instruments.instrument_on` over these rows."""
        return instrument_on(day, self.filter(part_maxima__isnull=False).in_force(day).order_by("-valid_from", "pk"))


class DataFile(models.Model):
    """One loaded version of one data file (any kind). The sha256 of the file's bytes identifies the
    content: the same (code, version) is never loaded with other content."""

    kind = models.CharField(_("loại dữ liệu"), max_length=20, choices=[(k, k) for k in criteria.KINDS])
    code = models.CharField(_("mã"), max_length=64)
    version = models.PositiveIntegerField(_("phiên bản"))
    definition = models.JSONField(_("nội dung"))
    sha256 = models.CharField(max_length=64)
    source = models.CharField(_("nguồn"), max_length=200, blank=True, help_text=_("Tệp trong kho mã, hoặc “admin”."))
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp dữ liệu đánh giá")
        verbose_name_plural = _("tệp dữ liệu đánh giá")
        ordering = ["kind", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="evaluation_datafile_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Instrument(models.Model):
    """A legal instrument (QĐ 490, 1048, 781, 148, 1489). Updated in place by a newer version of
    instruments.json (e.g. when a later decision sets its valid_to)."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    number = models.CharField(_("số, ký hiệu"), max_length=50)
    name = models.CharField(_("trích yếu"), max_length=500)
    issued_on = models.DateField(_("ngày ban hành"))
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    part_maxima = models.JSONField(_("điểm tối đa các phần"), null=True, blank=True)
    amends = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="amended_by", verbose_name=_("sửa đổi văn bản")
    )
    replaces = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="replaced_by", verbose_name=_("thay thế văn bản")
    )
    source = models.TextField(_("nguồn"), blank=True)
    confirmed = models.BooleanField(_("đã đối chiếu"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data_file = models.ForeignKey(DataFile, models.PROTECT, related_name="+", null=True, blank=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["valid_from", "code"]

    def __str__(self) -> str:
        return f"QĐ {self.number}"


class Classification(models.Model):
    """A node of an instrument's product classification: sector (ngành), group (nhóm) or subgroup
    (phân nhóm). A leaf has one criteria set ("bộ sản phẩm"). `replaces` is the crosswalk to the
    nodes of an earlier classification."""

    instrument = models.ForeignKey(
        Instrument, models.PROTECT, related_name="classifications", verbose_name=_("văn bản")
    )
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    level = models.CharField(_("cấp"), max_length=10, choices=NodeLevel.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("thuộc")
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_leaf = models.BooleanField(_("là bộ sản phẩm"), default=True)
    ministry = models.CharField(_("bộ chủ trì quản lý"), max_length=200, blank=True)
    replaces = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="replaced_by", verbose_name=_("thay cho (phân loại cũ)")
    )
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    confirmed = models.BooleanField(_("đã đối chiếu"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = InForceQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân loại sản phẩm")
        verbose_name_plural = _("phân loại sản phẩm")
        ordering = ["instrument__valid_from", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def path(self) -> list[Classification]:
        node, result = self, []
        while node is not None:
            result.append(node)
            node = node.parent
        return list(reversed(result))


class CriteriaSetQuerySet(InForceQuerySet):
    def latest_versions(self):
        """Only the highest loaded version of each code."""
        latest = CriteriaSet.objects.filter(code=models.OuterRef("code")).order_by("-version").values("version")[:1]
        return self.filter(version=models.Subquery(latest))

    def for_classification(self, code: str, day: dt.date) -> CriteriaSet | None:
        """The criteria set that judges a product of classification `code` evaluated on `day`.

        Follows the crosswalk ("replaces") when the node belongs to another instrument than the one
        in force on `day` (a product registered under QĐ 1048 and re-evaluated in 2024 is judged by
        the QĐ 148 set of the node that replaces its old one)."""
        node = Classification.objects.filter(code=code).first()
        if node is None:
            return None
        seen: set[int] = set()
        frontier = [node]
        while frontier:
            candidates = []
            for n in frontier:
                if n.pk in seen:
                    continue
                seen.add(n.pk)
                found = self.in_force(day).latest_versions().filter(subgroups=n).order_by("-version").first()
                if found is not None:
                    return found
                candidates.extend(n.replaced_by.all())
                candidates.extend(n.replaces.all())
            frontier = candidates
        return None


def _parsed_entry(kind: str, definition, code: str):
    """A star scale or a procedure parsed once per process for the same content (a few KB of JSON:
    written out as the key costs far less than parsing; the round page and every ranking read them)."""
    return _parse_entry(kind, json.dumps(definition, sort_keys=True, ensure_ascii=False, default=str), code)


@functools.lru_cache(maxsize=64)
def _parse_entry(kind: str, definition_json: str, code: str):
    parse = criteria.parse_scale if kind == "scale" else criteria.parse_procedure
    return parse(json.loads(definition_json), code)


_PARSED_SHEETS = ParsedRows(256)  # CriteriaSet.parsed, per process: more than every set of every instrument


class CriteriaSet(models.Model):
    """One version of one score sheet (bộ tiêu chí) of an instrument, for one or more classification
    leaves. Immutable once loaded; `definition` is the file's JSON, `parsed` its checked form."""

    instrument = models.ForeignKey(Instrument, models.PROTECT, related_name="criteria_sets", verbose_name=_("văn bản"))
    code = models.CharField(_("mã bộ tiêu chí"), max_length=64)
    version = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("tên"), max_length=500)
    subgroup_codes = models.JSONField(_("áp dụng cho (mã phân loại)"), default=list)
    subgroups = models.ManyToManyField(Classification, related_name="criteria_sets", verbose_name=_("áp dụng cho"))
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    definition = models.JSONField(_("định nghĩa"))
    sha256 = models.CharField(max_length=64)
    source = models.CharField(_("nguồn"), max_length=200, blank=True, help_text=_("Tệp trong kho mã, hoặc “admin”."))
    structure_only = models.BooleanField(_("chỉ có khung"), default=False)
    confirmed = models.BooleanField(_("đã đối chiếu toàn bộ"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="evaluation_criteriaset_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @functools.cached_property
    def parsed(self) -> criteria.Sheet:
        """The checked sheet, parsed once per process for a stored row (3 ms a parse; ranking a year's
        rounds parsed about 800 sets, issue 17). Rows are never edited in place, so the row's id,
        digest and creation time, with the instrument's part maxima it is checked against, identify
        its definition; a Sheet is immutable (frozen dataclasses and tuples) and can be shared."""
        maxima = self.instrument.part_maxima
        if self.pk is None:
            return criteria.parse_sheet(self.definition, maxima)
        key = _sheet_key(self.pk, self.sha256, self.created_at, maxima)
        return _PARSED_SHEETS.get(key, lambda: criteria.parse_sheet(self.definition, maxima))


def _sheet_key(pk: int, sha256: str, created_at, maxima: dict | None) -> tuple:
    return (pk, sha256, created_at, repr(sorted((maxima or {}).items())))


# what tells a stored criteria set's parsed form apart (_sheet_key), as values_list columns
CRITERIA_SET_IDENTITY = ("pk", "sha256", "created_at", "instrument__part_maxima")


def parsed_from_identities(identities) -> dict[int, criteria.Sheet]:
    """{id: CriteriaSet.parsed} of the stored criteria sets whose CRITERIA_SET_IDENTITY rows are
    given (read by the caller in one query of plain columns, such as evaluation.rounds'
    round_criteria_sets): the definitions (20–40 KB each) are read only of sets not parsed in this
    process yet (issue 17: ranking a round read every set of the round as a model with its
    instrument)."""
    parsed: dict[int, criteria.Sheet] = {}
    missing = []
    for pk, sha256, created_at, maxima in identities:
        sheet = _PARSED_SHEETS.cached(_sheet_key(pk, sha256, created_at, maxima))
        if sheet is None:
            missing.append(pk)
        else:
            parsed[pk] = sheet
    if missing:
        parsed.update(
            (cs.pk, cs.parsed) for cs in CriteriaSet.objects.filter(pk__in=missing).select_related("instrument")
        )
    return parsed


class StarScale(models.Model):
    """Star thresholds of an instrument for a period (one entry of one version of stars.json)."""

    instrument = models.ForeignKey(Instrument, models.PROTECT, related_name="star_scales", verbose_name=_("văn bản"))
    code = models.CharField(_("mã"), max_length=64)
    version = models.PositiveIntegerField(_("phiên bản"))
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    definition = models.JSONField(_("định nghĩa"))
    data_file = models.ForeignKey(DataFile, models.PROTECT, related_name="star_scales")

    objects = InForceQuerySet.as_manager()

    class Meta:
        verbose_name = _("thang hạng sao")
        verbose_name_plural = _("thang hạng sao")
        ordering = ["valid_from", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="evaluation_starscale_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @functools.cached_property
    def parsed(self) -> criteria.Scale:
        return _parsed_entry("scale", self.definition, self.code)


class ProcedureRule(models.Model):
    """Who evaluates, forwards and certifies in a period (one entry of one version of procedures.json)."""

    instrument = models.ForeignKey(Instrument, models.PROTECT, related_name="procedures", verbose_name=_("văn bản"))
    code = models.CharField(_("mã"), max_length=64)
    version = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("tên"), max_length=500)
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    definition = models.JSONField(_("định nghĩa"))
    data_file = models.ForeignKey(DataFile, models.PROTECT, related_name="procedures")

    objects = InForceQuerySet.as_manager()

    class Meta:
        verbose_name = _("quy trình đánh giá")
        verbose_name_plural = _("quy trình đánh giá")
        ordering = ["valid_from", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="evaluation_procedure_version")]

    def __str__(self) -> str:
        return self.title

    @functools.cached_property
    def parsed(self) -> criteria.Procedure:
        return _parsed_entry("procedure", self.definition, self.code)


def _latest_in_force(model, day: dt.date):
    """The row in force on `day` from the most recently loaded version of its data file."""
    return _in_force_query(model).first(day=day, until=day)


@functools.cache
def _in_force_query(model) -> Prepared:
    """_latest_in_force's query, built once per process (issue 17: building it took 1.5 of its 2 ms,
    and ranking or closing a round asks for the scale and the procedure of its day). `day` and
    `until` are the same day: a prepared query takes each key once."""
    return Prepared(
        lambda day, until: model.objects.in_force(day, until).order_by(
            "-data_file__version", "-data_file__loaded_at", "-pk"
        ),
        dates=("day", "until"),
    )


def procedure_rule_on(day: dt.date) -> ProcedureRule | None:
    return _latest_in_force(ProcedureRule, day)


def rules_on(day: dt.date) -> criteria.Procedure | None:
    """The evaluation procedure in force on `day` (None before QĐ 1048, 21/8/2019)."""
    row = procedure_rule_on(day)
    return row.parsed if row else None


def scale_on(day: dt.date) -> criteria.Scale | None:
    """The star scale in force on `day` (None before QĐ 1048)."""
    row = _latest_in_force(StarScale, day)
    return row.parsed if row else None
