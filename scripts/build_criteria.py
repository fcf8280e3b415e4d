#!/usr/bin/env python3
"""Build the QĐ 148/QĐ-TTg score sheets (Phụ lục III) of ocop/evaluation/data/ from public CSV
transcriptions.

    .venv/bin/python scripts/build_criteria.py            # write the sheets
    .venv/bin/python scripts/build_criteria.py --check    # only say which files would change

INPUT
-----
scripts/criteria_sources/qd148/*.csv: the 26 files of the public GitHub repository
``augustine-tran/ocop``, folder ``db/ocop/`` (commit d76e5ad5de8cf7f044e67784aea849fdd9cee799,
20/3/2024), copied byte for byte (see README.md there). One CSV per "bộ sản phẩm", columns
``title, description, level, stars, score``:

  level 0  a part ("Phần A …", its maximum in ``score``)
  level 1  a group ("1. TỔ CHỨC SẢN XUẤT", its maximum)
  level 2  a criterion ("a) Nguồn gốc sản phẩm", its maximum); a level-2 row without options of its
           own followed by rows starting with "-" is a heading whose sub-criteria are those rows
           (sheets 11, 13: "a) Ngoại hình" / "- Tạp chất")
  level 3  an option ("□ …", its points); options directly under a group make one criterion
           carrying the group's title
  ``***`` / ``****`` / ``*****`` at the end of a title (and the ``stars`` column): the mark of the
           annex, read as "a product of that many stars or more must reach at least this option"
           (on a criterion: must reach any of its options); see the data format in criteria.py.

OUTPUT
------
ocop/evaluation/data/sheet-148-*.json, one per CSV, in the format of ocop/evaluation/criteria.py.
Code, applies_to and title are those of the file already there (the skeleton); "version" is the
committed version when the content is unchanged, else the committed version + 1 (a loaded version
never changes). The "Rau, củ, quả, hạt tươi" sheet (CSV 1) was transcribed by hand earlier and is
not rewritten.

Conversion rules (the same for every sheet):
- text is NFC-normalised, whitespace collapsed, the "□" and the trailing star marks removed;
- a group's title is its heading in sentence case (acronyms such as ATTP kept); a parenthesised or
  second line of a heading, and the ``description`` column, become notes;
- a criterion with only a label ("a)") takes the group's title as its text;
- when no option is worth 0 points, an "implicit" 0-point option ("không đánh dấu ô nào") is added;
- criterion codes are "<part>.<group>.<n>" (n = position in the group), option codes 0 (implicit)
  then 1, 2, … in the order of the CSV;
- tags (used by QĐ 1489's commune pre-assessment): part A criteria on the origin of the product or
  raw material → local_origin, the origin of the idea → idea_origin, local labour → local_labour,
  the legal representative → women_ethnic_minority; part B criterion on local identity →
  local_identity.

QĐ 1048/QĐ-TTg (Phụ lục III, 26 "phân nhóm") is built the same way from a second public
transcription: the criteria tables (product_types, sections, questions, answers, groups) of the
MySQL dump ``ocop-web-master/ocop-web-master/mysql/init.sql`` of the GitHub repository
``tranquangduc24011999/ommani_ocop`` (commit 38ed3c1e19ca97733c644b52f402dcba7f7f896a, dump of
29/7/2022), extracted once into scripts/criteria_sources/qd1048/ommani_ocop-criteria.json with

    .venv/bin/python scripts/build_criteria.py --extract-1048 path/to/init.sql

(only those five tables; the dump's other tables are not copied). Its rules: a section is a group
(its part from groups.code), a question a criterion ("1.1. Nguồn nguyên liệu": text after the
number; an empty question takes its section's title), a question of type 2 a heading whose
sub-questions are criteria, the answers the options in their order. Three product types are
imported twice in the dump (identical copies): the first copy is used. QĐ 1048 has no star marks.

Errors found in the transcription are corrected in FIXES below, each with its reason; every fix
makes the affected criterion "confirmed": false ([?] on screen) unless it only restores what the
CSV itself states elsewhere (a maximum printed in the ``score`` column).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "scripts" / "criteria_sources" / "qd148"
DATA = ROOT / "ocop" / "evaluation" / "data"
UPSTREAM = "GitHub augustine-tran/ocop, db/ocop/ (commit d76e5ad5de8cf7f044e67784aea849fdd9cee799)"

# CSV number -> data file (skeleton) it fills
TARGETS = {
    1: "sheet-148-rau-cu-qua-hat-tuoi.json",
    2: "sheet-148-thit-thuy-san-trung-sua-tuoi.json",
    3: "sheet-148-gao-ngu-coc-hat-so-che-khac.json",
    4: "sheet-148-mat-ong-mat-khac-va-nong-san-thuc-pham-khac.json",
    5: "sheet-148-do-an-nhanh.json",
    6: "sheet-148-che-bien-tu-gao-ngu-coc.json",
    7: "sheet-148-che-bien-tu-rau-cu-qua-hat.json",
    8: "sheet-148-che-bien-tu-thit-trung-sua-thuy-san-cac-san-pham-tu-mat-ong.json",
    9: "sheet-148-tuong-nuoc-mam-gia-vi-dang-long-khac.json",
    10: "sheet-148-gia-vi-khac-muoi-hanh-toi-tieu.json",
    11: "sheet-148-che-tuoi-che-che-bien.json",
    12: "sheet-148-san-pham-tra-tu-thuc-vat-khac.json",
    13: "sheet-148-san-pham-ca-phe-ca-cao.json",
    14: "sheet-148-ruou-trang.json",
    15: "sheet-148-do-uong-co-con-khac.json",
    16: "sheet-148-nuoc-khoang-thien-nhien-nuoc-uong-tinh-khiet-dong-chai.json",
    17: "sheet-148-do-uong-khong-con-khac.json",
    18: "sheet-148-thuc-pham-chuc-nang-thuoc-duoc-lieu-thuoc-y-hoc-co-truyen.json",
    19: "sheet-148-my-pham-co-thanh-phan-tu-thao-duoc.json",
    20: "sheet-148-tinh-dau-va-thao-duoc-khac.json",
    21: "sheet-148-thu-cong-my-nghe-gia-dung-trang-tri.json",
    22: "sheet-148-vai-may-mac.json",
    23: "sheet-148-hoa.json",
    24: "sheet-148-cay-canh.json",
    25: "sheet-148-dong-vat-canh.json",
    26: "sheet-148-dich-vu-du-lich-cong-dong-du-lich-sinh-thai-va-diem-du-lich.json",
}
HAND_MADE = {1}  # transcribed earlier by hand (see SOURCES.md); not rewritten

PART_TITLES = {"A": "Sản phẩm và sức mạnh cộng đồng", "B": "Khả năng tiếp thị", "C": "Chất lượng sản phẩm"}
ACRONYMS = ("ATTP", "OCOP", "HTX", "TNHH", "VietGAP", "GMP", "HACCP", "ISO", "EU", "BVTV")

# Corrections of the transcription: {sheet number: [fix, ...]}. A fix selects rows by their
# position in the CSV (1-based data row, the header not counted) and sets fields; "reason" is
# written into the criterion's note and SOURCES.md.
FIXES: dict[int, list[dict]] = {
    7: [
        {
            "row_n": 115,
            "expect": "□ Tự nhiên của thành phần nguyên liệu, phù hợp, hấp dẫn",
            "set": {"score": "4"},
            "reason": "bản chép ghi tiêu chí “Mùi” tối đa 4 điểm (nhóm 16, phần C 35 điểm đều khớp với 4) nhưng "
            "lựa chọn cao nhất 3 điểm; lựa chọn cao nhất được tính 4 điểm.",
        }
    ],
    17: [
        {
            "row_n": 17,
            "expect": "□ Có hợp đồng liên kết sản xuất từ 50%",
            "set": {"score": "1"},
            "reason": "ô điểm ghi “l” trong bản chép, đọc là 1 (như các bộ khác).",
        }
    ],
    18: [
        {
            "row_n": 9,
            "expect": "□ Chế biến đơn giản",
            "set": {"score": "1"},
            "reason": "ô điểm ghi “t” trong bản chép, đọc là 1 (thang 0-1-2-3 của tiêu chí).",
        }
    ],
}

# Sheets whose transcription cannot be completed without inventing criteria: written as skeletons
# (structure_only) with the reason, which the interface shows.
INCOMPLETE: dict[int, str] = {
    11: "phần C của bản chép chỉ cộng lại 32 điểm (nhóm 6-11: 13+5+4+5+2+3), thiếu 3 điểm so với 35 điểm của Điều 1",
    12: "phần C của bản chép chỉ cộng lại 32 điểm (nhóm 6-11: 13+5+4+5+2+3), thiếu 3 điểm so với 35 điểm của Điều 1",
    13: "phần C của bản chép chỉ cộng lại 33 điểm (nhóm 6-11: 14+5+4+5+2+3), thiếu 2 điểm so với 35 điểm của Điều 1",
}


# --- reading -----------------------------------------------------------------------------------


def clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    return re.sub(r"\s+", " ", text).strip()


STAR_RE = re.compile(r"\s*(\*{3,5})\s*\.?\s*$")


def split_stars(text: str) -> tuple[str, int | None]:
    """'□ Đồng đều****' -> ('□ Đồng đều', 4)."""
    m = STAR_RE.search(text)
    if not m:
        return text, None
    return text[: m.start()].rstrip(), len(m.group(1))


def sentence_case(text: str) -> str:
    if text != text.upper():
        return text
    low = text.lower()
    low = low[:1].upper() + low[1:]
    for acr in ACRONYMS:
        low = re.sub(r"\b" + re.escape(acr.lower()) + r"\b", acr, low, flags=re.IGNORECASE)
    return low


def strip_parens(text: str) -> str:
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def as_note(*texts: str) -> str:
    parts = []
    for t in texts:
        t = strip_parens(clean(t)).rstrip(":").strip()
        if t:
            parts.append(t if t.endswith((".", "!", "?")) else t + ".")
    return " ".join(parts)


def points(raw: str, where: str):
    raw = (raw or "").strip()
    if not re.fullmatch(r"\d+(\.\d+)?", raw):
        raise ValueError(f"{where}: điểm “{raw}” không phải là số")
    value = float(raw)
    return int(value) if value == int(value) else value


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, row in enumerate(rows, start=1):
        row["n"] = i
        row["level"] = int(row["level"])
    return rows


# --- building ----------------------------------------------------------------------------------


def csv_files() -> dict[int, Path]:
    found = {}
    for path in SOURCES.glob("*.csv"):
        m = re.match(r"OCOP - (\d+)\.", path.name)
        if m:
            found[int(m.group(1))] = path
    return found


def apply_fixes(number: int, rows: list[dict]) -> dict[int, str]:
    """Apply FIXES to the rows; returns {row number: reason} of the rows changed."""
    reasons = {}
    by_n = {r["n"]: r for r in rows}
    for fix in FIXES.get(number, []):
        if fix.get("insert_after"):
            new = dict(fix["row"], n=fix["insert_after"] + 0.5)
            rows.append(new)
            reasons[new["n"]] = fix["reason"]
            continue
        row = by_n[fix["row_n"]]
        expect = fix.get("expect")
        if expect and not clean(row["title"]).startswith(expect):
            raise SystemExit(
                f"sheet {number}: fix of row {fix['row_n']} expects “{expect}”, found “{clean(row['title'])}”"
            )
        row.update(fix["set"])
        reasons[row["n"]] = fix["reason"]
    rows.sort(key=lambda r: r["n"])
    return reasons


LABEL_RE = re.compile(r"^([a-zđ])\s*\)\s*")
GROUP_RE = re.compile(r"^(\d+)\s*\.\s*")


def tag_for(part: str, group_title: str, text: str) -> list[str]:
    t = text.lower()
    if part == "A":
        if t.startswith("nguồn gốc ý tưởng"):
            return ["idea_origin"]
        if t.startswith("nguồn gốc") or t.startswith("nguồn nguyên liệu"):
            return ["local_origin"]
        if "lao động địa phương" in t:
            return ["local_labour"]
        if t.startswith("đại diện pháp luật"):
            return ["women_ethnic_minority"]
    if part == "B" and "bản sắc địa phương" in t:
        return ["local_identity"]
    return []


class Builder:
    def __init__(self, number: int, rows: list[dict], reasons: dict[int, str]):
        self.number = number
        self.rows = rows
        self.reasons = reasons
        self.parts: list[dict] = []

    def build(self) -> list[dict]:
        part = group = criterion = None
        heading = None  # a level-2 heading over "-" sub-criteria: (label, text, note)
        for row in self.rows:
            level = row["level"]
            title_lines = [clean(x) for x in (row["title"] or "").split("\n") if clean(x)]
            where = f"sheet {self.number}, CSV row {row['n']}"
            if level == 0:
                code = re.search(r"Phần\s+([ABC])", title_lines[0]).group(1)
                part = {"code": code, "title": PART_TITLES[code], "max": points(row["score"], where), "groups": []}
                self.parts.append(part)
                group = criterion = heading = None
            elif level == 1:
                first, stars = split_stars(title_lines[0])
                m = GROUP_RE.match(first)
                gcode = m.group(1)
                rest = first[m.end() :]
                gtitle, paren = (
                    (rest.split("(", 1) + [""])[:2] if "(" in rest and not rest.startswith("(") else (rest, "")
                )
                note = as_note("(" + paren if paren else "", *title_lines[1:], row["description"])
                group = {
                    "code": gcode,
                    "title": sentence_case(gtitle.strip()),
                    "max": points(row["score"], where),
                    "criteria": [],
                }
                if note:
                    group["note"] = note
                part["groups"].append(group)
                criterion = heading = None
                if stars:
                    raise SystemExit(f"{where}: star mark on a group")
            elif level == 2:
                first, stars = split_stars(title_lines[0])
                extra = title_lines[1:]
                if first.startswith("-") and heading is not None:
                    label, htext, hnote = heading
                    text = f"{htext} – {first.lstrip('- ').strip()}"
                    note = as_note(hnote, *extra, row["description"])
                else:
                    m = LABEL_RE.match(first)
                    label = f"{m.group(1)})" if m else ""
                    text = first[m.end() :].strip() if m else first
                    if " - " in text and self.number == 13:  # "a) Ngoại hình - Tạp chất lạ"
                        head, sub = text.split(" - ", 1)
                        text = f"{sentence_case(head)} – {sub}"
                    note = as_note(*extra, row["description"])
                    if not text:
                        text = group["title"]
                        note = note or group.pop("note", "")
                    text = sentence_case(text)
                    if self._is_heading(row):
                        heading = (label, text, note)
                        criterion = None
                        continue
                    heading = None
                criterion = self._criterion(part, group, label, text, note, stars, row)
            elif level == 3:
                if criterion is None:  # options directly under the group
                    criterion = self._criterion(
                        part,
                        group,
                        "a)" if not group["criteria"] else "",
                        group["title"],
                        group.get("note", ""),
                        None,
                        row,
                        declared=str(group["max"]),
                    )
                    group.pop("note", None)
                first, stars = split_stars(" ".join(title_lines[:1]))
                extra = title_lines[1:]
                if not first.startswith("□"):
                    raise SystemExit(f"{where}: option without □: {first}")
                option = {
                    "code": str(len([o for o in criterion["options"] if not o.get("implicit")]) + 1),
                    "text": first.lstrip("□ ").strip(),
                    "points": points(row["score"], where),
                }
                if stars:
                    option["required_for_stars"] = stars
                if extra:
                    criterion["note"] = as_note(criterion.get("note", ""), *extra)
                criterion["options"].append(option)
                if row["n"] in self.reasons:
                    criterion["confirmed"] = False
                    criterion["note"] = as_note(criterion.get("note", ""), "[?] " + self.reasons[row["n"]])
        for p in self.parts:
            for g in p["groups"]:
                self._merge_cases(g)
                for c in g["criteria"]:
                    self._finish(c)
        return self.parts

    CASES_RE = re.compile(r"^(?:[a-z]\.\s*)?Trường hợp (\d+)\s*:\s*(.+)$")

    def _merge_cases(self, group: dict) -> None:
        """ "Lựa chọn một trong hai trường hợp sau": the cases of a group are one criterion whose
        options are those of every case, prefixed by the case (a member ticks one box)."""
        if "Lựa chọn một trong" not in group.get("note", ""):
            return
        cases = [(self.CASES_RE.match(c["text"]), c) for c in group["criteria"]]
        if not cases or not all(m for m, _c in cases):
            raise SystemExit(f"sheet {self.number}, group {group['code']}: cases not understood")
        first = cases[0][1]
        merged = {
            "code": first["code"],
            "label": "a)",
            "text": group["title"],
            "note": group.pop("note"),
            "confirmed": all(c["confirmed"] for _m, c in cases),
            "max_declared": first["max_declared"],
            "options": [],
        }
        for m, c in cases:
            if c["max_declared"] != first["max_declared"]:
                raise SystemExit(f"sheet {self.number}, group {group['code']}: cases with different maxima")
            for o in c["options"]:
                merged["options"].append(
                    dict(
                        o,
                        code=str(len(merged["options"]) + 1),
                        text=f"Trường hợp {m.group(1)} ({m.group(2)}): {o['text']}",
                    )
                )
        group["criteria"] = [merged]

    def _is_heading(self, row) -> bool:
        i = self.rows.index(row)
        nxt = self.rows[i + 1] if i + 1 < len(self.rows) else None
        return bool(nxt and nxt["level"] == 2 and clean(nxt["title"]).startswith("-"))

    def _criterion(self, part, group, label, text, note, stars, row, declared=None) -> dict:
        index = len(group["criteria"]) + 1
        criterion = {
            "code": f"{part['code']}.{group['code']}.{index}",
            "label": label or f"{'abcdđe'[index - 1]})",
            "text": text.rstrip(":").strip(),
        }
        if note:
            criterion["note"] = note
        tags = tag_for(part["code"], group["title"], text)
        if tags:
            criterion["tags"] = tags
        if stars:
            criterion["mandatory"] = True
            criterion["required_for_stars"] = stars
            criterion["note"] = as_note(
                criterion.get("note", ""),
                f"Tiêu chí đánh dấu {'*' * stars} (bắt buộc với sản phẩm {stars} sao trở lên)",
            )
        criterion["confirmed"] = True
        if row["n"] in self.reasons:
            criterion["confirmed"] = False
            criterion["note"] = as_note(criterion.get("note", ""), "[?] " + self.reasons[row["n"]])
        criterion["max_declared"] = row["score"] if declared is None else declared
        criterion["options"] = []
        group["criteria"].append(criterion)
        return criterion

    def _finish(self, c: dict) -> None:
        declared = c.pop("max_declared")
        if not c["options"]:
            raise SystemExit(f"sheet {self.number}: {c['code']} has no option")
        best = max(o["points"] for o in c["options"])
        if (declared or "").strip() and points(declared, c["code"]) != best:
            raise SystemExit(
                f"sheet {self.number}: {c['code']} {c['text']}: declared max {declared}, best option {best}"
            )
        if not any(o["points"] == 0 for o in c["options"]):
            c["options"].insert(
                0,
                {
                    "code": "0",
                    "text": "Không đạt mức nào nêu trên (không đánh dấu ô nào)",
                    "points": 0,
                    "implicit": True,
                },
            )
        if any(o.get("required_for_stars") for o in c["options"]):
            c["mandatory"] = True
        # key order as in the hand-made sheet
        order = ["code", "label", "text", "note", "tags", "mandatory", "required_for_stars", "confirmed", "options"]
        items = sorted(c.items(), key=lambda kv: order.index(kv[0]))
        c.clear()
        c.update(items)


def committed(path: Path) -> dict | None:
    """The committed version of a data file (the file on disk when there is no git checkout)."""
    rel = path.relative_to(ROOT).as_posix()
    try:
        out = subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    return json.loads(out.stdout.decode("utf-8"))


def build_sheet(number: int, path: Path) -> tuple[Path, dict]:
    target = DATA / TARGETS[number]
    skeleton = json.loads(target.read_text(encoding="utf-8"))
    rows = read_rows(path)
    reasons = apply_fixes(number, rows)
    parts = Builder(number, rows, reasons).build()
    name = skeleton["title"].split("Bộ sản phẩm: ")[-1]
    sheet = {
        "kind": "sheet",
        "code": skeleton["code"],
        "version": 1,
        "instrument": "QD148",
        "title": skeleton["title"],
        "applies_to": skeleton["applies_to"],
        "valid_from": skeleton["valid_from"],
        "valid_to": skeleton["valid_to"],
        "structure_only": False,
        "source": (
            f"Phụ lục III QĐ 148/QĐ-TTg, “Bộ sản phẩm: {name}”, theo bản chép công khai ({UPSTREAM}, "
            f"{path.name}); chuyển bằng scripts/build_criteria.py. Tổng phần 40/25/35 (Điều 1 QĐ 148). "
            "Mức bắt buộc theo dấu ***, ****, ***** của bản chép."
        ),
        "note": (
            "“confirmed”: true nghĩa là lời văn và điểm khớp bản chép công khai nêu ở “source”, chưa đối chiếu "
            "bản PDF công báo. Lựa chọn “implicit” (0 điểm) không có trong văn bản: dùng khi không đánh dấu ô "
            "nào. “required_for_stars”: N — mức đánh dấu N sao trong văn bản: sản phẩm xếp hạng N sao trở lên "
            "phải đạt ít nhất mức này [?: cách hiểu dấu sao chưa đối chiếu phần ghi chú của văn bản gốc]."
        ),
        "parts": parts,
    }
    return target, with_version(target, sheet)


def with_version(target: Path, sheet: dict) -> dict:
    base = committed(target)
    if base is not None:
        same = {k: v for k, v in base.items() if k != "version"} == {k: v for k, v in sheet.items() if k != "version"}
        sheet["version"] = base["version"] if same else base["version"] + 1
    return sheet


def build_skeleton(number: int, path: Path) -> tuple[Path, dict]:
    target = DATA / TARGETS[number]
    skeleton = json.loads(target.read_text(encoding="utf-8"))
    name = skeleton["title"].split("Bộ sản phẩm: ")[-1]
    sheet = {
        k: skeleton[k]
        for k in ("kind", "code", "version", "instrument", "title", "applies_to", "valid_from", "valid_to")
    }
    sheet.update(
        {
            "structure_only": True,
            "source": f"Khung phần theo Điều 1 QĐ 148/QĐ-TTg. Bản chép công khai Phụ lục III “Bộ sản phẩm: {name}”: "
            f"{UPSTREAM}, {path.name}.",
            "note": f"[?] Chưa nhập tiêu chí: {INCOMPLETE[number]}. Không có bản chép công khai thứ hai để đối chiếu; "
            "cần bản công báo trước khi chấm sản phẩm thuộc bộ này.",
            "parts": [{"code": c, "title": PART_TITLES[c], "max": m} for c, m in (("A", 40), ("B", 25), ("C", 35))],
        }
    )
    return target, with_version(target, sheet)


# --- QĐ 1048 -----------------------------------------------------------------------------------

SOURCES_1048 = ROOT / "scripts" / "criteria_sources" / "qd1048" / "ommani_ocop-criteria.json"
UPSTREAM_1048 = (
    "GitHub tranquangduc24011999/ommani_ocop, ocop-web-master/ocop-web-master/mysql/init.sql "
    "(commit 38ed3c1e19ca97733c644b52f402dcba7f7f896a, kết xuất 29/7/2022)"
)
TABLES_1048 = {
    "product_types": ("id", "name"),
    "groups": ("id", "code", "name"),
    "sections": ("id", "product_type", "name", "group_id"),
    "questions": ("id", "question", "section_id", "parent_id", "type", "note", "product_type_id"),
    "answers": ("id", "content", "question_id", "point"),
}
# product_types.id of the dump -> data file (skeleton) it fills
TARGETS_1048 = {
    1: "sheet-1048-che-tuoi-che-bien.json",
    2: "sheet-1048-che-bien-tu-gao-ngu-coc.json",
    3: "sheet-1048-che-bien-tu-rau-cu-qua-hat.json",
    4: "sheet-1048-che-bien-tu-thit-trung-sua.json",
    5: "sheet-1048-che-bien-tu-thuy-hai-san.json",
    6: "sheet-1048-ca-phe-ca-cao.json",
    7: "sheet-1048-cac-san-pham-khac-tu-che-tra.json",
    8: "sheet-1048-dich-vu-du-lich-cong-dong-va-diem-du-lich.json",
    9: "sheet-1048-gia-vi-khac.json",
    10: "sheet-1048-gao-ngu-coc.json",
    11: "sheet-1048-mat-ong-cac-san-pham-tu-mat-ong-mat-khac.json",
    12: "sheet-1048-my-pham.json",
    13: "sheet-1048-vai-may-mac.json",
    14: "sheet-1048-nuoc-khoang-thien-nhien-nuoc-uong-tinh-khiet.json",
    15: "sheet-1048-rau-cu-qua-hat-tuoi.json",
    16: "sheet-1048-ruou-trang.json",
    17: "sheet-1048-thao-duoc-khac.json",
    18: "sheet-1048-thit-trung-sua-tuoi.json",
    19: "sheet-1048-thu-cong-my-nghe-gia-dung.json",
    20: "sheet-1048-thu-cong-my-nghe-trang-tri.json",
    21: "sheet-1048-thuc-pham-chuc-nang-thuoc-tu-duoc-lieu-thuoc-y-hoc-co-truyen.json",
    22: "sheet-1048-trang-thiet-bi-dung-cu-y-te.json",
    23: "sheet-1048-tuong-nuoc-mam-gia-vi-dang-long-khac.json",
    24: "sheet-1048-do-uong-co-con-khac.json",
    25: "sheet-1048-do-uong-khong-con.json",
    26: "sheet-1048-do-an-nhanh.json",
}
HAND_MADE_1048 = {15}  # transcribed earlier from another source; the test compares both
INCOMPLETE_1048: dict[int, str] = {
    10: "bản chép không có tiêu chí nào cho phân nhóm này",
    21: "phần C của bản chép chỉ cộng lại 38 điểm, thiếu 2 điểm so với 40 điểm của Điều 1 QĐ 1048",
    23: "phần C của bản chép chỉ cộng lại 38 điểm, thiếu 2 điểm so với 40 điểm của Điều 1 QĐ 1048",
    24: "phần C của bản chép chỉ cộng lại 38 điểm, thiếu 2 điểm so với 40 điểm của Điều 1 QĐ 1048",
}
PART_MAXIMA_1048 = (("A", 35), ("B", 25), ("C", 40))
NUMBER_RE = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s*")


def extract_1048(sql_path: Path) -> None:
    """Copy the five criteria tables of the dump into SOURCES_1048 (rows as lists, in the dump's order)."""
    sql = Path(sql_path).read_text(encoding="utf-8")
    out = {"source": UPSTREAM_1048, "tables": {}}
    for table, columns in TABLES_1048.items():
        rows = []
        for m in re.finditer(r"INSERT INTO `%s` \(([^)]*)\) VALUES\n(.*?);\n" % table, sql, re.S):
            names = [c.strip(" `") for c in m.group(1).split(",")]
            for values in _sql_tuples(m.group(2)):
                row = dict(zip(names, values))
                rows.append([row[c] for c in columns])
        out["tables"][table] = {"columns": list(columns), "rows": rows}
    SOURCES_1048.parent.mkdir(parents=True, exist_ok=True)
    SOURCES_1048.write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def _sql_tuples(body: str):
    """The value tuples of one INSERT … VALUES body (MySQL quoting: '' and backslash escapes)."""
    i, n = 0, len(body)
    while i < n:
        if body[i] != "(":
            i += 1
            continue
        i += 1
        values = []
        while True:
            while body[i] in " \n":
                i += 1
            if body[i] == "'":
                i += 1
                text = ""
                while True:
                    c = body[i]
                    if c == "\\":
                        text += {"n": "\n", "r": "\r", "t": "\t"}.get(body[i + 1], body[i + 1])
                        i += 2
                    elif c == "'" and body[i + 1] == "'":
                        text += "'"
                        i += 2
                    elif c == "'":
                        i += 1
                        break
                    else:
                        text += c
                        i += 1
                values.append(text)
            else:
                j = i
                while body[j] not in ",)":
                    j += 1
                token = body[i:j].strip()
                values.append(None if token == "NULL" else int(token) if re.fullmatch(r"-?\d+", token) else token)
                i = j
            while body[i] in " \n":
                i += 1
            if body[i] == ",":
                i += 1
                continue
            i += 1  # ")"
            break
        yield values


def load_1048() -> dict:
    raw = json.loads(SOURCES_1048.read_text(encoding="utf-8"))
    return {t: [dict(zip(v["columns"], r)) for r in v["rows"]] for t, v in raw["tables"].items()}


def criteria_1048(tables: dict, product_type: int) -> list[dict]:
    """The questions of one product type as rows {part, group, group_title, text, note, points}:
    one per criterion, duplicates of the dump dropped."""
    groups = {g["id"]: g["code"] for g in tables["groups"]}
    sections = {s["id"]: s for s in tables["sections"]}
    answers: dict[int, list] = {}
    for a in tables["answers"]:
        answers.setdefault(a["question_id"], []).append(a)
    questions = [q for q in tables["questions"] if q["product_type_id"] == product_type]
    by_id = {q["id"]: q for q in questions}
    seen, rows = set(), []
    for q in questions:
        section = sections[q["section_id"]]
        parent = by_id.get(q["parent_id"]) if q["parent_id"] else None
        key = (section["name"], q["question"], parent["question"] if parent else "")
        if key in seen:  # the dump's second copy of a product type
            continue
        seen.add(key)
        if q["type"] == 2:  # a heading over sub-questions
            continue
        m = GROUP_RE.match(clean(section["name"]))
        gtitle = clean(section["name"])[m.end() :] if m else clean(section["name"])
        text = NUMBER_RE.sub("", clean(q["question"]))
        if parent is not None:
            text = f"{NUMBER_RE.sub('', clean(parent['question']))} – {text}"
        notes = [clean(parent["note"] or "")] if parent is not None else []
        notes.append(clean(q["note"] or ""))
        rows.append(
            {
                "part": groups[section["group_id"]],
                "group": m.group(1) if m else "?",
                "group_title": sentence_case(gtitle),
                "text": sentence_case(text) if text else "",
                "note": as_note(*notes),
                "options": [(clean(a["content"]), a["point"]) for a in answers.get(q["id"], [])],
            }
        )
    return rows


def build_sheet_1048(product_type: int, tables: dict) -> tuple[Path, dict]:
    target = DATA / TARGETS_1048[product_type]
    skeleton = json.loads(target.read_text(encoding="utf-8"))
    name = skeleton["title"].split("Phân nhóm: ")[-1]
    head = {
        k: skeleton[k]
        for k in ("kind", "code", "version", "instrument", "title", "applies_to", "valid_from", "valid_to")
    }
    if product_type in INCOMPLETE_1048:
        head.update(
            {
                "structure_only": True,
                "source": f"Khung phần theo Điều 1 QĐ 1048/QĐ-TTg. Bản chép công khai Phụ lục III: {UPSTREAM_1048}.",
                "note": f"[?] Chưa nhập tiêu chí: {INCOMPLETE_1048[product_type]}. Cần bản công báo trước khi chấm "
                "sản phẩm thuộc phân nhóm này.",
                "parts": [{"code": c, "title": PART_TITLES[c], "max": m} for c, m in PART_MAXIMA_1048],
            }
        )
        return target, with_version(target, head)
    parts = {c: {"code": c, "title": PART_TITLES[c], "max": m, "groups": []} for c, m in PART_MAXIMA_1048}
    for row in criteria_1048(tables, product_type):
        groups = parts[row["part"]]["groups"]
        if not groups or groups[-1]["code"] != row["group"]:
            groups.append({"code": row["group"], "title": row["group_title"], "criteria": []})
        group = groups[-1]
        index = len(group["criteria"]) + 1
        criterion = {
            "code": f"{row['part']}.{row['group']}.{index}",
            "label": f"{index}.",
            "text": row["text"] or group["title"],
        }
        note = row["note"]
        options = [
            {"code": str(n), "text": t.lstrip("□ ").strip(), "points": p}
            for n, (t, p) in enumerate(row["options"], start=1)
        ]
        confirmed = True
        if "Lựa chọn một trong" in note:
            confirmed = False
            note = as_note(note, "[?] Hai trường hợp của văn bản được gộp thành một lựa chọn như trong bản chép")
        if note:
            criterion["note"] = note
        tags = tag_for(row["part"], group["title"], criterion["text"])
        if row["part"] == "B" and "trí tuệ" in criterion["text"].lower():
            tags = ["local_identity"]
        if tags:
            criterion["tags"] = tags
        criterion["confirmed"] = confirmed
        if not any(o["points"] == 0 for o in options):
            options.insert(
                0,
                {
                    "code": "0",
                    "text": "Không đạt mức nào nêu trên (không đánh dấu ô nào)",
                    "points": 0,
                    "implicit": True,
                },
            )
        criterion["options"] = options
        group["criteria"].append(criterion)
    for part in parts.values():
        for group in part["groups"]:
            group["max"] = sum(max(o["points"] for o in c["options"]) for c in group["criteria"])
    head.update(
        {
            "structure_only": False,
            "source": (
                f"Phụ lục III QĐ 1048/QĐ-TTg, phân nhóm “{name}”, theo bản chép công khai ({UPSTREAM_1048}; bảng "
                "questions/answers); chuyển bằng scripts/build_criteria.py. Tổng phần 35/25/40 (Điều 1 QĐ 1048)."
            ),
            "note": (
                "“confirmed”: true nghĩa là lời văn và điểm khớp bản chép công khai nêu ở “source”, chưa đối chiếu "
                "bản PDF công báo. Lựa chọn “implicit” (0 điểm) không có trong văn bản: dùng khi không đánh dấu ô "
                "nào. Chưa phản ánh sửa đổi của QĐ 781/QĐ-TTg (08/6/2020) [?]."
            ),
            "parts": list(parts.values()),
        }
    )
    return target, with_version(target, head)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file would change")
    parser.add_argument("--only", type=int, action="append", help="only this CSV number (repeatable)")
    parser.add_argument(
        "--extract-1048", metavar="INIT_SQL", help="extract the QĐ 1048 source from the dump, then build"
    )
    args = parser.parse_args(argv)
    if args.extract_1048:
        extract_1048(Path(args.extract_1048))
    files = csv_files()
    missing = sorted(set(TARGETS) - set(files))
    if missing:
        raise SystemExit(f"missing CSV files: {missing} in {SOURCES}")
    changed = []
    for number in sorted(TARGETS):
        if number in HAND_MADE or (args.only and number not in args.only):
            continue
        if number in INCOMPLETE:
            target, sheet = build_skeleton(number, files[number])
        else:
            target, sheet = build_sheet(number, files[number])
        text = json.dumps(sheet, ensure_ascii=False, indent=2) + "\n"
        if target.read_text(encoding="utf-8") != text:
            changed.append(target.name)
            if not args.check:
                target.write_text(text, encoding="utf-8")
    if not args.only:
        tables = load_1048()
        for product_type in sorted(TARGETS_1048):
            if product_type in HAND_MADE_1048:
                continue
            target, sheet = build_sheet_1048(product_type, tables)
            text = json.dumps(sheet, ensure_ascii=False, indent=2) + "\n"
            if target.read_text(encoding="utf-8") != text:
                changed.append(target.name)
                if not args.check:
                    target.write_text(text, encoding="utf-8")
    for name in changed:
        print(("would change " if args.check else "wrote ") + name)
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
