"""The catalogue's stored search column, with the folding of ocop/lib/text.py: without diacritics, lower case, words separated by one space.

"Chè Thái Nguyên" → "che thai nguyen"; "Đặc sản ĐỒNG THÁP" → "dac san dong thap". The letter đ/Đ
has no Unicode decomposition, so it is mapped to d explicitly. The same folding is applied to the
stored search text and to what the public types, so a query matches with or without diacritics
(and with diacritics typed on a different base letter: "chẻ" also finds "chè").

A query matches an entry when every word of the query starts a word of the entry's search text
(`search_condition`): "che thai ng" finds "Chè xanh … Thái Nguyên"; "he" does not match "chè".
"""

from __future__ import annotations

from django.db.models import Q

from ocop.lib.text import MAX_QUERY_LENGTH, MAX_WORD_LENGTH, MAX_WORDS, fold, query_words  # noqa: F401 (the one folding)


def search_text(*parts: str | None) -> str:
    """The stored search column: the folded parts, with a space before and after every word so
    that `LIKE '% word%'` finds a word prefix anywhere, including the first word."""
    words = " ".join(fold(p) for p in parts if p).split()
    return f" {' '.join(words)} " if words else ""


def search_condition(words: list[str], field: str = "search_text") -> Q:
    """Every word must start a word of `field` (an AND of `LIKE '% word%'`)."""
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": f" {word}"})
    return condition


# --- typo tolerance: "Có phải bạn tìm …" -------------------------------------------------------------

MAX_PHRASE_WORDS = 4


def _allowed_distance(length: int) -> int:
    """Typos tolerated in a query of `length` letters (spaces not counted)."""
    return 0 if length < 3 else 1 if length <= 5 else 2 if length <= 12 else 3


class Vocabulary:
    """The word sequences of the listed entries' search texts, with how often each occurs.

    Built in Python from the stored (folded) search texts, so the suggestions are the same on SQLite
    and PostgreSQL."""

    def __init__(self, texts, names=()):
        spellings: dict[str, dict[str, int]] = {}
        for name in names:
            for token in (name or "").split():
                key = fold(token)
                if key and " " not in key:
                    forms = spellings.setdefault(key, {})
                    forms[token.lower()] = forms.get(token.lower(), 0) + 1
        # each folded word as the names most often write it ("mat" → "mật")
        self.spelling = {k: sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for k, v in spellings.items()}
        counts: dict[str, int] = {}
        for text in texts:
            words = (text or "").split()
            for n in range(1, MAX_PHRASE_WORDS + 1):
                for i in range(len(words) - n + 1):
                    phrase = " ".join(words[i : i + n])
                    counts[phrase] = counts.get(phrase, 0) + 1
        self.phrases = sorted(counts)
        self.counts = counts
        self.compact = [p.replace(" ", "") for p in self.phrases]

    def suggest(self, words: list[str]) -> str | None:
        """The phrase of the catalogue closest to the query (`words`, folded): fewest typos with the
        spaces ignored ("matong" → "mat ong"), then the fewest typos counting spaces, then the most
        frequent, then alphabetical. None when nothing is close enough or the query is already there."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        query = " ".join(words)
        compact = query.replace(" ", "")
        if not compact or query in self.counts:
            return None
        limit = _allowed_distance(len(compact))
        if limit == 0:
            return None
        found = process.extract(compact, self.compact, scorer=Levenshtein.distance, score_cutoff=limit, limit=None)
        if not found:
            return None
        ranked = sorted(
            (score, Levenshtein.distance(query, self.phrases[i]), -self.counts[self.phrases[i]], self.phrases[i])
            for _choice, score, i in found
        )
        return ranked[0][3]

    def display(self, phrase: str) -> str:
        """The phrase with its diacritics, as the product and entity names write its words."""
        return " ".join(self.spelling.get(word, word) for word in phrase.split())
