"""Reporting: templates (versioned data), requests, submissions with their review, reminders."""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.geo.models import Level
from ocop.lib.cachekeys import ParsedRows
from ocop.lib.files import validate_document
from ocop.reporting.schema import TemplateDef, parse_definition


_PARSED_TEMPLATES = ParsedRows(128)  # ReportTemplate.parsed, per process


class ReportTemplate(models.Model):
    """One version of a report template. Versions are never edited once a request uses them: an
    administrator's change is saved as a new version."""

    code = models.CharField(_("mã mẫu"), max_length=64)
    version = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("tên mẫu"), max_length=500)
    definition = models.JSONField(_("định nghĩa"))
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=200, blank=True, help_text=_("Tệp trong kho mã, hoặc “admin”."))
    sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mẫu báo cáo")
        verbose_name_plural = _("mẫu báo cáo")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="reporting_template_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @functools.cached_property
    def parsed(self) -> TemplateDef:
        """The checked template, parsed once per process for a stored row (issue 17: 2-4 ms on every
        reporting page). Versions are never edited in place, so the row's id, digest and creation
        time identify its definition, which is then not even read: pages load requests with the
        definition deferred (`visible_requests`, `visible_submissions`). A TemplateDef is immutable
        (frozen dataclasses and tuples) and can be shared."""
        if self.pk is None:
            return parse_definition(self.definition)
        return _PARSED_TEMPLATES.get((self.pk, self.sha256, self.created_at), lambda: parse_definition(self.definition))


class RequestKind(models.TextChoices):
    PERIODIC = "periodic", _("Định kỳ")
    THEMATIC = "thematic", _("Chuyên đề")
    ADHOC = "adhoc", _("Đột xuất")


class DeadlineRuleKind(models.TextChoices):
    """How the request states its deadline (ocop/reporting/periods.py `deadline_wording`)."""

    BEFORE = "before", _("trước ngày (đúng hạn đến hết ngày hôm trước)")
    BY = "by", _("chậm nhất ngày (đúng hạn đến hết ngày đó)")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    OPEN = "open", _("Đang thu thập")
    CLOSED = "closed", _("Đã đóng")


class ReportRequest(models.Model):
    """A request for reports: who must report what, for which period, by when.

    `owner_unit` is empty for requests from the centre; a province collecting from its districts or
    communes owns its child request (`parent` points to the request it answers)."""

    title = models.CharField(_("tiêu đề"), max_length=500)
    legal_basis = models.TextField(_("căn cứ"), blank=True)
    template = models.ForeignKey(ReportTemplate, models.PROTECT, related_name="requests", verbose_name=_("mẫu báo cáo"))
    kind = models.CharField(_("loại báo cáo"), max_length=16, choices=RequestKind.choices, default=RequestKind.ADHOC)
    period_code = models.CharField(_("kỳ báo cáo"), max_length=16, blank=True)
    period_start = models.DateField(_("số liệu từ ngày"), null=True, blank=True)
    cutoff = models.DateField(_("ngày chốt số liệu"))
    deadline = models.DateField(_("hạn nộp"))
    deadline_rule = models.CharField(
        _("cách tính hạn"),
        max_length=8,
        choices=DeadlineRuleKind.choices,
        default=DeadlineRuleKind.BY,
        help_text=_("“Trước ngày D”: nộp ngày D là muộn. “Chậm nhất ngày D”: nộp ngày D vẫn đúng hạn."),
    )
    recipient_level = models.CharField(
        _("cấp nhận yêu cầu"), max_length=16, choices=Level.choices, default=Level.PROVINCE
    )
    recipients = models.ManyToManyField(
        "geo.AdminUnit", related_name="report_requests", verbose_name=_("đơn vị phải báo cáo")
    )
    owner_unit = models.ForeignKey(
        "geo.AdminUnit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("đơn vị yêu cầu")
    )
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    issued_on = models.DateField(_("ngày ban hành văn bản yêu cầu"), null=True, blank=True)
    document_number = models.CharField(_("số, ký hiệu văn bản"), max_length=50, blank=True)
    reminder_offsets = models.JSONField(
        _("nhắc hạn (ngày so với hạn nộp)"),
        default=list,
        blank=True,
        help_text=_("Ví dụ [-3, 0, 2]: 3 ngày trước, đúng hạn, 2 ngày sau."),
    )
    is_demo = models.BooleanField(default=False, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("yêu cầu báo cáo")
        verbose_name_plural = _("yêu cầu báo cáo")
        ordering = ["-cutoff", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def last_on_time_day(self):
        """The last day a report counts as on time, under the request's deadline rule."""
        from ocop.reporting.periods import last_on_time_day

        return last_on_time_day(self.deadline_rule, self.deadline)

    @property
    def deadline_text(self) -> str:
        """The deadline as the letters word it: "trước ngày 10/01/2019" / "chậm nhất ngày 05/01/2027"."""
        from ocop.reporting.periods import deadline_wording

        return deadline_wording(self.deadline_rule, self.deadline)

    @functools.cached_property
    def form(self) -> TemplateDef:
        """The request's template with its period placeholders filled in ({nam}, {ngay_chot}...:
        ocop/reporting/periodtext.py). Every screen and file made for this request reads this."""
        from ocop.reporting.periodtext import render_for_request

        return render_for_request(self.template.parsed, self)


class RequestDeadline(models.Model):
    """The deadline for a lower level, where provinces first collect from districts or communes."""

    request = models.ForeignKey(ReportRequest, models.CASCADE, related_name="level_deadlines")
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    deadline = models.DateField(_("hạn nộp"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "level"], name="reporting_level_deadline")]


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Trả lại để sửa")
    ACCEPTED = "accepted", _("Đã tiếp nhận")


class SubmissionSource(models.TextChoices):
    WEB = "web", _("Nhập trên web")
    XLSX = "xlsx", _("Tải lên tệp Excel")
    API = "api", _("Qua API")


class Submission(models.Model):
    """A unit's report for a request. `number` counts versions: a correction after acceptance is a new
    Submission pointing to the accepted one (`previous`). `lock_version` guards concurrent edits."""

    request = models.ForeignKey(ReportRequest, models.PROTECT, related_name="submissions")
    unit = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    number = models.PositiveIntegerField(_("lần"), default=1)
    previous = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="correction")
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    data = models.JSONField(default=dict, blank=True)
    prefilled = models.JSONField(default=dict, blank=True)
    overrides = models.JSONField(
        default=dict, blank=True, help_text="field code -> reason for changing a pre-filled value"
    )
    invalid = models.JSONField(
        default=dict,
        blank=True,
        help_text="typed text that is not a valid value yet: field code (or code.row.column) -> text, kept until corrected",
    )
    prefill_sources = models.JSONField(default=dict, blank=True, help_text="field code -> which source filled it in")
    source = models.CharField(max_length=8, choices=SubmissionSource.choices, default=SubmissionSource.WEB)
    lock_version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False, editable=False)
    first_submitted_at = models.DateTimeField(_("nộp lần đầu"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["request", "unit__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "unit", "number"], name="reporting_submission_version")
        ]
        indexes = [models.Index(fields=["request", "unit"])]

    def __str__(self) -> str:
        suffix = f" (lần {self.number})" if self.number > 1 else ""
        return f"{self.unit} — {self.request}{suffix}"

    @property
    def editable(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


class ReviewComment(models.Model):
    submission = models.ForeignKey(Submission, models.CASCADE, related_name="comments")
    section = models.CharField(_("mục"), max_length=32)
    text = models.TextField(_("nhận xét"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class SubmissionAttachment(models.Model):
    submission = models.ForeignKey(Submission, models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="reporting/%Y/", validators=[validate_document])
    name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]


from ocop.reporting.models_reminders import ReminderSent  # noqa: E402,F401
from ocop.reporting.models_jobs import RenderJob  # noqa: E402,F401
