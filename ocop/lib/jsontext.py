"""Reading JSON: typed or pasted by a person (the criteria and report-template editors), one helper
that answers every bad text with a Vietnamese message naming the line and column — including
nesting so deep that Python's parser would overflow its stack (RecursionError, a 500); and JSON
this system stored itself, read in bulk from plain SQL (`stored_json`)."""

from __future__ import annotations

import json

import orjson

from django.utils.translation import gettext as _

# far deeper than any real definition (a report template nests sections > fields > columns; a score
# sheet parts > criteria > options), far shallower than Python's recursion limit
MAX_DEPTH = 64


class JsonTextError(ValueError):
    pass


def _too_deep(text: str) -> tuple[int, int] | None:
    """(line, column) where the nesting first exceeds MAX_DEPTH, or None."""
    depth, in_string, escaped, line, col = 0, False, False, 1, 0
    for ch in text:
        col += 1
        if ch == "\n":
            line, col = line + 1, 0
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, col
        elif ch in "]}":
            depth -= 1
    return None


def load_json_text(text: str | None):
    """The data of a JSON text, or JsonTextError with a Vietnamese message."""
    text = text or ""
    where = _too_deep(text)
    if where:
        raise JsonTextError(
            _("JSON lồng nhau quá sâu (quá %(n)s cấp) ở dòng %(line)s, cột %(col)s.")
            % {"n": MAX_DEPTH, "line": where[0], "col": where[1]}
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonTextError(
            _("JSON không hợp lệ ở dòng %(line)s, cột %(col)s: %(msg)s")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        ) from None
    except RecursionError:  # a guard in depth: the scan above should have caught it
        raise JsonTextError(_("JSON lồng nhau quá sâu.")) from None


def stored_json(value):
    """A JSON column's value read with plain SQL: the text (SQLite; PostgreSQL's jsonb as Django's
    connections load it) decoded with orjson, about twice as fast as json.loads on many small values
    (issue 17); a value the driver already decoded, or None, is returned as it is. The same data
    as Django's JSONField gives: orjson reads standard JSON, and text it refuses (NaN, integers
    beyond 64 bits, which this system does not write) is read by json.loads."""
    if not isinstance(value, (str, bytes)):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return json.loads(value)
