#!/usr/bin/env python3
"""Build the dated history of administrative units (01/01/2018 -> today) in ocop/geo/data/.

What it produces
    ocop/geo/data/units_history.csv   one row per version of a unit: code, level, era, name, type,
                                      parent_code, valid_from, valid_to, date_known, basis
    ocop/geo/data/unit_changes.csv    one row per change: effective, date_known, level, code, kind,
                                      successor_code, is_split, certainty, basis, detail
    ocop/geo/data/HISTORY_SOURCES.md  provenance, counts, rules and declared gaps

What it reads (no network access)
    1. the git history of daohoangson/dvhcvn-historical-data (data.json at each commit): the GSO/NSO
       catalogue (danhmuchanhchinh.gso.gov.vn) replayed change by change; each commit carries the
       date of the change in the catalogue and the resolutions in its subject. Used from the state
       in force on 01/01/2018 (commit of 13/12/2017) to 01/07/2021.
    2. the git history of daohoangson/dvhcvn (data/dvhcvn.json + data/date.txt): snapshots of the
       same catalogue from 01/11/2021 to 01/03/2025; commit bodies list the resolutions included.
    3. ocop/geo/data/units_legacy.csv (state just before 01/7/2025) and units_current.csv, and the
       disagreement tables in ocop/geo/data/SOURCES.md (type changes after 01/7/2025 with their
       resolutions), all produced by scripts/build_units.py.

How to run (from the repository root; the two repositories as bare git directories)
    python3 scripts/build_unit_history.py --historical PATH/dvhcvn-historical-data.git \
        --dvhcvn PATH/dvhcvn.git

Deterministic: the same inputs give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "ocop" / "geo" / "data"
LEVELS = ["province", "district", "commune"]
START = dt.date(2018, 1, 1)
LEGACY_END = dt.date(2025, 6, 30)
REFORM = dt.date(2025, 7, 1)
HISTORICAL_LAST = dt.date(2021, 7, 1)  # the historical repository stops here; dvhcvn snapshots follow
TYPES = ["Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã"]
ONE_DAY = dt.timedelta(days=1)
# Catalogue states left out, with the reason (written to HISTORY_SOURCES.md):
SKIPPED = {
    dt.date(
        2019, 9, 11
    ): "shows resolutions 767, 768 and 769/NQ-UBTVQH14 ahead of their dates and is undone by the next "
    "commit (e.g. commune 03007 disappears and comes back); the same changes appear again in the commits of 01/11/2019, "
    "01/12/2019 and 01/01/2020, which are used",
}

Key = tuple[str, str]  # (level, code)
Unit = tuple[str, str, str]  # (name, type, parent_code)


# --------------------------------------------------------------------------- helpers


def git(git_dir: str, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True, check=True).stdout


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u2019", "'").split())


# Old and new tone placement ("Hoà"/"Hòa", "Thuỷ"/"Thủy") and case are not renames.
_TONE = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}


def norm(s: str) -> str:
    s = clean(s).lower()
    for old, new in _TONE.items():
        s = s.replace(old, new)
    return s


def same_name(a: str, b: str) -> bool:
    return norm(a) == norm(b)


def split_type(full: str, declared: str) -> tuple[str, str]:
    full = clean(full)
    declared = "Thành phố" if declared == "Thành phố Trung ương" else clean(declared)
    if declared not in TYPES:
        raise ValueError(f"unknown type {declared!r} for {full!r}")
    if full.lower().startswith(declared.lower() + " "):
        return declared, full[len(declared) + 1 :]
    for t in TYPES:  # the type column contradicts the full name: the full name's type word wins
        if full.lower().startswith(t.lower() + " "):
            CONTRADICTIONS[(full, declared)] += 1
            return t, full[len(t) + 1 :]
    raise ValueError(f"{full!r} does not start with a known type word")


CONTRADICTIONS: Counter = Counter()


def from_json(data) -> dict[Key, Unit]:
    state: dict[Key, Unit] = {}
    for p in data:
        t, n = split_type(p["name"], p["type"])
        state[("province", p["level1_id"])] = (n, t, "")
        for d in p.get("level2s") or []:
            t, n = split_type(d["name"], d["type"])
            state[("district", d["level2_id"])] = (n, t, p["level1_id"])
            for c in d.get("level3s") or []:
                t, n = split_type(c["name"], c["type"])
                state[("commune", c["level3_id"])] = (n, t, d["level2_id"])
    return state


def from_csv(path: Path) -> dict[Key, Unit]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["level"], r["code"]): (r["name"], r["type"], r["parent_code"]) for r in csv.DictReader(fh)}


def parse_dmy(text: str) -> dt.date:
    d, m, y = (int(x) for x in text.strip().split("/"))
    return dt.date(y, m, d)


def resolutions(text: str) -> list[str]:
    """'1111/NQ-UBTVQH14: Sắp xếp ... Thủ Đức; 1109/NQ-...' -> one entry per resolution."""
    parts = re.split(r";\s*|\n-\s*", text.strip().lstrip("- "))
    seen, out = set(), []
    for part in parts:
        part = clean(part).lstrip("- ").rstrip(".;")
        if re.match(r"^\d+/", part) and part not in seen:
            seen.add(part)
            out.append(part)
    return out


# --------------------------------------------------------------------------- snapshots


class Snapshot:
    def __init__(self, day: dt.date, state: dict[Key, Unit], basis: list[str], date_known: bool, source: str):
        self.day, self.state, self.basis, self.date_known, self.source = day, state, basis, date_known, source


def load_snapshots(historical: str, dvhcvn: str) -> list[Snapshot]:
    snaps: list[Snapshot] = []
    by_day: dict[dt.date, list[str]] = {}
    for line in git(historical, "log", "--reverse", "--format=%H %ad", "--date=short", "--", "data.json").splitlines():
        sha, day = line.split()
        by_day[dt.date.fromisoformat(day)] = by_day.get(dt.date.fromisoformat(day), []) + [sha]
    days = sorted(by_day)
    first = max(d for d in days if d <= START)
    for day in [d for d in days if first <= d <= HISTORICAL_LAST and d not in SKIPPED]:
        sha = by_day[day][-1]
        subjects = " ; ".join(git(historical, "log", "-1", "--format=%s", s) for s in by_day[day])
        state = from_json(json.loads(git(historical, "show", f"{sha}:data.json")))
        snaps.append(Snapshot(day, state, resolutions(subjects), True, f"dvhcvn-historical-data@{sha[:10]}"))
    bodies: dict[dt.date, list[str]] = {}
    shas: dict[dt.date, str] = {}
    for line in git(dvhcvn, "log", "--reverse", "--format=%H", "--", "data/dvhcvn.json").splitlines():
        try:
            day = parse_dmy(git(dvhcvn, "show", f"{line}:data/date.txt"))
        except subprocess.CalledProcessError:
            continue
        if day <= HISTORICAL_LAST:
            continue
        shas[day] = line
        bodies[day] = bodies.get(day, []) + resolutions(git(dvhcvn, "log", "-1", "--format=%b", line))
    for day in sorted(shas):
        state = from_json(json.loads(git(dvhcvn, "show", f"{shas[day]}:data/dvhcvn.json"))["data"])
        snaps.append(Snapshot(day, state, bodies[day], False, f"dvhcvn@{shas[day][:10]}"))
    snaps.append(Snapshot(LEGACY_END, from_csv(OUT / "units_legacy.csv"), [], False, "units_legacy.csv"))
    repair_gaps(snaps)
    return snaps


REPAIRED: list[tuple[Key, dt.date]] = []
DROPPED: list[tuple[Key, dt.date]] = []


def repair_gaps(snaps: list[Snapshot]) -> None:
    """A code missing from at most two snapshots but present before and after them was never
    abolished (a scrape glitch): it is carried through the missing snapshots unchanged. A code that
    comes back after a longer absence and is not in the final list (units_legacy.csv) is a stray
    reappearance in a later scrape: it is dropped from those snapshots."""
    final = snaps[-1].state
    last_seen: dict[Key, int] = {}
    for i, snap in enumerate(snaps):
        for key in list(snap.state):
            j = last_seen.get(key)
            if j is not None and j < i - 1:
                if i - j - 1 <= 2 or key in final:
                    for k in range(j + 1, i):
                        snaps[k].state[key] = snaps[j].state[key]
                        REPAIRED.append((key, snaps[k].day))
                else:
                    for k in range(i, len(snaps)):
                        if snaps[k].state.pop(key, None) is not None:
                            DROPPED.append((key, snaps[k].day))
                    continue
            last_seen[key] = i


# --------------------------------------------------------------------------- diff


def province_words(state: dict[Key, Unit], key: Key) -> str | None:
    level, code = key
    while level != "province":
        parent = state[key][2]
        level = {"commune": "district", "district": "province"}[level]
        key = (level, parent)
        if key not in state:
            return None
    return state[key][0]


def basis_for(snap: Snapshot, states: list[dict[Key, Unit]], key: Key) -> str:
    """The resolutions of this step that name the unit's province (or all of them if only one)."""
    if len(snap.basis) == 1:
        return snap.basis[0]
    names = {province_words(s, key) for s in states if key in s} - {None}
    hits = [b for b in snap.basis if any(re.search(r"\b" + re.escape(norm(n)) + r"\b", norm(b)) for n in names)]
    return " | ".join(hits) if hits else ("[?] " + " | ".join(snap.basis) if snap.basis else "[?]")


def build(snaps: list[Snapshot]):
    # versions[key] = list of [valid_from, valid_to, name, type, parent, date_known, basis]
    versions: dict[Key, list[list]] = {}
    for key, (n, t, p) in snaps[0].state.items():
        versions[key] = [[None, None, n, t, p, True, ""]]
    changes: list[dict] = []
    gaps: Counter = Counter()
    for prev, snap in zip(snaps, snaps[1:]):
        a, b = prev.state, snap.state
        # A dvhcvn snapshot is named after the date of the catalogue it copies (resolutions take effect
        # on such dates): its changes are dated on it, flagged date_known=0 (somewhere after the
        # previous snapshot, in force by this date). The final list has no date of its own: its
        # changes are dated the day after the previous snapshot.
        eff = snap.day
        if snap.source == "units_legacy.csv":
            eff = prev.day + ONE_DAY

        def row(key, kind, successor="", is_split=False, certainty="source", detail=""):
            changes.append(
                {
                    "effective": eff.isoformat(),
                    "date_known": "1" if snap.date_known else "0",
                    "level": key[0],
                    "code": key[1],
                    "kind": kind,
                    "successor_code": successor,
                    "is_split": "1" if is_split else "0",
                    "certainty": certainty,
                    "basis": basis_for(snap, [a, b], key),
                    "detail": detail,
                }
            )

        changed_in_step: set[Key] = set()
        for key in sorted(a.keys() & b.keys(), key=lambda k: (LEVELS.index(k[0]), k[1])):
            (n1, t1, p1), (n2, t2, p2) = a[key], b[key]
            if snap.source == "units_legacy.csv" and not same_name(n1, n2):
                versions[key][-1][2] = n2
            kinds = []
            # The final list comes from another scrape (vietnamadminunits): its name differences with the
            # last dvhcvn snapshot are spellings ("Đắk Hà"/"Đăk Hà", "Phan Rang-Tháp Chàm"/"... - ..."),
            # not renames; the final spelling is kept for the whole version.
            if not same_name(n1, n2) and snap.source != "units_legacy.csv":
                kinds.append(("rename", f"{t1} {n1} -> {t2} {n2}"))
            if t1 != t2:
                kinds.append(("type_change", f"{t1} -> {t2}"))
            if p1 != p2:
                kinds.append(("transfer", f"{p1} -> {p2}"))
            if kinds:
                changed_in_step.add(key)
                cur = versions[key][-1]
                cur[1] = eff - ONE_DAY
                versions[key].append([eff, None, n2, t2, p2, snap.date_known, basis_for(snap, [a, b], key)])
                for kind, detail in kinds:
                    row(key, kind, detail=detail)
            else:
                versions[key][-1][2] = n2  # spelling of the newer list (tone placement, case)
        created = sorted(b.keys() - a.keys(), key=lambda k: (LEVELS.index(k[0]), k[1]))
        for key in created:
            if key in versions:
                sys.exit(f"code reused after abolition: {key}")
            n, t, p = b[key]
            versions[key] = [[eff, None, n, t, p, snap.date_known, basis_for(snap, [b], key)]]
            detail = f"{t} {n}"
            if key[0] == "district":  # split: the districts its communes came from
                sources = sorted(
                    {
                        a[("commune", c)][2]
                        for (lv, c), u in b.items()
                        if lv == "commune" and u[2] == key[1] and ("commune", c) in a
                    }
                )
                for src in sources:
                    if ("district", src) in b:  # the source district goes on: part of it split off
                        row(
                            ("district", src),
                            "split",
                            successor=key[1],
                            is_split=True,
                            detail=f"một phần chuyển sang {t} {n}",
                        )
            row(key, "creation", detail=detail)
        abolished = sorted(a.keys() - b.keys(), key=lambda k: (LEVELS.index(k[0]), k[1]))
        new_or_changed = set(created) | changed_in_step
        for key in abolished:
            versions[key][-1][1] = eff - ONE_DAY
            n, t, p = a[key]
            successors: list[str] = []
            certainty = "source"
            if key[0] == "district":
                successors = sorted(
                    {
                        b[("commune", c)][2]
                        for (lv, c), u in a.items()
                        if lv == "commune" and u[2] == key[1] and ("commune", c) in b
                    }
                )
                certainty = "derived"  # where its communes went, from the two lists
            elif key[0] == "commune":
                parents = (
                    {p}
                    if ("district", p) in b
                    else {
                        b[("commune", c)][2]
                        for (lv, c), u in a.items()
                        if lv == "commune" and u[2] == p and ("commune", c) in b
                    }
                )
                cands = sorted(
                    k[1]
                    for k in new_or_changed
                    if k[0] == "commune"
                    and b[k][2] in parents
                    and (k in created or not same_name(a[k][0], b[k][0]) or a[k][1] != b[k][1])
                )
                if len(cands) == 1:
                    successors, certainty = cands, "inferred"
            if not successors:
                gaps[(key[0], "abolition without successor")] += 1
                row(key, "abolition", certainty="gap", detail=f"{t} {n}: [?] đơn vị kế thừa không xác định từ nguồn")
            for s in successors:
                row(key, "merge", successor=s, is_split=len(successors) > 1, certainty=certainty, detail=f"{t} {n}")
    return versions, changes, gaps


def current_history(sources_md: str) -> tuple[list[list], list[dict]]:
    """Units of the 34-province era whose type changed after 01/7/2025 (tables in SOURCES.md)."""
    rows, changes = [], []
    prov = re.findall(
        r"^- (\d\d): Tỉnh (.+?) -> Thành phố .+? \(resolution (\S+) - (\d\d/\d\d/\d{4})\)$", sources_md, re.M
    )
    for code, name, res, day in prov:
        rows.append((code, "province", name, "Tỉnh", "Thành phố", res, parse_dmy(day)))
    com = re.findall(r"^\| (\d{5}) \| Xã (.+?) \| Phường (.+?) \| (\S+); Ngày: (\d\d/\d\d/\d{4}) \|$", sources_md, re.M)
    for code, old, new, res, day in com:
        rows.append((code, "commune", new, "Xã", "Phường", res, parse_dmy(day)))
    current = from_csv(OUT / "units_current.csv")
    out = []
    for code, level, name, t1, t2, res, day in rows:
        n, t, p = current[(level, code)]
        assert t == t2, (code, t, t2)
        out.append([code, level, "current", n, t1, p, REFORM.isoformat(), (day - ONE_DAY).isoformat(), "1", ""])
        out.append(
            [
                code,
                level,
                "current",
                n,
                t2,
                p,
                day.isoformat(),
                "",
                "0",
                f"{res} [?] ngày của nghị quyết, ngày hiệu lực chưa xác minh",
            ]
        )
        changes.append(
            {
                "effective": day.isoformat(),
                "date_known": "0",
                "level": level,
                "code": code,
                "kind": "type_change",
                "successor_code": "",
                "is_split": "0",
                "certainty": "source",
                "basis": f"{res} [?] ngày của nghị quyết",
                "detail": f"{t1} -> {t2}",
            }
        )
    return out, changes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--historical", default="/work/.mirror/daohoangson+dvhcvn-historical-data/repo")
    ap.add_argument("--dvhcvn", default="/work/.mirror/daohoangson+dvhcvn/repo")
    args = ap.parse_args()
    snaps = load_snapshots(args.historical, args.dvhcvn)
    versions, changes, gaps = build(snaps)
    rows = []
    for key in sorted(versions, key=lambda k: (LEVELS.index(k[0]), k[1])):
        for vf, vt, n, t, p, known, basis in versions[key]:
            rows.append(
                [
                    key[1],
                    key[0],
                    "legacy",
                    n,
                    t,
                    p,
                    vf.isoformat() if vf else "",
                    vt.isoformat() if vt else LEGACY_END.isoformat(),
                    "1" if known else "0",
                    basis,
                ]
            )
    cur_rows, cur_changes = current_history((OUT / "SOURCES.md").read_text(encoding="utf-8"))
    rows += cur_rows
    changes += cur_changes
    header = ["code", "level", "era", "name", "type", "parent_code", "valid_from", "valid_to", "date_known", "basis"]
    with (OUT / "units_history.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    ch_header = [
        "effective",
        "date_known",
        "level",
        "code",
        "kind",
        "successor_code",
        "is_split",
        "certainty",
        "basis",
        "detail",
    ]
    changes.sort(key=lambda c: (c["effective"], LEVELS.index(c["level"]), c["code"], c["kind"], c["successor_code"]))
    with (OUT / "unit_changes.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ch_header, lineterminator="\n")
        w.writeheader()
        w.writerows(changes)
    write_sources(snaps, rows, changes, gaps)
    self_check(rows, changes)


def counts_on(rows, day: dt.date, era: str = "legacy") -> Counter:
    c: Counter = Counter()
    for r in rows:
        if r[2] != era:
            continue
        vf = dt.date.fromisoformat(r[6]) if r[6] else dt.date.min
        vt = dt.date.fromisoformat(r[7]) if r[7] else dt.date.max
        if vf <= day <= vt:
            c[(r[1], r[4])] += 1
    return c


def self_check(rows, changes) -> None:
    on = {
        (r[1], r[0]): r
        for r in rows
        if r[2] == "legacy" and (not r[6] or r[6] <= "2018-12-12") and r[7] >= "2018-12-12"
    }
    assert on[("province", "46")][3:5] == ["Thừa Thiên Huế", "Tỉnh"], on[("province", "46")]
    for code, name, parent in (
        ("151", "Kỳ Sơn", "17"),
        ("762", "Thủ Đức", "79"),
        ("763", "9", "79"),
        ("769", "2", "79"),
    ):
        assert on[("district", code)][3] == name and on[("district", code)][5] == parent, on[("district", code)]
    c = counts_on(rows, dt.date(2018, 12, 12))
    assert sum(v for (lv, _), v in c.items() if lv == "province") == 63, c


def write_sources(snaps, rows, changes, gaps) -> None:
    out = [
        "# Unit history 01/01/2018 -> today: sources and provenance",
        "",
        "<!-- Generated by scripts/build_unit_history.py; edit the script, not this file. -->",
        "",
    ]
    out += [
        "## Files",
        "",
        "- `units_history.csv`: one row per version of a unit (`code,level,era,name,type,parent_code,valid_from,valid_to,date_known,basis`). "
        "Legacy units: every province, district and commune that existed on any day from 01/01/2018 to 30/06/2025; "
        "an empty `valid_from` means the version was already in force on 01/01/2018 (the history does not go further back). "
        "Current units: only those whose name or type changed after 01/7/2025 (the others have a single version, in `units_current.csv`).",
        "- `unit_changes.csv`: one row per change (`effective,date_known,level,code,kind,successor_code,is_split,certainty,basis,detail`); "
        "kinds: `rename`, `type_change`, `transfer` (new parent), `creation`, `split` (part of the unit went to a new unit, "
        "`successor_code`), `merge` (the unit was abolished and its territory went to `successor_code`), `abolition` "
        "(abolished, successor not known from the sources: a gap). The 01/7/2025 reform crosswalk stays in `crosswalk_*.csv`.",
        "",
    ]
    out += ["## Sources (in the order they are replayed)", ""]
    out += [
        "1. **daohoangson/dvhcvn-historical-data** (GitHub, git history; data from danhmuchanhchinh.gso.gov.vn, the GSO/NSO "
        "catalogue of administrative units). Each commit is one date of the catalogue's change log, its subject lists the "
        "resolutions of that date. Replayed from the state in force on 01/01/2018 (commit of 13/12/2017) to 01/07/2021; "
        "the dates are the catalogue's dates (`date_known=1`).",
        "2. **daohoangson/dvhcvn** (GitHub, MIT, git history of `data/dvhcvn.json` and `data/date.txt`): snapshots of the same "
        "catalogue; each commit body lists the resolutions it includes. Used for the snapshots after 01/07/2021. A change first "
        "seen in a snapshot happened after the previous snapshot and on or before this one: it is dated on the snapshot's "
        "date (the catalogue date it is named after) and flagged `date_known=0` [?] (the exact effective date is a declared "
        "gap). Changes first seen in the final list (after 01/03/2025) are dated 02/03/2025, also `date_known=0`.",
        "3. `units_legacy.csv` (state just before 01/7/2025, see SOURCES.md) closes the legacy history; `units_current.csv` "
        "and the disagreement tables of SOURCES.md give the type changes after 01/7/2025 (date given there is the "
        "resolution's date; effective date not verified: `date_known=0`).",
        "",
    ]
    out += ["| snapshot date | source | resolutions listed |", "|---|---|---|"]
    for s in snaps:
        out.append(f"| {s.day.strftime('%d/%m/%Y')} | {s.source} | {len(s.basis)} |")
    out.append("")
    out += [f"Skipped: the commit of {d.strftime('%d/%m/%Y')}: {why}." for d, why in SKIPPED.items()]
    out.append("")
    out += [
        "## Rules",
        "",
        "- Name differences between the last dvhcvn snapshot (01/03/2025) and `units_legacy.csv` are spellings of two "
        "scrapes (`Đắk Hà`/`Đăk Hà`, `Phan Rang-Tháp Chàm`/`Phan Rang - Tháp Chàm`), not renames: the final spelling is kept.",
        "- Names are compared after Unicode NFC, case folding and tone-mark placement (`Hoà`/`Hòa`); a difference of "
        "spelling only is not a rename, and the newest spelling is kept.",
        "- `basis`: the resolutions of the step that name the unit's province; `[?]` before the list when none does.",
        "- District successors (merge/split) are **derived** from where the district's communes went in the next list.",
        "- Commune successors of an abolished commune are **inferred** only when exactly one commune of the same "
        "district was created, renamed or retyped in the same step (`certainty=inferred`); otherwise the successor is "
        "declared unknown (`kind=abolition`, `certainty=gap`). Records of such a commune keep their district and province, "
        "so district- and province-level scope still covers them.",
        "",
    ]
    out += ["## Counts", ""]
    for day in (
        dt.date(2018, 1, 1),
        dt.date(2018, 12, 12),
        dt.date(2020, 1, 1),
        dt.date(2021, 1, 1),
        dt.date(2025, 6, 30),
    ):
        c = counts_on(rows, day)
        out.append(f"- {day.strftime('%d/%m/%Y')}: " + ", ".join(f"{lv} {t} {v}" for (lv, t), v in sorted(c.items())))
    c = counts_on(rows + [], dt.date(2025, 7, 1), "current")
    kinds = Counter((ch["level"], ch["kind"], ch["certainty"]) for ch in changes)
    out += ["", "Changes by level, kind and certainty:", ""]
    out += [f"- {lv} {k} ({cert}): {v}" for (lv, k, cert), v in sorted(kinds.items())]
    out += ["", "## Declared gaps", ""]
    out += [
        f"- {lv}: {what}: {v} (rows with `kind=abolition`, `certainty=gap`)" for (lv, what), v in sorted(gaps.items())
    ]
    out += [
        f"- The source's type column contradicts the full name (full name used): `{full}` (column: {t}), in {v} snapshot(s)"
        for (full, t), v in sorted(CONTRADICTIONS.items())
    ]
    out += [
        f"- Missing from {len(REPAIRED)} snapshot(s) but present before and after (carried through, not abolished): "
        + ", ".join(f"{lv} {code} ({day.strftime('%d/%m/%Y')})" for (lv, code), day in REPAIRED)
    ]
    out += [
        f"- Reappearing after a long absence in a later scrape but not in the final list (dropped there): "
        + ", ".join(f"{lv} {code} ({day.strftime('%d/%m/%Y')})" for (lv, code), day in DROPPED)
    ]
    out += [
        "- Effective dates of changes seen only in dvhcvn snapshots (after 01/07/2021) and after 01/03/2025: `date_known=0`.",
        "- Resolutions are named as the sources name them; their texts were not read.",
        "- Units that existed before 01/01/2018 carry no earlier history.",
        "",
    ]
    (OUT / "HISTORY_SOURCES.md").write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
