import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from ocop.programme.board import CSV_HEADER, build_board
from ocop.programme.models import Activity, CycleMilestone, DirectiveDocument, Funding, ProvincialPlan

pytestmark = pytest.mark.django_db


def rows_by_code(day, period=None):
    return {r.province.code: r for r in build_board(day, period)}


def export(*args):
    out = io.StringIO()
    call_command("export_status", *args, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_plan_status_as_of_a_date(provinces, plan_data):
    ProvincialPlan.objects.create(unit=provinces["bac_kan"], **plan_data())
    assert rows_by_code(dt.date(2018, 1, 1))["06"].plan_status == "none"
    assert rows_by_code(dt.date(2018, 2, 1))["06"].plan_status == "drafting"
    assert rows_by_code(dt.date(2018, 4, 2))["06"].plan_status == "submitted"
    assert rows_by_code(dt.date(2018, 5, 23))["06"].plan_status == "submitted"
    row = rows_by_code(dt.date(2018, 5, 24))["06"]
    assert row.plan_status == "approved" and row.plan.decision_number == "851/QĐ-UBND"


def test_the_winning_plan_carries_what_the_board_shows_without_another_query(
    provinces, plan_data, django_assert_num_queries
):
    """The board reads the plans as plain rows and builds the winners from them (issue 17): five
    queries (plans, milestones, documents, activities, funding), and the plan's kind, title, phase,
    decision and unit need no more."""
    ProvincialPlan.objects.create(unit=provinces["bac_kan"], **plan_data())
    build_board(dt.date(2018, 5, 24))  # the units' cache filled
    with django_assert_num_queries(5):
        row = rows_by_code(dt.date(2018, 5, 24))["06"]
        plan = row.plan
        shown = (plan.get_kind_display(), plan.title, plan.phase, plan.decision_number, plan.decision_date)
        assert plan.unit_id == provinces["bac_kan"].pk
    assert shown == ("Đề án", "Chương trình OCOP giai đoạn 2018-2020", "2018-2020", "851/QĐ-UBND", dt.date(2018, 5, 24))
    assert plan.issuer == "UBND tỉnh"  # any other column is read on first use


def test_after_the_reform_legacy_records_roll_up_into_the_current_province(provinces, plan_data):
    ProvincialPlan.objects.create(unit=provinces["quang_nam"], **plan_data(decision_number="1/QĐ-UBND"))
    DirectiveDocument.objects.create(
        unit=provinces["quang_nam"],
        kind="quyet_dinh",
        number="1",
        date=dt.date(2018, 6, 1),
        issuer_kind="ubnd",
        summary="x",
    )
    Funding.objects.create(
        unit=provinces["quang_nam"], year=2018, source="local", amount=1_500_000_000, date=dt.date(2018, 3, 1)
    )
    Funding.objects.create(
        unit=provinces["da_nang"], year=2025, source="local", amount=2_000_000_000, date=dt.date(2025, 8, 1)
    )
    CycleMilestone.objects.create(unit=provinces["quang_nam"], kind="cycle_started", date=dt.date(2018, 10, 1))
    before = rows_by_code(dt.date(2018, 12, 31))
    assert len(before) == 63 and before["49"].plan_status == "approved" and before["49"].documents == 1
    assert before["49"].funding == 1_500_000_000 and before["48"].plan_status == "none"
    after = rows_by_code(dt.date(2025, 12, 31), (dt.date(2018, 1, 1), dt.date(2025, 12, 31)))
    assert len(after) == 34 and "49" not in after
    da_nang = after["48"]
    assert da_nang.plan_status == "approved" and da_nang.documents == 1
    assert da_nang.funding == 3_500_000_000
    assert da_nang.milestones["cycle_started"] == dt.date(2018, 10, 1)
    assert {p.code for p in da_nang.includes if p.era == "legacy"} == {"48", "49"} and da_nang.rolled_up
    # the record itself stays with the legacy province
    assert ProvincialPlan.objects.get().unit == provinces["quang_nam"]


def test_period_counts(provinces):
    for day in (dt.date(2019, 1, 5), dt.date(2019, 6, 5), dt.date(2020, 1, 5)):
        Activity.objects.create(
            unit=provinces["ha_tinh_old"], kind="training", title="Tập huấn", date=day, participants=50, cost=10_000_000
        )
    assert rows_by_code(dt.date(2019, 12, 31))["42"].activities == 2
    assert rows_by_code(dt.date(2019, 3, 1))["42"].activities == 1  # default period: 01/01 to the date
    assert rows_by_code(dt.date(2020, 12, 31), (dt.date(2019, 1, 1), dt.date(2020, 12, 31)))["42"].activities == 3


def test_deleted_records_do_not_count(provinces, plan_data):
    from django.utils import timezone

    ProvincialPlan.objects.create(unit=provinces["bac_kan"], deleted_at=timezone.now(), **plan_data())
    assert rows_by_code(dt.date(2018, 12, 31))["06"].plan_status == "none"


def test_export_status_command(provinces, plan_data):
    ProvincialPlan.objects.create(unit=provinces["bac_kan"], **plan_data())
    rows = export("--date", "2018-12-12")
    assert list(rows[0].keys())[:3] == ["province_code", "province_name", "plan_status"] == CSV_HEADER[:3]
    assert len(rows) == 63
    bac_kan = next(r for r in rows if r["province_code"] == "06")
    assert bac_kan["province_name"] == "Bắc Kạn" and bac_kan["plan_status"] == "approved"
    assert bac_kan["plan_decision_date"] == "2018-05-24"
    assert len(export("--date", "01/07/2025")) == 34
    with pytest.raises(CommandError):
        export("--date", "2018-02-30")
    with pytest.raises(CommandError):
        export("--date", "2018-12-12", "--from", "2018-12-31")


def test_board_page_filters_and_exports(client, demo_users, provinces, plan_data):
    from ocop.lib.spreadsheet import read_table

    ProvincialPlan.objects.create(unit=provinces["bac_kan"], **plan_data())
    client.force_login(demo_users["tw.canbo"])
    html = client.get(reverse("programme:board"), {"date": "12/12/2018"}).content.decode()
    assert html.count('data-status="approved"') == 1 and html.count("<tr data-province=") == 63
    filtered = client.get(reverse("programme:board"), {"date": "12/12/2018", "status": "approved"}).content.decode()
    assert filtered.count("<tr data-province=") == 1
    bad = client.get(reverse("programme:board"), {"date": "12/31/2018", "from": "x", "status": "zzz"})
    assert bad.status_code == 200 and "không hợp lệ" in bad.content.decode()
    xlsx = client.get(reverse("programme:board_export", args=["xlsx"]), {"date": "2018-12-12"})
    _meta, header, data = read_table(b"".join(xlsx.streaming_content))
    assert header[:3] == ["Mã tỉnh", "Tỉnh, thành phố", "Tình trạng đề án, kế hoạch"] and len(data) == 63
    bac_kan = next(r for r in data if r[0] == "06")
    assert bac_kan[2] == "Đã phê duyệt" and bac_kan[3] == "Đề án" and bac_kan[5] == dt.datetime(2018, 5, 24)
    csv_resp = client.get(reverse("programme:board_export", args=["csv"]), {"date": "2025-07-01"})
    assert len(list(csv.reader(io.StringIO(csv_resp.content.decode("utf-8-sig"))))) == 35
    assert client.get(reverse("programme:board_export", args=["pdf"])).status_code == 404


def test_province_page_shows_rolled_up_legacy_records(client, demo_users, provinces, plan_data):
    ProvincialPlan.objects.create(unit=provinces["bac_kan"], **plan_data())
    client.force_login(demo_users["tinh.thainguyen"])
    html = client.get(reverse("programme:province", args=[provinces["thai_nguyen"].pk])).content.decode()
    assert "Chương trình OCOP giai đoạn 2018-2020" in html and "Bắc Kạn" in html
    assert client.get(reverse("programme:index")).status_code == 302


def test_board_page_is_kept_per_data_version(client, demo_users, provinces, plan_data):
    """The board's body is rendered once per data version (issue 17): a new, changed or deleted record
    shows on the next request."""
    client.force_login(demo_users["tw.canbo"])
    url, day = reverse("programme:board"), {"date": "12/12/2018"}
    assert client.get(url, day).content.decode().count('data-status="approved"') == 0
    assert client.get(url, day).content.decode().count('data-status="approved"') == 0  # kept
    plan = ProvincialPlan.objects.create(unit=provinces["bac_kan"], **plan_data())  # added
    assert client.get(url, day).content.decode().count('data-status="approved"') == 1
    ProvincialPlan.objects.filter(pk=plan.pk).update(decision_date=dt.date(2019, 1, 1), updated_at=timezone.now())
    assert client.get(url, day).content.decode().count('data-status="approved"') == 0  # changed
    ProvincialPlan.objects.filter(pk=plan.pk).update(decision_date=dt.date(2018, 5, 24), updated_at=timezone.now())
    assert client.get(url, day).content.decode().count('data-status="approved"') == 1
    ProvincialPlan.objects.filter(pk=plan.pk).delete()  # deleted
    assert client.get(url, day).content.decode().count('data-status="approved"') == 0
