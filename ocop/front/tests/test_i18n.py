"""The translation catalogues: the English one is complete, and every committed .mo matches its .po.

The source strings are Vietnamese; ocop/locale/en/LC_MESSAGES/django.po gives the English and
ocop/locale/vi/LC_MESSAGES/django.po Vietnamese for some of Django's own messages. Both the .po and
the .mo files are committed; `bash scripts/messages.sh` regenerates and compiles them. No database.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
FIX = "run `bash scripts/messages.sh`, translate the empty entries, and run it again"


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 for a singular entry; the plural forms otherwise
    flags: set[str] = field(default_factory=set)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """The header fields and the entries of a .po file (obsolete `#~` entries are left out).

    Handles multi-line strings, msgctxt, plurals and flags: enough for what makemessages writes."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None  # (keyword, plural index) that continuation lines extend
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        m = re.fullmatch(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")", line)
        if m:
            keyword, index, text = m.group(1), int(m.group(2) or 0), m.group(3)
            if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
                entry = Entry(line=number, flags=flags)
                entries.append(entry)
                flags = set()
            assert entry is not None, f"{path}:{number}: {keyword} before msgid"
            target = (keyword, index)
        elif line.startswith('"') and target is not None:
            text = line
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
        value = ast.literal_eval(text)  # a C-escaped, double-quoted string, as Python reads it
        keyword, index = target
        if keyword == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
        else:
            setattr(entry, keyword, (getattr(entry, keyword) or "") + value)
    header: dict[str, str] = {}
    if entries and entries[0].msgid == "" and entries[0].msgctxt is None:
        for row in entries.pop(0).msgstr.get(0, "").splitlines():
            name, _, value = row.partition(":")
            header[name.strip()] = value.strip()
    return header, entries


# %(name)s, %(n)d, %s, %.2f ... but not a literal %%.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")


def placeholders(text: str) -> tuple[Counter, list[str]]:
    """Named placeholders (any order) and positional ones (in order) of a format string."""
    text = text.replace("%%", "")
    named, positional = Counter(), []
    for m in PLACEHOLDER.finditer(text):
        if m.group("name") is not None:
            named[m.group(0)] += 1
        else:
            positional.append(m.group(0))
    return named, positional


EN_HEADER, EN_ENTRIES = parse_po(EN_PO)


def test_the_english_catalogue_is_parsed():
    assert EN_HEADER.get("Language") == "en"
    assert EN_HEADER.get("Plural-Forms", "").startswith("nplurals=2;")
    assert len(EN_ENTRIES) > 100
    assert len({(e.msgctxt, e.msgid) for e in EN_ENTRIES}) == len(EN_ENTRIES), "duplicate msgids"


def test_every_english_entry_is_translated_and_not_fuzzy():
    problems = []
    for e in EN_ENTRIES:
        expected_forms = {0, 1} if e.msgid_plural is not None else {0}
        if set(e.msgstr) != expected_forms:
            problems.append(f"{e}: msgstr forms {sorted(e.msgstr)}, expected {sorted(expected_forms)}")
        elif not all(s.strip() for s in e.msgstr.values()):
            problems.append(f"{e}: untranslated")
        if e.fuzzy:
            problems.append(f"{e}: fuzzy")
    assert not problems, f"{len(problems)} English entries need work ({FIX}):\n" + "\n".join(problems)


def test_english_placeholders_match_the_source():
    problems = []
    for e in EN_ENTRIES:
        # msgstr[0] is the singular (msgid), msgstr[1] the plural (msgid_plural).
        sources = {0: e.msgid} if e.msgid_plural is None else {0: e.msgid, 1: e.msgid_plural}
        for index, source in sources.items():
            translated = e.msgstr.get(index, "")
            if translated and placeholders(translated) != placeholders(source):
                problems.append(f"{e}: msgstr[{index}] {translated!r} has placeholders {placeholders(translated)}")
    assert not problems, "\n".join(problems)


def test_english_translations_are_clean():
    """No stray whitespace or line breaks that the source does not have."""
    problems = []
    for e in EN_ENTRIES:
        for s in e.msgstr.values():
            if s and (s != s.strip() or s.count("\n") != e.msgid.count("\n") or "  " in s):
                problems.append(f"{e}: {s!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_the_committed_mo_matches_the_po(po_path):
    """Every translated entry of the .po reads back through the .mo, and the .mo holds nothing else:
    the committed .mo was compiled from this .po (run `bash scripts/messages.sh` if not)."""
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `bash scripts/messages.sh`"
    with mo_path.open("rb") as fp:
        mo = gettext.GNUTranslations(fp)
    _, entries = parse_po(po_path)
    # msgfmt leaves out fuzzy and untranslated entries, and Python's gettext then falls back to the msgid.
    compiled = [e for e in entries if not e.fuzzy and e.msgstr and all(e.msgstr.values())]
    stale = []
    expected_keys = {""}  # the header
    for e in compiled:
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            expected_keys.add(key)
            got = mo.gettext(e.msgid) if e.msgctxt is None else mo.pgettext(e.msgctxt, e.msgid)
            if got != e.msgstr[0]:
                stale.append(f"{e}: .mo gives {got!r}, .po says {e.msgstr[0]!r}")
            continue
        for index in e.msgstr:
            expected_keys.add((key, index))
        for n, index in ((1, 0), (2, 1)):  # English and Vietnamese plural rules agree on these
            index = min(index, len(e.msgstr) - 1)
            if e.msgctxt is None:
                got = mo.ngettext(e.msgid, e.msgid_plural, n)
            else:
                got = mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
            if got != e.msgstr[index]:
                stale.append(f"{e} (n={n}): .mo gives {got!r}, .po says {e.msgstr[index]!r}")
    extra = set(mo._catalog) - expected_keys
    missing = expected_keys - set(mo._catalog)
    if extra:
        stale.append(f".mo has {len(extra)} messages the .po does not: {sorted(map(str, extra))[:5]}")
    if missing:
        stale.append(f".mo lacks {len(missing)} messages of the .po: {sorted(map(str, missing))[:5]}")
    assert not stale, f"{mo_path} is out of date (run `bash scripts/messages.sh`):\n" + "\n".join(stale)


REQUIRED_EN = {
    "Tổng quan": "Overview",
    "Bản đồ tỉnh": "Province map",
    "Đơn vị hành chính": "Administrative units",
    "Đăng nhập": "Sign in",
    "Đăng xuất": "Sign out",
    "Người dùng": "Users",
    "Nhật ký": "Audit log",
    "Nhật ký thao tác": "Audit trail",
    "Quản trị hệ thống (Trung ương)": "System administrator (central)",
    "Cán bộ VPĐP NTM Trung ương": "Central coordination office officer",
    "Cán bộ cấp tỉnh": "Province officer",
    "Cán bộ cấp huyện (đến 30/6/2025)": "District officer (until 30/6/2025)",
    "Cán bộ cấp xã": "Commune officer",
    "Thành viên Hội đồng đánh giá": "Evaluation council member",
    "Chủ thể OCOP": "OCOP entity",
}


def test_django_serves_the_english():
    with translation.override("en"):
        assert translation.gettext("Tổng quan") == "Overview"


@pytest.mark.parametrize(("source", "english"), REQUIRED_EN.items(), ids=REQUIRED_EN.values())
def test_agreed_english_terms(source, english):
    with translation.override("en"):
        assert translation.gettext(source) == english
    with translation.override("vi"):
        assert translation.gettext(source) == source


def test_role_labels_in_english():
    from ocop.accounts.models import Role

    with translation.override("en"):
        assert str(Role.CENTRAL_ADMIN.label) == "System administrator (central)"
        assert str(Role.ENTITY_USER.label) == "OCOP entity"


def test_english_plural_forms():
    """Django picks msgstr[0] for one and msgstr[1] for several (from the catalogue's Plural-Forms)."""
    plural_entries = [e for e in EN_ENTRIES if e.msgid_plural is not None and e.msgctxt is None]
    with translation.override("en"):
        for e in plural_entries:
            assert translation.ngettext(e.msgid, e.msgid_plural, 1) == e.msgstr[0], e
            assert translation.ngettext(e.msgid, e.msgid_plural, 2) == e.msgstr[1], e
