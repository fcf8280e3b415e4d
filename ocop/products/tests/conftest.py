import pytest

from ocop.geo.models import Era
from ocop.products.tests.factories import commune, fixture_set


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def officer(client, demo_users):
    """Thái Nguyên's province officer, logged in (the Excel import tests)."""
    client.force_login(demo_users["tinh.thainguyen"])
    return demo_users["tinh.thainguyen"]


@pytest.fixture
def sets(demo_users):
    """chuthe.demo's own set in Đức Xuân (01840), a neighbour in the same ward, one in a legacy Bắc Kạn
    commune (Chợ Rã, now Thái Nguyên) and one in Hà Tĩnh."""
    return {
        "own": fixture_set(commune("01840"), owner=demo_users["chuthe.demo"], name="HTX của tôi"),
        "neighbour": fixture_set(commune("01840"), name="HTX hàng xóm"),
        "cho_ra": fixture_set(commune("01888", Era.LEGACY), name="HTX Chợ Rã"),
        "ha_tinh": fixture_set(_ha_tinh_commune(), name="HTX Hà Tĩnh"),
    }


def _ha_tinh_commune():
    from ocop.geo.models import AdminUnit, Level

    return AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="42").order_by("code").first()
