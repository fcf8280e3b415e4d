"""Will a header line fit its column? Widths of Times New Roman text from the Adobe font metrics of
Times-Roman and Times-Bold (per 1000 em; Liberation Serif, which LibreOffice renders for Times New
Roman, has the same advance widths). Vietnamese letters take the width of their base letter (Ư and Ơ
a little more for the horn).

Used to choose the font size of the issuing body's header lines so that a name never wraps mid-way
("ỦY BAN NHÂN DÂN" / "TỈNH THÁI NGUYÊN"), and to refuse a header line that cannot fit even at the
smallest size (the clerk then splits it into two lines).
"""

from __future__ import annotations

import unicodedata

CM_PER_PT = 2.54 / 72
CELL_MARGINS_CM = 0.38  # Word's default left + right cell margins (0.19 cm each)

_BOLD = {
    "A": 722,
    "B": 667,
    "C": 722,
    "D": 722,
    "E": 667,
    "F": 611,
    "G": 778,
    "H": 778,
    "I": 389,
    "J": 500,
    "K": 778,
    "L": 667,
    "M": 944,
    "N": 722,
    "O": 778,
    "P": 611,
    "Q": 778,
    "R": 722,
    "S": 556,
    "T": 667,
    "U": 722,
    "V": 722,
    "W": 1000,
    "X": 722,
    "Y": 722,
    "Z": 667,
    " ": 250,
    "-": 333,
    ".": 250,
    ",": 250,
    "&": 833,
    "(": 333,
    ")": 333,
    "/": 278,
    "'": 333,
    "a": 500,
    "b": 556,
    "c": 444,
    "d": 556,
    "e": 444,
    "f": 333,
    "g": 500,
    "h": 556,
    "i": 278,
    "j": 333,
    "k": 556,
    "l": 278,
    "m": 833,
    "n": 556,
    "o": 500,
    "p": 556,
    "q": 556,
    "r": 444,
    "s": 389,
    "t": 333,
    "u": 556,
    "v": 500,
    "w": 722,
    "x": 500,
    "y": 500,
    "z": 444,
}
_REGULAR = {
    "A": 722,
    "B": 667,
    "C": 667,
    "D": 722,
    "E": 611,
    "F": 556,
    "G": 722,
    "H": 722,
    "I": 333,
    "J": 389,
    "K": 722,
    "L": 611,
    "M": 889,
    "N": 722,
    "O": 722,
    "P": 556,
    "Q": 722,
    "R": 667,
    "S": 556,
    "T": 611,
    "U": 722,
    "V": 722,
    "W": 944,
    "X": 722,
    "Y": 722,
    "Z": 611,
    " ": 250,
    "-": 333,
    ".": 250,
    ",": 250,
    "&": 778,
    "(": 333,
    ")": 333,
    "/": 278,
    "'": 333,
    "a": 444,
    "b": 500,
    "c": 444,
    "d": 500,
    "e": 444,
    "f": 333,
    "g": 500,
    "h": 500,
    "i": 278,
    "j": 278,
    "k": 500,
    "l": 278,
    "m": 778,
    "n": 500,
    "o": 500,
    "p": 500,
    "q": 500,
    "r": 333,
    "s": 389,
    "t": 278,
    "u": 500,
    "v": 500,
    "w": 722,
    "x": 500,
    "y": 500,
    "z": 444,
}
_HORN = "\u031b"


def _width(ch: str, table: dict) -> int:
    if ch in ("Đ", "đ"):
        return table["D" if ch == "Đ" else "d"]
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    extra = 60 if _HORN in decomposed else 0
    if base.isdigit():
        return 500 + extra
    return table.get(base, 722 if base.isupper() else 500) + extra


def text_width_cm(text: str, size_pt: float, bold: bool = True) -> float:
    table = _BOLD if bold else _REGULAR
    units = sum(_width(ch, table) for ch in unicodedata.normalize("NFC", text))
    return units / 1000 * size_pt * CM_PER_PT


def fit_size(text: str, column_cm: float, size_pt: float, *, bold: bool = True, min_pt: float = 10.0) -> float | None:
    """The largest size from `size_pt` down to `min_pt` (by half points) at which `text` fits on one
    line of a table column `column_cm` wide; None when it does not fit even at `min_pt`."""
    room = column_cm - CELL_MARGINS_CM
    size = size_pt
    while size >= min_pt:
        if text_width_cm(text, size, bold) <= room:
            return size
        size -= 0.5
    return None
