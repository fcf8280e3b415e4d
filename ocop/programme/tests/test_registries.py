import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ocop.audit.models import AuditEntry
from ocop.programme.models import DirectiveDocument, Funding, ProvincialPlan
from ocop.programme.services import VersionConflict, do_delete_record, do_save_record, readable

pytestmark = pytest.mark.django_db


def test_province_officer_files_a_plan_and_it_is_audited(demo_users, provinces, plan_data):
    officer = demo_users["tinh.thainguyen"]
    plan = do_save_record(officer, ProvincialPlan(unit=provinces["bac_kan"], **plan_data()))
    assert plan.version == 1 and plan.created_by == officer
    entry = AuditEntry.objects.get(action="ocop.programme.plans.created", object_id=str(plan.pk))
    assert entry.after["decision_number"] == "851/QĐ-UBND" and entry.unit == provinces["bac_kan"]
    plan.phase = "Giai đoạn II"
    do_save_record(officer, plan, expected_version=1)
    changed = AuditEntry.objects.get(action="ocop.programme.plans.changed", object_id=str(plan.pk))
    assert changed.changes() == [("phase", "2018-2020", "Giai đoạn II")]


def test_successor_province_reads_but_another_province_neither_reads_nor_writes(demo_users, provinces, plan_data):
    admin = demo_users["tw.quantri"]
    plan = do_save_record(admin, ProvincialPlan(unit=provinces["bac_kan"], **plan_data()))
    assert readable(demo_users["tinh.thainguyen"], ProvincialPlan).filter(pk=plan.pk).exists()
    assert not readable(demo_users["tinh.hatinh"], ProvincialPlan).filter(pk=plan.pk).exists()
    assert not readable(demo_users["chuthe.demo"], ProvincialPlan).exists()
    with pytest.raises(PermissionDenied):
        do_save_record(
            demo_users["tinh.hatinh"],
            ProvincialPlan(unit=provinces["bac_kan"], **plan_data(decision_number="1/QĐ-UBND")),
        )
    with pytest.raises(PermissionDenied):
        do_delete_record(demo_users["tinh.hatinh"], plan)
    with pytest.raises(PermissionDenied):
        do_save_record(
            demo_users["tw.canbo"], ProvincialPlan(unit=provinces["ha_tinh"], **plan_data())
        )  # central officer reads only


def test_two_people_editing_one_record_cannot_overwrite_each_other(demo_users, provinces, plan_data):
    officer = demo_users["tinh.hatinh"]
    plan = do_save_record(
        officer, ProvincialPlan(unit=provinces["ha_tinh"], **plan_data(decision_number="3292/QĐ-UBND"))
    )
    first = ProvincialPlan.objects.get(pk=plan.pk)
    second = ProvincialPlan.objects.get(pk=plan.pk)
    first.phase = "A"
    do_save_record(officer, first, expected_version=1)
    second.phase = "B"
    with pytest.raises(VersionConflict):
        do_save_record(officer, second, expected_version=1)
    assert ProvincialPlan.objects.get(pk=plan.pk).phase == "A"


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"decision_date": dt.date(2099, 1, 1)}, "decision_date"),  # in the future
        ({"decision_number": ""}, "decision_number"),  # approved without a decision
        ({"decision_date": dt.date(2017, 1, 1)}, "decision_date"),  # before drafting
    ],
)
def test_bad_plans_are_refused_and_change_nothing(demo_users, provinces, plan_data, overrides, field):
    with pytest.raises(ValidationError) as exc:
        do_save_record(demo_users["tinh.hatinh"], ProvincialPlan(unit=provinces["ha_tinh"], **plan_data(**overrides)))
    assert field in exc.value.message_dict
    assert (
        not ProvincialPlan.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="ocop.programme").exists()
    )


def document(unit, **kw):
    data = {
        "kind": "quyet_dinh",
        "number": "12/QĐ-UBND",
        "date": dt.date(2018, 6, 1),
        "issuer_kind": "ubnd",
        "summary": "Về việc ...",
    }
    data.update(kw)
    return DirectiveDocument(unit=unit, **data)


def test_duplicate_number_for_same_issuer_and_year_is_refused(demo_users, provinces):
    officer = demo_users["tinh.hatinh"]
    do_save_record(officer, document(provinces["ha_tinh_old"]))
    with pytest.raises(ValidationError) as exc:
        do_save_record(officer, document(provinces["ha_tinh_old"], date=dt.date(2018, 9, 9)))
    assert "đã có trong sổ" in exc.value.message_dict["number"][0]
    # another year, another issuer, or another province is fine
    do_save_record(officer, document(provinces["ha_tinh_old"], date=dt.date(2019, 1, 3)))
    do_save_record(officer, document(provinces["ha_tinh_old"], issuer_kind="tinh_uy"))
    do_save_record(demo_users["tw.quantri"], document(provinces["bac_kan"]))
    assert DirectiveDocument.objects.count() == 4


def test_duplicate_number_is_found_whatever_the_case_and_diacritics(demo_users, provinces):
    """The same number of the same issuer typed in capitals or without diacritics is the same number
    (on SQLite too, whose case-insensitive comparison folds ASCII letters only)."""
    officer = demo_users["tinh.hatinh"]
    do_save_record(officer, document(provinces["ha_tinh_old"], issuer_name="UBND tỉnh Hà Tĩnh"))
    for number, issuer in (("12/qđ-ubnd", "UBND TỈNH HÀ TĨNH"), ("12/QD-UBND", "UBND tinh Ha Tinh")):
        with pytest.raises(ValidationError) as exc:
            do_save_record(officer, document(provinces["ha_tinh_old"], number=number, issuer_name=issuer))
        assert "đã có trong sổ" in exc.value.message_dict["number"][0]
    do_save_record(officer, document(provinces["ha_tinh_old"], number="13/QĐ-UBND", issuer_name="UBND tỉnh Hà Tĩnh"))
    assert DirectiveDocument.objects.count() == 2


def test_negative_amount_is_refused_through_the_form(client, demo_users, provinces):
    client.force_login(demo_users["tinh.hatinh"])
    response = client.post(
        reverse("programme:record_new", args=["funding"]),
        {
            "unit": provinces["ha_tinh"].pk,
            "year": "2026",
            "source": "local",
            "amount": "-5000000",
            "date": "01/03/2026",
        },
    )
    assert response.status_code == 200
    assert not Funding.objects.exists()
    assert "lớn hơn hoặc bằng 0" in response.content.decode() or "Đảm bảo" in response.content.decode()


def test_dates_are_read_as_dd_mm_yyyy_in_forms(client, demo_users, provinces):
    client.force_login(demo_users["tinh.hatinh"])
    response = client.post(
        reverse("programme:record_new", args=["funding"]),
        {"unit": provinces["ha_tinh"].pk, "year": "2026", "source": "local", "amount": "5000000", "date": "01/07/2026"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Funding.objects.get().date == dt.date(2026, 7, 1)


def test_future_date_through_the_form_gets_a_vietnamese_message(client, demo_users, provinces):
    client.force_login(demo_users["tinh.hatinh"])
    response = client.post(
        reverse("programme:record_new", args=["documents"]),
        {
            "unit": provinces["ha_tinh"].pk,
            "kind": "cong_van",
            "number": "5/CV",
            "date": "01/01/2099",
            "issuer_kind": "ubnd",
            "summary": "x",
        },
    )
    assert "ở tương lai" in response.content.decode()
    assert not DirectiveDocument.objects.exists()


@pytest.mark.parametrize(
    "name,content",
    [
        ("quyet-dinh.pdf", b"this is not a pdf at all"),
        ("quyet-dinh.docx", b"PK\x03\x04garbage-not-a-zip"),
        ("virus.exe", b"MZ\x90\x00"),
    ],
)
def test_unreadable_attachment_is_refused(client, demo_users, provinces, name, content):
    client.force_login(demo_users["tinh.hatinh"])
    response = client.post(
        reverse("programme:record_new", args=["documents"]),
        {
            "unit": provinces["ha_tinh"].pk,
            "kind": "quyet_dinh",
            "number": "9/QĐ-UBND",
            "date": "02/02/2020",
            "issuer_kind": "ubnd",
            "summary": "x",
            "attachment": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không đọc được tệp" in html or "không được chấp nhận" in html
    assert not DirectiveDocument.objects.exists()


def test_a_real_pdf_attachment_is_stored_and_downloaded_only_within_scope(
    client, demo_users, provinces, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(demo_users["tinh.hatinh"])
    pdf = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    response = client.post(
        reverse("programme:record_new", args=["documents"]),
        {
            "unit": provinces["ha_tinh"].pk,
            "kind": "quyet_dinh",
            "number": "9/QĐ-UBND",
            "date": "02/02/2020",
            "issuer_kind": "ubnd",
            "summary": "x",
            "attachment": pdf,
        },
    )
    assert response.status_code == 302
    doc = DirectiveDocument.objects.get()
    download = client.get(reverse("programme:record_file", args=["documents", doc.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(demo_users["tinh.thainguyen"])
    assert client.get(reverse("programme:record_file", args=["documents", doc.pk])).status_code == 404


def test_stale_form_shows_a_conflict_and_keeps_the_input(client, demo_users, provinces, plan_data):
    officer = demo_users["tinh.hatinh"]
    plan = do_save_record(
        officer, ProvincialPlan(unit=provinces["ha_tinh"], **plan_data(decision_number="3292/QĐ-UBND"))
    )
    plan.phase = "khác"
    do_save_record(officer, plan, expected_version=1)  # someone else saved: version 2
    client.force_login(officer)
    data = {
        **plan_data(decision_number="3292/QĐ-UBND", phase="Bản của tôi"),
        "unit": provinces["ha_tinh"].pk,
        "version": 1,
    }
    data = {k: (v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v) for k, v in data.items()}
    response = client.post(reverse("programme:record_detail", args=["plans", plan.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200 and "vừa được người khác sửa" in html and "Bản của tôi" in html
    assert ProvincialPlan.objects.get(pk=plan.pk).phase == "khác"


def test_delete_is_soft_and_audited_with_a_reason(client, demo_users, provinces):
    officer = demo_users["tinh.hatinh"]
    doc = do_save_record(officer, document(provinces["ha_tinh"], date=dt.date(2025, 8, 1)))
    client.force_login(officer)
    response = client.post(reverse("programme:record_delete", args=["documents", doc.pk]), {"reason": "Nhập trùng"})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.deleted_at is not None
    assert not readable(officer, DirectiveDocument).exists()
    assert AuditEntry.objects.get(action="ocop.programme.documents.deleted").reason == "Nhập trùng"


def test_registry_list_exports_xlsx(client, demo_users, provinces):
    do_save_record(demo_users["tinh.hatinh"], document(provinces["ha_tinh_old"]))
    client.force_login(demo_users["tw.canbo"])
    from ocop.lib.listexport import read_list

    response = client.get(reverse("programme:record_list", args=["documents"]), {"format": "xlsx"})
    _meta, header, rows = read_list(b"".join(response.streaming_content))
    assert header[0] == "Mã tỉnh" and rows[0][0] == "42" and "12/QĐ-UBND" in rows[0]


def test_duplicate_plan_decision_for_same_issuer_and_year_is_refused(demo_users, provinces, plan_data):
    officer = demo_users["tinh.thainguyen"]
    do_save_record(officer, ProvincialPlan(unit=provinces["bac_kan"], **plan_data()))
    with pytest.raises(ValidationError) as exc:
        do_save_record(officer, ProvincialPlan(unit=provinces["bac_kan"], **plan_data(title="Kế hoạch khác")))
    assert "decision_number" in exc.value.message_dict
    assert ProvincialPlan.objects.count() == 1
