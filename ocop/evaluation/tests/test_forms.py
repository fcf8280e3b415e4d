"""The evaluation pages read every POST through a form (ocop/evaluation/forms.py): bad input comes back
on the same page (400) with a Vietnamese message and what was typed; nothing is saved. Also the
certificate terms read from the data files (renewal window, highest rank) and the self-assessment
provider the evaluation app registers with the products app (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ocop.evaluation import hooks
from ocop.evaluation.criteria import DefinitionError, parse_procedures
from ocop.evaluation import rounds as svc
from ocop.evaluation.models import Instrument
from ocop.evaluation.models_rounds import Application, ApplicationStatus, CertificateStatus, Recusal, Round
from ocop.evaluation.tests.helpers import raw
from ocop.evaluation.tests.test_certificates import _certified
from ocop.evaluation.tests.test_rounds import _entry, _members, _unit, world  # noqa: F401 (fixture)
from ocop.geo.models import Era, Level
from ocop.products import criteria

pytestmark = pytest.mark.django_db


def test_round_form_keeps_what_was_typed(client, world):
    client.force_login(world["tinh.thainguyen"])
    url = reverse("evaluation:round_new")
    response = client.post(url, {"name": "Kỳ tháng Năm", "level": "province", "held_on": "32/13/2024"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ngày họp hội đồng: Ngày “32/13/2024” không hợp lệ" in page
    assert 'value="Kỳ tháng Năm"' in page and 'value="32/13/2024"' in page
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    response = client.post(url, {"name": "  ", "level": "province", "unit": str(tn.pk), "held_on": "01/08/2025"})
    assert response.status_code == 400 and "Nhập tên kỳ đánh giá." in response.content.decode()
    assert not Round.objects.exists()
    response = client.post(
        url, {"name": "Kỳ tháng Năm", "level": "province", "unit": str(tn.pk), "held_on": "01/08/2025"}
    )
    assert response.status_code == 302 and Round.objects.get().name == "Kỳ tháng Năm"


def test_seat_and_product_refused_on_the_round_page(client, world):
    officer = world["tinh.thainguyen"]
    round_ = svc.do_create_round(
        officer, name="Kỳ", level="province", unit=_unit(Era.CURRENT, Level.PROVINCE, "19"), held_on=dt.date(2025, 8, 1)
    )
    client.force_login(officer)
    response = client.post(reverse("evaluation:seat_add", args=[round_.pk]), {"user": "999999", "role": "member"})
    assert response.status_code == 400 and 'data-testid="seat-form"' in response.content.decode()
    assert "Chỉ thành viên hội đồng hoặc cán bộ quản lý mới được cử vào hội đồng." in response.content.decode()
    for bad in ("abc", "²", "9" * 30):
        response = client.post(reverse("evaluation:product_add", args=[round_.pk]), {"product": bad})
        assert response.status_code == 400 and "Chọn sản phẩm." in response.content.decode()
    assert not round_.seats.exists() and not round_.entries.exists()


def test_recusal_without_reason_shows_the_score_sheet_again(client, world):
    officer = world["tinh.thainguyen"]
    round_ = svc.do_create_round(
        officer, name="Kỳ", level="province", unit=_unit(Era.CURRENT, Level.PROVINCE, "19"), held_on=dt.date(2025, 8, 1)
    )
    member = _members(round_, officer)[2]
    entry = _entry(round_, officer, _unit(Era.LEGACY, Level.COMMUNE, "01888"))
    client.force_login(member)
    response = client.post(reverse("evaluation:recuse", args=[entry.pk]), {"reason": "   "})
    page = response.content.decode()
    assert response.status_code == 400 and "Nêu lý do không tham gia chấm sản phẩm này." in page
    assert 'data-testid="recuse-form"' in page and not Recusal.objects.exists()


def test_certificate_forms_keep_what_was_typed(client, world):
    _r, _entry_, cert, owner = _certified(world)
    client.force_login(owner)
    url = reverse("evaluation:application_new", args=[cert.pk])
    response = client.post(url, {"kind": "khac", "note": "Đã bổ sung phiếu kiểm nghiệm"})
    page = response.content.decode()
    assert response.status_code == 400 and "Chọn loại đề nghị." in page
    assert "Đã bổ sung phiếu kiểm nghiệm</textarea>" in page
    # QĐ 148: five ranks, so no upgrade beyond 5 stars (the certificate has 4)
    response = client.post(url, {"kind": "upgrade", "requested_stars": "6", "note": "sáu sao"})
    assert response.status_code == 400 and "không quá 5 sao" in response.content.decode()
    assert not Application.objects.exists()
    client.force_login(world["tinh.thainguyen"])
    response = client.post(reverse("evaluation:certificate_revoke", args=[cert.pk]), {"reason": " "})
    assert response.status_code == 400 and "Nêu lý do thu hồi giấy chứng nhận." in response.content.decode()
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.VALID


def test_refusing_an_application_needs_a_reason(client, world):
    _r, _entry_, cert, owner = _certified(world)
    application = svc.do_submit_application(owner, cert, "upgrade", requested_stars=5)
    client.force_login(world["tinh.thainguyen"])
    response = client.post(reverse("evaluation:application_reject", args=[application.pk]), {"reason": ""})
    page = response.content.decode()
    assert response.status_code == 400 and "Ghi lý do không chấp nhận" in page
    assert f'data-testid="reject-form-{application.pk}"' in page
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_certificate_terms_come_from_the_data_files(world):
    _r, _entry_, cert, _owner = _certified(world)
    # procedures.json: renewal from 6 months before expiry; stars.json: five ranks
    assert svc.renewal_window_months(cert) == 6
    assert cert.valid_until == dt.date(2028, 8, 1) and svc.renewal_opens_on(cert) == dt.date(2028, 2, 1)
    assert svc.max_stars(dt.date(2020, 1, 1)) == 5 and svc.max_stars(dt.date(2026, 3, 1)) == 5


def test_renewal_window_is_read_and_checked_with_the_procedures():
    procedures = parse_procedures(raw("procedures.json")).procedures
    assert [(p.code, p.certificate.renewal_window_months) for p in procedures] == [
        ("QD1048", 6),
        ("QD148", 6),
        ("QD1489", 6),
    ]
    assert all(p.certificate.renewal_confirmed is False for p in procedures)  # a declared gap [?]
    broken = raw("procedures.json")
    broken["procedures"][0]["certificate"]["renewal_window_months"] = "sáu"
    with pytest.raises(DefinitionError):
        parse_procedures(broken)


def test_loaded_instrument_on_a_day(world):
    assert Instrument.objects.on(dt.date(2019, 8, 20)) is None  # QĐ 490 set no national criteria
    assert Instrument.objects.on(dt.date(2019, 8, 21)).code == "QD1048"
    assert Instrument.objects.on(dt.date(2023, 2, 24)).code == "QD148"
    assert Instrument.objects.on(dt.date(2025, 7, 6)).code == "QD148"  # QĐ 1489 amends the procedure only


def test_the_evaluation_app_is_the_self_assessment_provider():
    assert criteria._provider is hooks

    class Product:
        classification_code = "148-1.1.1"

    try:
        criteria.register_provider(None)  # without the evaluation app: paper form only, no total
        assert criteria.criteria_set_for(Product()) is None and criteria.gap_for(Product()) is None
        assert criteria.score(criteria.CriteriaSheet("x", "1", "x", []), {}) is None
    finally:
        criteria.register_provider(hooks)
