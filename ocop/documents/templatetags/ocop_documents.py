"""{% request_documents req as rd %}: the documents of a report request, for
templates/documents/_request_documents.html (included on the report request page)."""

from django import template

from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for

register = template.Library()


@register.simple_tag(takes_context=True)
def request_documents(context, req) -> dict:
    user = context["request"].user
    visible = can(user, "documents.view")
    return {
        "show": visible,
        "can_draft": visible and can(user, "documents.draft") and scope_for(user).national,
        "documents": list(req.documents.select_related("issuer").order_by("-created_at", "-id")) if visible else [],
    }
