"""Text stored before cleaning at the boundary is cleaned once (data migration ops/0002), and then
no export fails on it (issue 15, finding 3)."""

import unicodedata

import pytest
from django.urls import reverse

from ocop.audit.models import AuditEntry
from ocop.ops.textclean import clean_stored_text
from ocop.programme.models import ProvincialPlan

pytestmark = pytest.mark.django_db


def test_stored_text_is_cleaned_and_untouched_rows_are_not_written(demo_users):
    from ocop.geo.models import AdminUnit, Era, Level

    bac_kan = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="06")
    plan = ProvincialPlan.objects.create(
        unit=bac_kan,
        kind="de_an",
        title=unicodedata.normalize("NFD", "Đề án\x07 OCOP\ufffe"),
        phase="2018-2020\uffff",
        status="approved",
        drafting_since="2018-01-15",
        decision_number="851/QĐ-UBND\x1f",
        issuer="UBND tỉnh",
    )
    entry = AuditEntry.objects.create(
        action="ocop.test",
        object_type="x",
        object_id="1",
        object_repr="Mật\ufffe ong",
        after={"tên": "a\x01b\uffff", "list": ["c\ufffed", 3]},
    )
    untouched = AuditEntry.objects.create(action="ocop.test", object_type="x", object_id="2", object_repr="Sạch")
    changed = clean_stored_text()
    plan.refresh_from_db()
    entry.refresh_from_db()
    assert plan.title == "Đề án OCOP" and plan.title == unicodedata.normalize("NFC", plan.title)
    assert plan.phase == "2018-2020" and plan.decision_number == "851/QĐ-UBND"
    assert entry.object_repr == "Mật ong" and entry.after == {"tên": "ab", "list": ["cd", 3]}
    assert changed["programme.ProvincialPlan"] == 1 and changed["audit.AuditEntry"] == 1
    assert untouched.object_repr == "Sạch"
    assert clean_stored_text() == {}  # idempotent


def test_after_cleaning_the_board_export_no_longer_fails(client, demo_users):
    from ocop.geo.models import AdminUnit, Era, Level

    unit = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="06")
    ProvincialPlan.objects.create(
        unit=unit,
        kind="de_an",
        title="Đề án",
        phase="2018\x0b-2020",
        status="approved",
        drafting_since="2018-01-15",
        decision_number="12\ufffe",
        issuer="UBND",
    )
    clean_stored_text()
    client.force_login(demo_users["tw.canbo"])
    response = client.get(reverse("programme:board_export", args=["xlsx"]), {"date": "12/12/2018"})
    assert response.status_code == 200
