"""{% load svgmap %}{% svg_map values geojson=geojson_url pieces=map_pieces value_label=… link_template=… %}:
the province choropleth drawn on the server (ocop.geo.svgmap.choropleth; values and pieces may be
the JSON strings the interactive map takes)."""

from django import template

from ocop.geo.svgmap import choropleth

register = template.Library()


@register.simple_tag
def svg_map(values, **options):
    return choropleth(values, **options)
