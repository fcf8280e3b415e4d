"""The server-rendered province map (issue 17): the geo app's own geometry, zero distinct from low
and from no figure, a title and a link on each province, the legend."""

import xml.etree.ElementTree as ET

from django.template import Context, Template

from ocop.geo.svgmap import NO_DATA_COLOR, ZERO_COLOR, auto_pieces, choropleth, era_of

SVG = "{http://www.w3.org/2000/svg}"


def parse(html):
    root = ET.fromstring(str(html))
    return root, root.find(f"{SVG}svg")


def paths(svg):
    return {p.get("data-code"): p for p in svg.iter(f"{SVG}path")}


def test_every_province_of_both_maps():
    _root, svg = parse(choropleth({}, era="current"))
    assert len(paths(svg)) == 34
    _root, svg = parse(choropleth({}, era="legacy"))
    assert len(paths(svg)) == 63
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Quần đảo Hoàng Sa" in texts and "Quần đảo Trường Sa" in texts


def test_zero_low_and_missing_are_distinct():
    # Hà Nội 0, Huế 1 (low), Hồ Chí Minh 100 (high), every other province: no figure
    _root, svg = parse(choropleth({"01": 0, "46": 1, "79": 100}, era="current", value_label="Số sản phẩm"))
    p = paths(svg)
    zero, low, high, none = (p["01"].get("fill"), p["46"].get("fill"), p["79"].get("fill"), p["04"].get("fill"))
    assert zero == ZERO_COLOR
    assert none == NO_DATA_COLOR
    assert len({zero, low, high, none}) == 4
    assert p["01"].find(f"{SVG}title").text == "Hà Nội — Số sản phẩm: 0"
    assert p["79"].find(f"{SVG}title").text.endswith(": 100")


def test_auto_classes():
    pieces = auto_pieces({"a": 0, "b": 1, "c": 2, "d": 3, "e": 4, "f": 1200})
    # 0 alone; positives 1, 2, 3, 4, 1200: quartile bounds at positions 1, 2, 3 (2, 3, 4) and the top
    assert [p["label"] for p in pieces] == ["0", "1 – 2", "3", "4", "5 – 1.200"]
    assert pieces[0]["color"] == ZERO_COLOR


def test_links_pieces_and_template_tag():
    html = Template("{% load svgmap %}{% svg_map values geojson=url pieces=pieces link_template=link %}").render(
        Context(
            {
                "values": '{"01": 1, "79": 3}',
                "url": "/static/geo/provinces-current.abc.geojson",
                "pieces": '[{"value": 1, "label": "Đã phê duyệt", "color": "#2e7d32"}, '
                '{"value": 3, "label": "Chưa có", "color": "#c62828"}]',
                "link": "/tinh/{code}/?d=1",
            }
        )
    )
    root, svg = parse(html)
    links = [a for a in svg.iter(f"{SVG}a")]
    assert len(links) == 34
    hanoi = next(a for a in links if a.find(f"{SVG}path").get("data-code") == "01")
    assert hanoi.get("href") == "/tinh/01/?d=1"
    assert hanoi.find(f"{SVG}path").get("fill") == "#2e7d32"
    assert hanoi.find(f"{SVG}path/{SVG}title").text == "Hà Nội: Đã phê duyệt"
    legend = ["".join(li.itertext()).strip() for li in root.iter("li")]
    assert legend == ["Đã phê duyệt", "Chưa có", "Không có số liệu"]


def test_era_of_file_names():
    assert era_of("/static/geo/provinces-legacy.1a2b.geojson") == "legacy"
    assert era_of("/static/geo/provinces-current.geojson") == "current"


def test_same_figures_drawn_once_and_bad_json_is_no_figure():
    first = choropleth('{"01": 5}', era="current", value_label="n")
    assert choropleth({"01": 5}, era="current", value_label="n") is first  # the kept drawing
    _root, svg = parse(choropleth("{not json", era="current"))
    assert not [p for p in svg.iter(f"{SVG}path") if p.get("data-value") is not None]
