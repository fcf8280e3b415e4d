"""Text from outside, cleaned once at the boundary; text folded for search, the same way everywhere.

**Cleaning** (`clean_text`): every text that comes in (forms, the API, Excel imports, uploaded file
names) is normalised to NFC and loses the characters no export can hold: control characters
(newline and tab are kept where a field may hold several lines), surrogates and the Unicode
non-characters (U+FFFE, U+FFFF, U+FDD0–U+FDEF and the last two code points of every plane).
A line-break pair (CR LF) or a lone CR becomes a newline. Cleaning is idempotent.

**Folding** (`fold`): lower case, without diacritics (đ → d), punctuation as spaces, single spaces:
"Mật ong Hoa Vàng", "MẬT ONG" and its decomposed (NFD) form all fold to "mat ong hoa vang"/"mat ong".
A search (`text_search`) folds the query and each searched column the same way and asks that
every word of the query be found in one of the columns: on SQLite through a registered function
(`ocop_fold`, see ocop/lib/apps.py), on PostgreSQL through the built-in `translate()` with the same
character table, so both databases give the same rows.
"""

from __future__ import annotations

import re
import sys
import unicodedata

from django.db.models import CharField, Lookup, Q, TextField

# at most this many words of a query are used, each cut to this length: bounds the SQL
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
MAX_QUERY_LENGTH = 200

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


# --- cleaning --------------------------------------------------------------------------------------


def is_noncharacter(cp: int) -> bool:
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _build_removed(multiline: bool) -> dict[int, None]:
    kept = {0x09, 0x0A} if multiline else set()
    removed = {cp: None for cp in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)) if cp not in kept}
    removed.update({cp: None for cp in range(0xFDD0, 0xFDF0)})
    for plane in range(17):
        removed[plane * 0x10000 + 0xFFFE] = None
        removed[plane * 0x10000 + 0xFFFF] = None
    removed.update({cp: None for cp in range(0xD800, 0xE000)})  # lone surrogates (never valid text)
    return removed


_REMOVED_MULTILINE = _build_removed(True)
_REMOVED_SINGLE_LINE = _build_removed(False)
_SINGLE_LINE_SPACES = {0x09: " ", 0x0A: " ", 0x0D: " "}


def clean_text(value, *, multiline: bool = True) -> str:
    """`value` as NFC text without control characters (newline and tab kept when `multiline`; on a
    single line they become spaces), surrogates or non-characters. None gives ""."""
    if value is None:
        return ""
    text = str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.translate(_SINGLE_LINE_SPACES)
    text = text.translate(_REMOVED_MULTILINE if multiline else _REMOVED_SINGLE_LINE)
    return unicodedata.normalize("NFC", text)


def needs_cleaning(value: str, *, multiline: bool = True) -> bool:
    return isinstance(value, str) and clean_text(value, multiline=multiline) != value


def clean_filename(name: str | None, *, default: str = "tep") -> str:
    """An uploaded file's name, cleaned (one line, no path separators)."""
    text = clean_text(name or "", multiline=False).replace("/", "_").replace("\\", "_").strip()
    return text or default


# --- folding ---------------------------------------------------------------------------------------


def strip_diacritics(text: str | None) -> str:
    """`text` without diacritics (đ → d, Đ → D), case and punctuation kept: "851/QĐ-UBND" → "851/QD-UBND"."""
    if not text:
        return ""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(text: str | None) -> str:
    """`text` without diacritics, lower case, punctuation as spaces, single spaces, stripped."""
    stripped = strip_diacritics(text).casefold().replace("đ", "d")
    return " ".join(_NON_WORD.sub(" ", stripped).split())


def query_words(query: str | None) -> list[str]:
    """The distinct folded words of a query, bounded in number and length."""
    words: list[str] = []
    for word in fold((query or "")[:MAX_QUERY_LENGTH]).split():
        word = word[:MAX_WORD_LENGTH]
        if word not in words:
            words.append(word)
        if len(words) == MAX_WORDS:
            break
    return words


def _fold_char(ch: str) -> str:
    base = "".join(
        c for c in unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D")) if not unicodedata.combining(c)
    )
    return base.casefold()


def _build_db_table() -> tuple[str, str, str]:
    """(from, to, deleted) of the character table the database folds with: every Latin letter with
    a diacritic (Latin-1, Latin Extended-A/B, Latin Extended Additional) and A–Z to its lower-case
    ASCII letter, combining marks deleted."""
    src, dst = [], []
    for cp in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        target = _fold_char(ch)
        if len(target) == 1 and target.isascii() and target.isalpha() and target != ch:
            src.append(ch)
            dst.append(target)
    deleted = "".join(chr(cp) for cp in range(0x300, 0x370))
    return "".join(src), "".join(dst), deleted


DB_FOLD_FROM, DB_FOLD_TO, DB_FOLD_DELETED = _build_db_table()
_DB_TABLE = {ord(a): b for a, b in zip(DB_FOLD_FROM, DB_FOLD_TO)} | {ord(c): None for c in DB_FOLD_DELETED}


def db_fold(value):
    """What the database compares: the column with the character table applied (SQLite function)."""
    return None if value is None else str(value).translate(_DB_TABLE)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class FoldedContains(Lookup):
    """`field__folded_contains="mat ong"`: the folded column contains the (already folded) text."""

    lookup_name = "folded_contains"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        pattern = f"%{_escape_like(db_fold(str(self.rhs)))}%"
        if connection.vendor == "postgresql":
            lhs = f"translate({lhs}::text, %s, %s)"
            params = [*lhs_params, DB_FOLD_FROM + DB_FOLD_DELETED, DB_FOLD_TO]
        else:
            lhs = f"ocop_fold({lhs})"
            params = list(lhs_params)
        return f"{lhs} LIKE %s ESCAPE '\\'", [*params, pattern]


CharField.register_lookup(FoldedContains)
TextField.register_lookup(FoldedContains)


def register_sqlite_functions(sender=None, connection=None, **kwargs) -> None:
    """connection_created receiver: the fold function SQLite lacks."""
    if connection is not None and connection.vendor == "sqlite":
        kwargs = {"deterministic": True} if sys.version_info >= (3, 8) else {}
        connection.connection.create_function("ocop_fold", 1, db_fold, **kwargs)


def search_condition(query: str | None, *fields: str) -> Q | None:
    """Every word of `query` is found (ignoring case, diacritics and Unicode form) in one of the
    `fields` (ORM paths to text columns). None when the query has no word."""
    words = query_words(query)
    if not words:
        return None
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__folded_contains": word})
        condition &= any_field
    return condition


def text_search(qs, query: str | None, *fields: str):
    """`qs` narrowed to the rows matching `query` (see `search_condition`); unchanged without words."""
    condition = search_condition(query, *fields)
    return qs if condition is None else qs.filter(condition)


# --- forms: every text field cleans what it receives ------------------------------------------------


def install_form_cleaning() -> None:
    """Make every Django form text field (CharField and its subclasses: e-mail, URL, slug, regex…)
    clean its value, and every file field clean the uploaded file's name. Installed once, in
    ocop/lib/apps.py, so no form can forget it. Multi-line text (a Textarea) keeps its newlines and
    tabs; single-line text turns them into spaces. Passwords are left exactly as typed."""
    from django import forms

    if getattr(forms.CharField.to_python, "ocop_cleans", False):
        return
    char_to_python = forms.CharField.to_python
    file_to_python = forms.FileField.to_python

    def clean_char(self, value):
        value = char_to_python(self, value)
        if isinstance(value, str) and value and not isinstance(self.widget, forms.PasswordInput):
            value = clean_text(value, multiline=isinstance(self.widget, forms.Textarea))
            if self.strip:
                value = value.strip()
        return value

    def clean_file(self, data):
        data = file_to_python(self, data)
        if data is not None and getattr(data, "name", None):
            data.name = clean_filename(data.name)
        return data

    clean_char.ocop_cleans = True
    forms.CharField.to_python = clean_char
    forms.FileField.to_python = clean_file
