from django import template

register = template.Library()

# product and dossier statuses onto the status badges of ocop.css
STATUS_CLASSES = {
    "draft": "status-none",
    "registered": "status-drafting",
    "in_evaluation": "status-submitted",
    "certified": "status-approved",
    "expired": "status-none",
    "revoked": "status-none",
    "not_certified": "status-none",
    "submitted": "status-submitted",
    "complete": "status-approved",
    "incomplete": "status-drafting",
}


@register.filter
def status_class(value) -> str:
    return STATUS_CLASSES.get(str(value), "status-none")


@register.filter
def filesize(value) -> str:
    """Bytes as KB/MB with a decimal comma."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1048576:.1f} MB".replace(".", ",")
