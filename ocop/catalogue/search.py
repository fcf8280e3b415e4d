"""Vietnamese text folded for search: without diacritics, lower case, words separated by one space.

"Chè Thái Nguyên" → "che thai nguyen"; "Đặc sản ĐỒNG THÁP" → "dac san dong thap". The letter đ/Đ
has no Unicode decomposition, so it is mapped to d explicitly. The same folding is applied to the
stored search text and to what the public types, so a query matches with or without diacritics
(and with diacritics typed on a different base letter: "chẻ" also finds "chè").

A query matches an entry when every word of the query starts a word of the entry's search text
(`search_condition`): "che thai ng" finds "Chè xanh … Thái Nguyên"; "he" does not match "chè".
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Q

# at most this many words of a query are used, each cut to this length: bounds the SQL
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
MAX_QUERY_LENGTH = 200

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str | None) -> str:
    """`text` without diacritics, lower case, punctuation as spaces, single spaces, stripped."""
    if not text:
        return ""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = unicodedata.normalize("NFC", stripped).casefold().replace("đ", "d")
    return " ".join(_NON_WORD.sub(" ", stripped).split())


def search_text(*parts: str | None) -> str:
    """The stored search column: the folded parts, with a space before and after every word so
    that `LIKE '% word%'` finds a word prefix anywhere, including the first word."""
    words = " ".join(fold(p) for p in parts if p).split()
    return f" {' '.join(words)} " if words else ""


def query_words(query: str | None) -> list[str]:
    """The distinct folded words of a public query, bounded in number and length."""
    words: list[str] = []
    for word in fold((query or "")[:MAX_QUERY_LENGTH]).split():
        word = word[:MAX_WORD_LENGTH]
        if word not in words:
            words.append(word)
        if len(words) == MAX_WORDS:
            break
    return words


def search_condition(words: list[str], field: str = "search_text") -> Q:
    """Every word must start a word of `field` (an AND of `LIKE '% word%'`)."""
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": f" {word}"})
    return condition
