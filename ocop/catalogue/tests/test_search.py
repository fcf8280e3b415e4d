"""Folding Vietnamese text for search (no database)."""

import unicodedata

import pytest
from django.db.models import Q

from ocop.catalogue.search import MAX_WORDS, fold, query_words, search_condition, search_text


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Chè Thái Nguyên", "che thai nguyen"),
        ("che thai nguyen", "che thai nguyen"),
        ("CHÈ THÁI NGUYÊN", "che thai nguyen"),
        ("Đặc sản Đồng Tháp", "dac san dong thap"),
        ("đường phèn", "duong phen"),
        ("Mật ong hoa rừng – Bắc Kạn!", "mat ong hoa rung bac kan"),
        ("Nước mắm   Phú Quốc, 40°N", "nuoc mam phu quoc 40 n"),
        ("Trà hoa vàng (demo)", "tra hoa vang demo"),
        ("Thừa Thiên Huế", "thua thien hue"),
        ("Hợp tác xã Ứng Hòa", "hop tac xa ung hoa"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_accepts_decomposed_and_precomposed_input_alike():
    precomposed = "Chè Thái Nguyên"
    decomposed = unicodedata.normalize("NFD", precomposed)
    assert precomposed != decomposed
    assert fold(decomposed) == fold(precomposed) == "che thai nguyen"


def test_every_vietnamese_vowel_folds_to_its_base_letter():
    vowels = {
        "a": "aàáảãạăằắẳẵặâầấẩẫậ",
        "e": "eèéẻẽẹêềếểễệ",
        "i": "iìíỉĩị",
        "o": "oòóỏõọôồốổỗộơờớởỡợ",
        "u": "uùúủũụưừứửữự",
        "y": "yỳýỷỹỵ",
        "d": "dđ",
    }
    for base, letters in vowels.items():
        assert fold(letters) == base * len(letters)
        assert fold(letters.upper()) == base * len(letters)


def test_search_text_pads_every_word():
    assert search_text("Chè xanh", None, "Thái Nguyên") == " che xanh thai nguyen "
    assert search_text("", None) == ""


def test_query_words_are_distinct_and_bounded():
    assert query_words("  Chè  chè THÁI, nguyên ") == ["che", "thai", "nguyen"]
    assert query_words("a b c d e f g h i j k") == list("abcdefgh")[:MAX_WORDS]
    assert query_words("x" * 500) == ["x" * 40]
    assert query_words("%_' ;--") == []


def test_search_condition_is_an_and_of_word_prefixes():
    cond = search_condition(["che", "thai"])
    assert cond == Q(search_text__contains=" che") & Q(search_text__contains=" thai")
    assert search_condition([]) == Q()
