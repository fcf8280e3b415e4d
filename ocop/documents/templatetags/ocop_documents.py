"""{% request_documents req as rd %}: the documents of a report request, for
templates/documents/_request_documents.html (included on the report request page)."""

from django import template

from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.documents.models import OutgoingDocument
from ocop.lib import prepared

register = template.Library()


@register.simple_tag(takes_context=True)
def request_documents(context, req) -> dict:
    user = context["request"].user
    visible = can(user, "documents.view")
    return {
        "show": visible,
        "can_draft": visible and can(user, "documents.draft") and scope_for(user).national,
        # number, symbol, date, purpose and status only: not the issuer (no join) nor the letters'
        # texts (issue 17)
        "documents": prepared.rows(
            OutgoingDocument,
            ("purpose", "status", "number", "symbol", "date"),
            {"request": req.pk},
            order=("-created_at", "-pk"),
        )
        if visible
        else [],
    }


@register.simple_tag
def report_frame(submission):
    """{% report_frame sub as frame %}: the NĐ 30 frame of a unit's report (issuer lines, number,
    place and date, Kính gửi, signature, Nơi nhận), the same as its Word export
    (ocop/documents/reports.py)."""
    from ocop.documents.reports import report_heading

    return report_heading(submission)


@register.filter
def section_label(section) -> str:
    """{{ section|section_label }}: "I.", "1.", "a)" (ocop/documents/text.py)."""
    from ocop.documents.text import section_label as label

    return label(section.number, section.depth)
