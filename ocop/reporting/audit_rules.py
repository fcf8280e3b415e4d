"""Audit visibility of report requests, submissions and templates (ocop/accounts/audit_visibility.py): what the
user may open in the reporting pages — a draft's texts only to those who may read the submission."""

from ocop.accounts.audit_visibility import NOTHING, objects_in, register
from ocop.accounts.permissions import can
from ocop.reporting.services.requests import visible_requests
from ocop.reporting.services.submissions import visible_submissions

register("reporting.reportrequest", entries=lambda user: objects_in(visible_requests(user)))
register("reporting.submission", entries=lambda user: objects_in(visible_submissions(user)))
register("reporting.reporttemplate", entries=lambda user: None if can(user, "reporting.view") else NOTHING)
