"""{% load geo_units %}{{ cert.issuer_unit|named_on:cert.issued_on }}: a unit's full name as on a date."""

from django import template

from ocop.geo.services import name_on

register = template.Library()


@register.filter
def named_on(unit, day):
    """ "Tỉnh Quảng Ninh" for a certificate of 07/7/2025 (the unit's latest name without a date)."""
    if unit is None:
        return ""
    return name_on(unit, day or None)
