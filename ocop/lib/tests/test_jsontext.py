"""stored_json (ocop/lib/jsontext.py): JSON this system stored, read in bulk from plain SQL, gives what
Django's JSONField gives for the same text (issue 17: the score sheets of a year's rounds)."""

import math

import pytest

from ocop.lib.jsontext import stored_json


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"A.1.1": "2", "A.1.2": 0, "B.3": 1}', {"A.1.1": "2", "A.1.2": 0, "B.3": 1}),
        (
            '{"ghi_chu": "Mật ong bạc hà Hà Giang", "x": [1, 2.5, null, true]}',
            {"ghi_chu": "Mật ong bạc hà Hà Giang", "x": [1, 2.5, None, True]},
        ),
        ("{}", {}),
        ('"chuỗi"', "chuỗi"),
        (b'{"a": 1}', {"a": 1}),
    ],
)
def test_stored_text_decodes_to_the_same_data(text, expected):
    assert stored_json(text) == expected


def test_text_orjson_refuses_is_read_as_json_loads_reads_it():
    value = stored_json('{"a": NaN, "b": 123456789012345678901234567890}')  # json.dumps can write both
    assert math.isnan(value["a"]) and value["b"] == 123456789012345678901234567890


def test_values_the_driver_decoded_pass_through():
    data = {"a": 1}
    assert stored_json(data) is data and stored_json(None) is None
