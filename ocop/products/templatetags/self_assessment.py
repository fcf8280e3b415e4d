from django import template

from ocop.products import criteria

register = template.Library()


@register.simple_tag
def self_assessment_gap(product):
    """Why the online self-assessment is not offered for `product` (its criteria set is a skeleton),
    or None."""
    return criteria.gap_for(product)
