"""Issue 15, findings 5 and 6: input that used to raise a 500 (OverflowError, RecursionError, an
unknown filter value, a 6 MB API body) gets a 4xx with a Vietnamese message; dates have bounds (a
product is registered from QĐ 490/QĐ-TTg of 07/5/2018 to today; no year 1 or 9999) and the API reads
dates only as "YYYY-MM-DD" strings."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from ocop.products.models import Product

pytestmark = pytest.mark.django_db
DEEP = "[" * 100_000 + "]" * 100_000  # json.loads raises RecursionError on this


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_an_id_beyond_the_database_is_a_404(client, demo_users):
    assert client.get("/san-pham-ocop/99999999999999999999/").status_code == 404
    client.force_login(demo_users["tw.quantri"])
    assert client.get("/audit/99999999999999999999/").status_code == 404
    assert client.get("/products/products/99999999999999999999/").status_code == 404


def test_an_unknown_entity_type_in_the_export_is_ignored(client, demo_users):
    client.force_login(demo_users["tw.quantri"])
    response = client.get("/products/entities/", {"format": "xlsx", "kind": "xyz"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_deeply_nested_json_in_the_editors_gets_a_message(client, demo_users):
    from ocop.evaluation.loader import load_criteria
    from ocop.evaluation.models import DataFile
    from ocop.reporting.loader import load_templates
    from ocop.reporting.models import ReportTemplate

    load_criteria()
    load_templates()
    client.force_login(demo_users["tw.quantri"])
    data_file = DataFile.objects.order_by("pk").first()
    response = client.post(
        reverse("evaluation:criteria_data_edit", args=[data_file.pk]), {"definition": DEEP, "reason": "thử"}
    )
    assert response.status_code in (200, 400) and "lồng nhau quá sâu" in text(
        response
    )  # the form again, with the message
    template = ReportTemplate.objects.order_by("pk").first()
    response = client.post(reverse("reporting:template_edit", args=[template.pk]), {"definition": DEEP})
    assert response.status_code == 200 and "lồng nhau quá sâu" in text(response)
    assert DataFile.objects.filter(code=data_file.code).count() == 1
    assert ReportTemplate.objects.filter(code=template.code).count() == 1


def test_a_report_request_dated_31_12_9999_is_refused(client, demo_users):
    from ocop.reporting.loader import load_templates
    from ocop.reporting.models import ReportRequest, ReportTemplate

    load_templates()
    template = ReportTemplate.objects.get(code="ocop-cv9654-2018")
    client.force_login(demo_users["tw.canbo"])
    base = {
        "title": "Thử",
        "template": template.pk,
        "kind": "adhoc",
        "deadline_rule": "before",
        "recipient_level": "province",
        "reminder_offsets": "-3, 0, 2",
    }
    for cutoff, deadline in (("31/12/9999", "31/12/9999"), ("30/12/9999", "31/12/9999"), ("01/01/0001", "10/01/2019")):
        response = client.post(reverse("reporting:request_new"), {**base, "cutoff": cutoff, "deadline": deadline})
        assert response.status_code == 200, (cutoff, response.status_code)
        assert (
            "muộn hơn ngày 31/12/2200" in text(response)
            or "không hợp lệ" in text(response)
            or "sớm hơn" in text(response)
        )
    assert not ReportRequest.objects.exists()


def test_a_product_registered_on_01_01_0001_is_refused_on_the_web(client, demo_users):
    from ocop.products.tests.factories import commune, make_entity

    entity = make_entity(commune("01840"), owner=demo_users["chuthe.demo"])
    client.force_login(demo_users["chuthe.demo"])
    for day, words in (("01/01/0001", "07/05/2018"), ("06/05/2018", "Quyết định 490/QĐ-TTg"), ("31/12/9999", None)):
        response = client.post(
            reverse("products:product_new", args=[entity.pk]),
            {"name": "Mật ong thử", "sector": "thuc_pham", "registered_on": day},
        )
        assert response.status_code == 200, day
        assert words is None or words in text(response), (day, words)
    assert not Product.objects.filter(entity=entity).exists()


def test_a_programme_record_dated_year_1_or_9999_is_refused(client, demo_users):
    from ocop.geo.models import AdminUnit, Era, Level
    from ocop.programme.models import Funding

    ha_tinh = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="42")
    client.force_login(demo_users["tinh.hatinh"])
    for day, words in (("01/01/0001", "sớm hơn ngày 01/01/1900"), ("31/12/9999", "muộn hơn ngày 31/12/2200")):
        response = client.post(
            reverse("programme:record_new", args=["funding"]),
            {"unit": ha_tinh.pk, "year": "2026", "source": "local", "amount": "5000000", "date": day},
        )
        assert response.status_code == 200 and words in text(response), day
    assert not Funding.objects.exists()
