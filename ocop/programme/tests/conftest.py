import datetime as dt

import pytest

from ocop.geo.models import AdminUnit, Era, Level


def unit(era, code, level=Level.PROVINCE):
    return AdminUnit.objects.get(era=era, level=level, code=code)


@pytest.fixture
def provinces(db):
    return {
        "bac_kan": unit(Era.LEGACY, "06"),
        "thai_nguyen_old": unit(Era.LEGACY, "19"),
        "thai_nguyen": unit(Era.CURRENT, "19"),
        "ha_tinh_old": unit(Era.LEGACY, "42"),
        "ha_tinh": unit(Era.CURRENT, "42"),
        "quang_nam": unit(Era.LEGACY, "49"),
        "da_nang": unit(Era.CURRENT, "48"),
    }


@pytest.fixture
def plan_data():
    def make(**overrides):
        data = {
            "kind": "de_an",
            "title": "Chương trình OCOP giai đoạn 2018-2020",
            "phase": "2018-2020",
            "status": "approved",
            "drafting_since": dt.date(2018, 1, 15),
            "submitted_on": dt.date(2018, 4, 2),
            "decision_number": "851/QĐ-UBND",
            "decision_date": dt.date(2018, 5, 24),
            "issuer": "UBND tỉnh",
        }
        data.update(overrides)
        return data

    return make
