"""pydantic's validation errors of a data file, said in Vietnamese: where (the sheet's part, group,
criterion, option; the scale, the procedure and level...; then the field) and what.

The place is read from the error's location in the file: an item of a list is named by its code
when it has a valid one ("Tiêu chí “A.1.1”"), by its position otherwise ("tiêu chí thứ 2"). The
loader puts the file's name in front ("Tệp sheet-148-....json: ...").
"""

from __future__ import annotations

from typing import Any, Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import ValidationError

from ocop.evaluation.criteria.objects import CODE_RE, STAR_LEVELS, level_label
from ocop.evaluation.criteria.schema import shown


def _coded(item: Any) -> str | None:
    code = item.get("code") if isinstance(item, dict) else None
    return code if isinstance(code, str) and CODE_RE.match(code) else None


def _group(item: Any, position: int) -> str | None:
    code = item.get("code") if isinstance(item, dict) else None
    if code is None:
        return None
    title = item.get("title")
    if isinstance(title, str) and title.strip():
        return _("nhóm %(g)s (%(t)s)") % {"g": code, "t": title.strip()}
    return _("nhóm %(g)s") % {"g": code}


def _level(item: Any, position: int) -> str | None:
    level = item.get("level") if isinstance(item, dict) else None
    return level_label(level) if isinstance(level, str) and level_label(level) != level else None


def _band(item: Any, position: int) -> str | None:
    stars = item.get("stars") if isinstance(item, dict) else None
    return _("hạng %(s)s sao") % {"s": stars} if stars in STAR_LEVELS and not isinstance(stars, bool) else None


def _by_code(template: str) -> Callable[[Any, int], str | None]:
    def name(item: Any, position: int) -> str | None:
        code = _coded(item)
        return _(template) % {"c": code} if code else None

    return name


# list key -> (name of an item from its content or None, name from its position, the name stands alone)
# Criteria and classification nodes have codes unique in their file: their name replaces the places above.
ITEMS: dict[str, tuple[Callable[[Any, int], str | None], Callable[[int], str], bool]] = {
    "instruments": (_by_code(gettext_noop("Văn bản “%(c)s”")), lambda i: _("Văn bản thứ %(i)s") % {"i": i}, False),
    "nodes": (_by_code(gettext_noop("Nút phân loại “%(c)s”")), lambda i: _("nút phân loại thứ %(i)s") % {"i": i}, True),
    "children": (
        _by_code(gettext_noop("Nút phân loại “%(c)s”")),
        lambda i: _("nút phân loại thứ %(i)s") % {"i": i},
        True,
    ),
    "parts": (_by_code(gettext_noop("Phần %(c)s")), lambda i: _("Phần thứ %(i)s") % {"i": i}, False),
    "groups": (_group, lambda i: _("nhóm thứ %(i)s") % {"i": i}, False),
    "criteria": (_by_code(gettext_noop("Tiêu chí “%(c)s”")), lambda i: _("tiêu chí thứ %(i)s") % {"i": i}, True),
    "options": (lambda item, i: None, lambda i: _("lựa chọn thứ %(i)s") % {"i": i}, False),
    "scales": (_by_code(gettext_noop("Thang sao “%(c)s”")), lambda i: _("Thang sao thứ %(i)s") % {"i": i}, False),
    "bands": (_band, lambda i: _("hạng thứ %(i)s") % {"i": i}, False),
    "procedures": (_by_code(gettext_noop("Quy trình “%(c)s”")), lambda i: _("Quy trình thứ %(i)s") % {"i": i}, False),
    "levels": (_level, lambda i: _("cấp thứ %(i)s") % {"i": i}, False),
}


def _place(loc: tuple, data: Any) -> tuple[list[str], list[str | int]]:
    """The named places along `loc` (outermost first) and the field path after the last of them."""
    places: list[str] = []
    fields: list[str | int] = []
    node = data
    index = 0
    while index < len(loc):
        key = loc[index]
        following = loc[index + 1] if index + 1 < len(loc) else None
        if not fields and key in ITEMS and isinstance(following, int):
            items = node.get(key) if isinstance(node, dict) else None
            item = items[following] if isinstance(items, list) and 0 <= following < len(items) else None
            by_content, by_position, alone = ITEMS[key]
            named = by_content(item, following + 1)
            if named and alone:
                places = [named]
            else:
                places.append(named or by_position(following + 1))
            node = item
            index += 2
            continue
        fields.append(key)
        if isinstance(key, int):
            node = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
        else:
            node = node.get(key) if isinstance(node, dict) else None
        index += 1
    return places, fields


def _field(fields: list[str | int]) -> list[str]:
    """“bonus_rule.cap_total”; an item of a list of values: “applies_to”, mục thứ 2."""
    names = [str(f) for f in fields if not isinstance(f, int)]
    result = [_("trường “%(f)s”") % {"f": ".".join(names)}] if names else []
    result += [_("mục thứ %(i)s") % {"i": f + 1} for f in fields if isinstance(f, int)]
    return result


def _what(error: dict) -> str:
    kind = error["type"]
    value = shown(error.get("input"))
    if kind == "ocop":
        return error["msg"]
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("phải là đối tượng.")
    if kind in ("list_type", "tuple_type"):
        return _("phải là danh sách.")
    if kind == "too_short":
        return _("phải là danh sách không rỗng.")
    if kind == "string_type":
        return _("phải là chuỗi.")
    if kind in ("bool_type", "bool_parsing"):
        return _("“%(v)s” phải là true hoặc false.") % {"v": value}
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("“%(v)s” phải là số nguyên.") % {"v": value}
    return _("giá trị “%(v)s” không hợp lệ (%(e)s).") % {"v": value, "e": error["msg"]}


def describe(error: dict, data: Any) -> str:
    """One pydantic error (an item of ValidationError.errors()) as a Vietnamese sentence."""
    loc = tuple(error["loc"])
    if error["type"] == "missing" and loc:
        places, fields = _place(loc[:-1], data)
        where = ", ".join([*places, *_field(fields)])
        what = _("thiếu khóa “%(key)s”.") % {"key": loc[-1]}
    elif not loc and error["type"] in ("model_type", "dict_type"):
        return _("Tệp dữ liệu phải là một đối tượng JSON.")
    else:
        places, fields = _place(loc, data)
        where = ", ".join([*places, *_field(fields)])
        what = _what(error)
    if not where:
        return what[:1].upper() + what[1:]
    return where[:1].upper() + where[1:] + ": " + what


def translate(exc: ValidationError, data: Any) -> str:
    """The first error of `exc` in Vietnamese, with how many more there are."""
    errors = exc.errors(include_url=False)
    message = describe(errors[0], data)
    if len(errors) > 1:
        message += " " + _("(Và %(n)s lỗi khác.)") % {"n": len(errors) - 1}
    return message
