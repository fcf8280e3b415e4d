from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def stars(value):
    """Filled and empty stars out of 5, read by screen readers as "4 sao"."""
    try:
        n = max(0, min(5, int(value)))
    except (TypeError, ValueError):
        return ""
    return format_html(
        '<span class="stars" role="img" aria-label="{}" title="{}"><span aria-hidden="true">{}<span class="stars-off">{}</span></span></span>',
        _("%(n)s sao") % {"n": n},
        _("%(n)s sao") % {"n": n},
        "★" * n,
        "★" * (5 - n),
    )
