from django import template

from ocop.notifications.services import unread_count as _unread_count

register = template.Library()


@register.simple_tag
def unread_count(user) -> int:
    """{% unread_count user as n %}: how many unread notifications the user has."""
    return _unread_count(user)
