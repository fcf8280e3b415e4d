"""Server-rendered SVG charts (issue 17). Expected geometry computed by hand from the module's
documented layout: the value axis runs 0 … nice ceiling of the maximum over PLOT_HEIGHT = 200 units
(vertical bars, lines) whose bottom is at TOP + PLOT_HEIGHT = 210."""

import xml.etree.ElementTree as ET

from django.template import Context, Template

from ocop.lib.svgcharts import Series, axis_range, bar_chart, line_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"


def parse(html):
    root = ET.fromstring(str(html))  # the whole fragment is well-formed XML
    assert root.tag == "figure"
    svg = root.find(f"{SVG}svg")
    assert svg is not None
    return root, svg


def rects(svg):
    return [r for r in svg.iter(f"{SVG}rect") if r.get("data-value") is not None]


def test_nice_axis():
    assert nice_ceiling(40) == 50
    assert nice_ceiling(20) == 20
    assert nice_ceiling(37) == 50
    assert nice_ceiling(180) == 200
    assert nice_ceiling(0.7) == 1
    assert axis_range([0, 0]) == (0.0, 1.0)
    assert axis_range([3, -7]) == (-10.0, 5.0)


def test_bar_heights_from_values():
    # values 10, 20, 40: axis 0…50 over 200 units -> heights 40, 80, 160; bottoms at 210
    root, svg = parse(
        bar_chart(["A", "B", "C"], [Series("Sản phẩm", [10, 20, 40])], title="Số sản phẩm", unit="sản phẩm")
    )
    bars = rects(svg)
    assert [float(b.get("height")) for b in bars] == [40, 80, 160]
    assert [float(b.get("y")) for b in bars] == [170, 130, 50]
    assert [b.find(f"{SVG}title").text for b in bars] == ["A: 10 sản phẩm", "B: 20 sản phẩm", "C: 40 sản phẩm"]
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Số sản phẩm"
    # the numbers are in a table inside <details>
    cells = [td.text for td in root.iter("td")]
    assert cells == ["10", "20", "40"]
    assert root.find("details/summary").text == "Số liệu"


def test_vietnamese_numbers_and_missing_values():
    root, svg = parse(bar_chart(["Hà Nội", "Huế", "Cà Mau"], [Series("Kinh phí", [1234567.5, None, 0])]))
    cells = [td.text for td in root.iter("td")]
    assert cells == ["1.234.567,5", "—", "0"]
    bars = rects(svg)
    assert [b.get("data-value") for b in bars] == ["1.234.567,5", "0"]  # no bar for the missing value
    assert float(bars[1].get("height")) == 1  # zero: a visible tick, unlike a missing figure


def test_stacked_bars_sum():
    # 2019: 3 + 1 = 4, 2020: 6 + 4 = 10 -> axis 0…10; 2020's second segment sits on top of the first
    root, svg = parse(bar_chart(["2019", "2020"], [Series("3 sao", [3, 6]), Series("4 sao", [1, 4])], stacked=True))
    bars = rects(svg)
    by = {(b.find(f"{SVG}title").text): b for b in bars}
    seg = by["2020 — 4 sao: 4"]
    assert float(seg.get("height")) == 80 and float(seg.get("y")) == 10
    base = by["2020 — 3 sao: 6"]
    assert float(base.get("height")) == 120 and float(base.get("y")) == 90
    # the legend names both series; the table has a total column
    assert [td.text for td in root.iter("td")] == ["3", "1", "4", "6", "4", "10"]


def test_horizontal_bars_for_many_categories():
    names = [f"Tỉnh {i}" for i in range(20)]
    _root, svg = parse(bar_chart(names, [Series("n", list(range(20)))]))
    bars = rects(svg)
    assert len(bars) == 20
    widths = [float(b.get("width")) for b in bars]
    # axis 0…20: a bar of 10 is half the plot width, 19 is 19/20 of it; 0 is a 1-unit tick
    assert widths[0] == 1
    assert abs(widths[19] / widths[10] - 1.9) < 0.01


def test_line_chart_breaks_on_missing():
    _root, svg = parse(line_chart(["2019", "2020", "2021", "2022"], [Series("Hà Nội", [10, 20, None, 40])]))
    points = list(svg.iter(f"{SVG}circle"))
    # axis 0…50: y = 210 - v / 50 * 200
    assert [float(c.get("cy")) for c in points] == [170, 130, 50]
    paths = list(svg.iter(f"{SVG}path"))
    assert len(paths) == 1  # 10 → 20 joined; 40 stands alone after the gap
    assert points[0].find(f"{SVG}title").text == "2019: 10"


def test_escaping_and_template_tag():
    html = Template('{% load svgcharts %}{% svg_bar_chart cats series title="A & B" %}').render(
        Context({"cats": ["<x>"], "series": [{"name": "s", "values": [1]}]})
    )
    _root, svg = parse(html)
    assert svg.find(f"{SVG}title").text == "A & B"
    assert rects(svg)[0].find(f"{SVG}title").text == "<x>: 1"
