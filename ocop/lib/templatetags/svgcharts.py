"""{% load svgcharts %}: server-rendered SVG charts (ocop.lib.svgcharts) in templates.

    {% svg_bar_chart categories series title=… unit=… stacked=True testid="…" %}
    {% svg_line_chart categories series title=… %}
    {% svg_chart spec %}   spec = {"kind": "bar"|"stacked"|"line", "categories": […], "series": […], "title": …}

`series` are dicts {name, values[, color]} (or ocop.lib.svgcharts.Series); a JSON string is accepted too.
"""

import json

from django import template

from ocop.lib import svgcharts

register = template.Library()


def _load(value, default):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return default
    return default if value is None else value


@register.simple_tag
def svg_bar_chart(categories, series, **options):
    return svgcharts.bar_chart(_load(categories, []), _load(series, []), **options)


@register.simple_tag
def svg_line_chart(categories, series, **options):
    return svgcharts.line_chart(_load(categories, []), _load(series, []), **options)


@register.simple_tag
def svg_chart(spec, **options):
    spec = dict(_load(spec, {}) or {})
    kind = spec.pop("kind", "bar")
    categories, series = spec.pop("categories", []), spec.pop("series", [])
    spec.update(options)
    if kind == "line":
        return svgcharts.line_chart(categories, series, **spec)
    return svgcharts.bar_chart(categories, series, stacked=kind == "stacked", **spec)
