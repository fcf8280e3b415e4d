"""Vietnamese collation: the one way to sort names, in Python and in the database.

The order is CLDR's Vietnamese collation (the "standard" tailoring ICU applies for `vi`):

    [normalization on]
    &̀<<̉<<̃<<́<<̣            tone marks are secondary: none < huyền < hỏi < ngã < sắc < nặng
    &a<ă<<<Ă<â<<<Â          ă and â are letters of their own after a
    &d<đ<<<Đ                đ after d
    &e<ê<<<Ê, &o<ô<<<Ô<ơ<<<Ơ, &u<ư<<<Ư

on top of the root order with punctuation not ignorable: spaces < punctuation and symbols < digits <
letters. Strings are compared on letters first (whole string), then on tone marks, then on case
(lower before upper). So "Cà Mau" < "Cao Bằng" (the space before "o"), "Hà Nội" < "Huế",
"Dương" < "Đà Nẵng" and "Hoa" < "Hòa" < "Hỏa" < "Họa".

- `sort_key(text)` / `vi_sorted(items, key=...)`: Python lists.
- `vi_order("name")` (or `vi_collate`): `QuerySet.order_by` in the database. PostgreSQL uses ICU's
  Vietnamese collation ("vi-x-icu"); SQLite uses the collation "vi" that `register_sqlite` installs on
  every new connection (connected in ocop.geo.apps), computed with `sort_key`, so both give the same
  order.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Callable, Iterable, TypeVar

from django.db.models import CharField, F, Func

T = TypeVar("T")

POSTGRES_COLLATION = "vi-x-icu"
SQLITE_COLLATION = "vi"

# Vietnamese alphabet with the foreign letters f, j, w, z in their Latin places.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONE = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng
_VOWEL_MARK = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
_SPACE, _PUNCT, _DIGIT, _LETTER_CLASS, _OTHER = 0, 1, 2, 3, 4


@lru_cache(maxsize=65536)
def sort_key(text) -> tuple:
    """A key whose order is Vietnamese alphabetical order (see the module docstring)."""
    text = unicodedata.normalize("NFC", str(text if text is not None else ""))
    text = " ".join(text.split())
    primary: list[tuple[int, int]] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for ch in text:
        lower = ch.lower()
        tertiary.append(0 if ch == lower else 1)
        if lower == "đ":
            primary.append((_LETTER_CLASS, _LETTER["đ"]))
            secondary.append(0)
            continue
        decomposed = unicodedata.normalize("NFD", lower)
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        other = 0
        for mark in marks:
            if mark in _TONE:
                tone = _TONE[mark]
            elif (base, mark) in _VOWEL_MARK:
                base = _VOWEL_MARK[(base, mark)]
            else:
                other = 10 + ord(mark)  # a mark Vietnamese does not use: secondary, after the tones
        if base in _LETTER:
            primary.append((_LETTER_CLASS, _LETTER[base]))
        elif base.isspace():
            primary.append((_SPACE, 0))
        elif base.isdigit():
            primary.append((_DIGIT, unicodedata.digit(base, 0)))
        elif base.isalpha():
            primary.append((_OTHER, ord(base)))
        else:
            primary.append((_PUNCT, ord(base)))
        secondary.append(other or tone)
    return (tuple(primary), tuple(secondary), tuple(tertiary))


def vi_sorted(items: Iterable[T], key: Callable[[T], object] | None = None, reverse: bool = False) -> list[T]:
    """`items` in Vietnamese order of `key(item)` (the item itself when no key is given)."""
    if key is None:
        return sorted(items, key=sort_key, reverse=reverse)
    return sorted(items, key=lambda item: sort_key(key(item)), reverse=reverse)


def compare(a: str, b: str) -> int:
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


# --- database -------------------------------------------------------------------------------------


class vi_collate(Func):  # noqa: N801 - reads as a SQL function in order_by()
    """`field COLLATE <Vietnamese>` for the connection's database."""

    template = f'%(expressions)s COLLATE "{SQLITE_COLLATION}"'
    output_field = CharField()

    def __init__(self, expression, **extra):
        super().__init__(F(expression) if isinstance(expression, str) else expression, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=f'%(expressions)s COLLATE "{POSTGRES_COLLATION}"', **extra)


def vi_order(field: str):
    """An order_by() term: `vi_order("name")`, `vi_order("-entity__name")`."""
    descending = field.startswith("-")
    expression = vi_collate(field.lstrip("-"))
    return expression.desc() if descending else expression.asc()


def register_sqlite(sender=None, connection=None, **kwargs) -> None:
    """connection_created receiver: install the "vi" collation on a new SQLite connection."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare)
