"""Round rules (council composition, quorum, meeting date, organising units, products offered),
privacy of the score sheets before closing, the round's documents, the printable certificate and
its public verification (issue 13, items 3-6)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from ocop.accounts.models import Role, User
from ocop.audit.models import AuditEntry
from ocop.evaluation import certificates, council
from ocop.evaluation import rounds as svc
from ocop.evaluation.models_rounds import Certificate, CertificateStatus, MemberScore
from ocop.evaluation.tests.test_rounds import _entry, _members, _unit, choices_for_total, world  # noqa: F401 (fixture)
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.models import ProductStatus, SelfAssessment, required_categories
from ocop.products.tests.factories import make_dossier, make_entity, make_product

pytestmark = pytest.mark.django_db

TN = ("current", "province", "19")
AUG_2025 = dt.date(2025, 8, 1)


def _round(world, day=AUG_2025, n=3):
    officer = world["tinh.thainguyen"]
    round_ = svc.do_create_round(officer, name="Kỳ", level="province", unit=_unit(*TN), held_on=day)
    entry = _entry(round_, officer, _unit(Era.LEGACY, Level.COMMUNE, "01888"))
    return officer, round_, entry, _members(round_, officer, n) if n else []


# --- the council rules file -------------------------------------------------------------------------


def test_rules_file_loads_with_sources_and_gaps():
    rule = council.rule_for("province", dt.date(2026, 11, 20))
    assert rule is not None and rule.chair_required and rule.secretary_required
    assert rule.min_scoring_members == 3 and rule.quorum_label == "3/4" and rule.min_scores_per_product == 2
    assert rule.sources and rule.gaps and not rule.confirmed  # no national text fixes these numbers
    central = council.rule_for("central", dt.date(2026, 11, 20))
    assert central.quorum_label == "5/7" and any("757/QĐ-BNN-VPĐP" in s for s in central.sources)
    # 3/4 of 3 scoring seats is 2.25: all three must take part; of 8 seats, 6
    assert rule.quorum_of(3) == 3 and rule.quorum_of(8) == 6 and central.quorum_of(7) == 5


def test_rules_file_errors_name_the_rule():
    with pytest.raises(council.CouncilRulesError) as exc:
        council.parse_rules({"kind": "council_rules", "rules": [{"levels": ["province"], "valid_from": "2019-08-21"}]})
    assert "quy tắc 1" in str(exc.value)
    with pytest.raises(council.CouncilRulesError):
        council.parse_rules({"kind": "sheet"})


# --- quorum and closing date --------------------------------------------------------------------------


def test_a_single_member_cannot_close(world):
    officer, round_, entry, _ = _round(world, n=0)
    chair = User.objects.create(username="chu.tich", role=Role.COUNCIL_MEMBER, scope_unit=officer.scope_unit)
    svc.do_add_seat(officer, round_, chair, "chair")
    svc.do_submit_score(chair, entry, choices_for_total(entry.criteria_set.parsed, 80))
    with pytest.raises(ValidationError) as exc:
        svc.do_close_round(chair, round_)
    text = " ".join(exc.value.messages)
    assert "chưa có thư ký" in text and "1 thành viên chấm điểm; cần ít nhất 3" in text
    round_.refresh_from_db()
    assert round_.is_open and not Certificate.objects.exists()


def test_quorum_counts_recused_members_but_needs_two_sheets(world):
    _officer, round_, entry, (chair, secretary, member) = _round(world)
    sheet = entry.criteria_set.parsed
    svc.do_submit_score(chair, entry, choices_for_total(sheet, 80))
    # two of three took part: below 3/4
    svc.do_recuse(member, entry, "Người nhà của chủ thể")
    problems = svc.closing_problems(round_)
    assert any("2/3 thành viên đã tham gia" in p and "cần ít nhất 3" in p for p in problems), problems
    assert any("có 1 phiếu chấm đã nộp; cần ít nhất 2" in p for p in problems), problems
    with pytest.raises(ValidationError):
        svc.do_close_round(chair, round_)
    # the secretary scores: three took part (one recused), two sheets: it closes
    svc.do_submit_score(secretary, entry, choices_for_total(sheet, 70))
    assert svc.closing_problems(round_) == []
    svc.do_close_round(chair, round_)
    entry.refresh_from_db()
    assert entry.stars == 4


def test_cannot_close_before_the_meeting_date(world):
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        _officer, round_, entry, council_ = _round(world, day=dt.date(2026, 11, 20))
        for u in council_:
            svc.do_submit_score(u, entry, choices_for_total(entry.criteria_set.parsed, 80))
        with pytest.raises(ValidationError) as exc:
            svc.do_close_round(council_[0], round_)
        assert "Hội đồng họp ngày 20/11/2026; kỳ đánh giá chỉ kết thúc được từ ngày đó (hôm nay là 10/11/2026)" in (
            " ".join(exc.value.messages)
        )
        assert not Certificate.objects.exists()
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        # a decision dated after today is refused too
        with pytest.raises(ValidationError):
            svc.do_close_round(council_[0], round_, decided_on=dt.date(2026, 11, 21))
        svc.do_close_round(council_[0], round_)
    cert = Certificate.objects.get()
    assert cert.issued_on == dt.date(2026, 11, 20) and cert.valid_until == dt.date(2029, 11, 20)


def test_closing_page_shows_what_will_be_issued_and_asks_to_confirm(client, world):
    _officer, round_, entry, council_ = _round(world)
    for u in council_:
        svc.do_submit_score(u, entry, choices_for_total(entry.criteria_set.parsed, 80))
    client.force_login(council_[0])
    page = client.get(reverse("evaluation:round_close", args=[round_.pk])).content.decode()
    assert 'data-testid="close-confirm"' in page and "4 ★" in page and "Số 1/2025" in page
    # a POST without the confirmation only shows the page again
    client.post(reverse("evaluation:round_close", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.is_open
    client.post(reverse("evaluation:round_close", args=[round_.pk]), {"confirm": "1"})
    round_.refresh_from_db()
    assert not round_.is_open and Certificate.objects.get().number == 1


# --- organising units and products offered ---------------------------------------------------------------


def test_units_offered_are_those_of_the_meeting_date_once_each(world):
    officer = world["tinh.thainguyen"]
    units_2026 = list(svc.organising_units(officer, dt.date(2026, 11, 20)))
    assert units_2026 and all(u.era == Era.CURRENT for u in units_2026)
    names = [str(u) for u in units_2026]
    assert len(names) == len(set(names)) and names.count("Tỉnh Thái Nguyên") == 1
    assert not any(u.level == Level.DISTRICT for u in units_2026)  # no district after 01/7/2025
    units_2024 = list(svc.organising_units(officer, dt.date(2024, 5, 1)))
    assert any(u.level == Level.DISTRICT and u.name == "Ba Bể" for u in units_2024)
    legacy_tn = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="19")
    with pytest.raises(ValidationError) as exc:
        svc.do_create_round(officer, name="Kỳ", level="province", unit=legacy_tn, held_on=dt.date(2026, 11, 20))
    assert "không còn (hoặc chưa có) vào ngày họp 20/11/2026" in str(exc.value)


def test_round_form_lists_the_units_of_the_date_typed(client, world):
    client.force_login(world["tinh.thainguyen"])
    page = client.get(reverse("evaluation:round_new"), {"held_on": "01/05/2024", "name": "Kỳ 2024"}).content.decode()
    assert "Huyện Ba Bể" in page and 'data-units-era="legacy"' in page and 'value="Kỳ 2024"' in page
    page = client.get(reverse("evaluation:round_new")).content.decode()  # today: 2026, no district
    assert "Huyện Ba Bể" not in page and 'data-units-era="current"' in page and page.count(">Tỉnh Thái Nguyên<") == 1


def test_products_that_cannot_be_scored_are_listed_with_the_reason(world):
    officer, round_, _entry_, _ = _round(world, n=0)
    commune = _unit(Era.LEGACY, Level.COMMUNE, "01888")
    scorable = make_product(make_entity(commune), name="Bưởi chấm được")
    scorable.classification_code = "148-1.1.1"
    scorable.save()
    SelfAssessment.objects.create(
        dossier=make_dossier(scorable, categories=required_categories(scorable), status="complete"),
        criteria_set_code="148-1.1.1",
        declared_total=70,
    )
    unclassified = make_product(make_entity(commune), name="Chưa phân loại")
    unclassified.classification_code = ""
    unclassified.save()
    SelfAssessment.objects.create(
        dossier=make_dossier(unclassified, categories=required_categories(unclassified), status="complete"),
        criteria_set_code="",
        declared_total=70,
    )
    offered, refused = svc.product_candidates(round_)
    assert scorable in offered and unclassified not in offered
    reasons = dict(refused)
    assert "chưa được phân loại" in reasons[unclassified]


# --- privacy of the score sheets -----------------------------------------------------------------------


def test_score_sheets_private_until_closing(client, world):
    officer, round_, entry, (chair, secretary, member) = _round(world)
    sheet = entry.criteria_set.parsed
    mine = svc.do_submit_score(member, entry, choices_for_total(sheet, 73))
    chairs = svc.do_submit_score(chair, entry, choices_for_total(sheet, 81))
    svc.do_submit_score(secretary, entry, choices_for_total(sheet, 77))
    # the service rule
    assert svc.can_see_score_sheet(member, mine) and not svc.can_see_score_sheet(member, chairs)
    assert not svc.can_see_score_sheet(chair, mine) and not svc.can_see_score_sheet(officer, mine)
    assert set(svc.readable_score_sheets(member)) == {mine}
    assert set(svc.readable_score_sheets(officer)) == set()
    # the audit entry with the values is on the sheet itself, not on the product of the round
    logged = AuditEntry.objects.get(action="ocop.evaluation.score.submitted", object_id=str(mine.pk))
    assert logged.object_type == "evaluation.memberscore" and logged.after["total"] is not None
    assert not AuditEntry.objects.filter(
        action="ocop.evaluation.score.submitted", object_type="evaluation.roundproduct"
    ).exists()
    # the screens: the product page lists no totals before closing, to anyone
    for user, visible in ((member, "73,00"), (chair, "81,00"), (officer, None)):
        client.force_login(user)
        page = client.get(reverse("evaluation:entry_detail", args=[entry.pk])).content.decode()
        shown = [t for t in ("73,00", "81,00", "77,00") if t in page]
        assert shown == ([visible] if visible else []), (user, shown)
    client.force_login(member)
    page = client.get(reverse("evaluation:score_sheet", args=[entry.pk])).content.decode()
    assert "73" in page and "81" not in page.split('data-testid="sheet-total"')[1][:40]
    # after closing: the chair and the organising unit see every sheet; a member still only their own
    svc.do_close_round(chair, round_)
    mine.refresh_from_db()
    chairs = MemberScore.objects.get(pk=chairs.pk)
    assert svc.can_see_score_sheet(chair, mine) and svc.can_see_score_sheet(officer, mine)
    assert not svc.can_see_score_sheet(member, chairs)
    assert set(svc.readable_score_sheets(officer)) == set(MemberScore.objects.all())
    client.force_login(officer)
    page = client.get(reverse("evaluation:entry_detail", args=[entry.pk])).content.decode()
    assert "Phiếu chấm đã nộp" in page and "Thành viên 0" in page


def test_draft_is_not_counted_and_partial_submit_lists_missing(client, world):
    _officer, round_, entry, (chair, secretary, member) = _round(world)
    sheet = entry.criteria_set.parsed
    full = {k: str(v) for k, v in choices_for_total(sheet, 80).items()}
    first, second = sheet.criteria[0].code, sheet.criteria[1].code
    partial = {k: v for k, v in full.items() if k not in (first, second)}
    client.force_login(member)
    url = reverse("evaluation:score_sheet", args=[entry.pk])
    client.post(url, {**{f"c_{k}": v for k, v in partial.items()}, "action": "draft"})
    draft = MemberScore.objects.get(user=member)
    assert draft.submitted_at is None and draft.choices == partial
    assert svc.submitted_sheets([round_.pk]) == ({}, {})
    response = client.post(url, {**{f"c_{k}": v for k, v in partial.items()}, "action": "submit"})
    page = response.content.decode()
    assert response.status_code == 400 and 'data-testid="missing-criteria"' in page
    assert f'href="#tc-{first.replace(".", "-")}"' in page and f'href="#tc-{second.replace(".", "-")}"' in page
    assert MemberScore.objects.get(user=member).submitted_at is None
    client.post(url, {**{f"c_{k}": v for k, v in full.items()}, "action": "submit"})
    assert MemberScore.objects.get(user=member).submitted_at is not None


# --- the round's documents ------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_minutes_and_decision_numbered_without_internal_codes(world):
    from ocop.documents.services import render

    _officer, round_, entry, council_ = _round(world)
    for u in council_:
        svc.do_submit_score(u, entry, choices_for_total(entry.criteria_set.parsed, 80))
    svc.do_close_round(council_[0], round_)
    round_.refresh_from_db()
    minutes, decision = round_.minutes, round_.decision
    assert minutes.number_and_symbol == "01/BB-HĐOCOP" and decision.number_and_symbol == "01/QĐ-UBND"
    assert minutes.get_kind_display() == "Biên bản"  # registered as minutes, not as a report
    text = _docx_text(render(minutes, "docx"))
    assert "BIÊN BẢN" in text and "BÁO CÁO" not in text and "Số: 01/BB-HĐOCOP" in text
    assert "current" not in text and "-19-" not in text
    # signed by the chair and the secretary
    assert (
        "CHỦ TỊCH HỘI ĐỒNG" in text and "THƯ KÝ HỘI ĐỒNG" in text and "Thành viên 0" in text and "Thành viên 1" in text
    )
    # the header names the province on a line of its own, never cut in the middle
    assert "ỦY BAN NHÂN DÂN\nTỈNH THÁI NGUYÊN" in text
    text = _docx_text(render(decision, "docx"))
    assert "QUYẾT ĐỊNH" in text and "Số: 01/QĐ-UBND" in text and "current" not in text
    body = text[text.index("Điều 1.") :]
    # Điều 1, 2, 3 once each, not numbered as a list; the products numbered once
    assert body.count("Điều 1.") == 1 and "Điều 2." in body and "Điều 3." in body
    assert "1. Điều" not in text and "2. 1." not in text
    assert f"1. {entry.product.name}" in body and "4 sao" in body
    assert "Biên bản số 01/BB-HĐOCOP" in text  # the decision cites the minutes by their number


# --- the certificate and its public verification ----------------------------------------------------------


def _closed_certificate(world):
    _officer, round_, entry, council_ = _round(world)
    for u in council_:
        svc.do_submit_score(u, entry, choices_for_total(entry.criteria_set.parsed, 80))
    svc.do_close_round(council_[0], round_)
    return Certificate.objects.get(round_product=entry)


def decode_qr(png_or_image) -> list[str]:
    import zxingcpp
    from PIL import Image

    image = png_or_image if isinstance(png_or_image, Image.Image) else Image.open(io.BytesIO(png_or_image))
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]


def test_qr_code_holds_the_verification_url(world, settings):
    settings.SITE_URL = "https://ocop.example.vn"
    cert = _closed_certificate(world)
    url = certificates.verification_url(cert)
    assert url == "https://ocop.example.vn/san-pham-ocop/xac-minh/?so=1%2F2025%2FOCOP-19"
    assert decode_qr(certificates.qr_png(url)) == [url]
    data = certificates.certificate_docx(cert)
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
        assert decode_qr(docx.read(media[0])) == [url]
    text = _docx_text(data)
    assert "GIẤY CHỨNG NHẬN" in text and "Số: 1/2025/OCOP-19" in text and "4 sao" in text
    assert "Có giá trị đến hết ngày: 31/07/2028" in text


@pytest.mark.parametrize("state", ["valid", "revoked", "expired", "unknown"])
def test_public_verification(client, world, state):
    cert = _closed_certificate(world)
    number = cert.number_display
    if state == "revoked":
        svc.do_revoke_certificate(world["tinh.thainguyen"], cert, "Không duy trì chất lượng (lý do nội bộ)")
    elif state == "expired":
        cert.valid_until = dt.date(2026, 1, 1)
        cert.save()
    elif state == "unknown":
        number = "999/2025/OCOP-19"
    response = client.get(reverse("catalogue:verify"), {"so": number.lower().replace("/", " / ")})
    page = response.content.decode()
    expected = {
        "valid": "còn hiệu lực",
        "revoked": "đã bị thu hồi",
        "expired": "đã hết hiệu lực",
        "unknown": "Không có giấy chứng nhận",
    }[state]
    assert expected in page
    assert response.status_code == (404 if state == "unknown" else 200)
    if state == "unknown":
        assert cert.product.name not in page
    else:
        assert cert.product.name in page and "4 ★" in page
    # nothing that is not on the certificate itself: no reason, no score
    assert "lý do nội bộ" not in page and str(cert.round_product.score) not in page


def test_verification_is_rate_limited_per_address(client, world, monkeypatch):
    monkeypatch.setattr(certificates, "VERIFY_LIMIT", 3)
    for _ in range(3):
        assert client.get(reverse("catalogue:verify"), {"so": "1/2025/OCOP-19"}).status_code == 404
    response = client.get(reverse("catalogue:verify"), {"so": "1/2025/OCOP-19"})
    assert response.status_code == 429 and "quá nhiều lần" in response.content.decode()
    # another address is not affected; the empty form is never counted
    assert client.get(reverse("catalogue:verify"), {"so": "1/2025/OCOP-19"}, REMOTE_ADDR="10.9.9.9").status_code == 404
    assert client.get(reverse("catalogue:verify")).status_code == 200


def test_certificate_pdf_download(client, world):
    from ocop.documents.pdf import soffice_path

    if soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    cert = _closed_certificate(world)
    assert cert.product.status == ProductStatus.CERTIFIED
    client.force_login(world["tinh.thainguyen"])
    response = client.get(reverse("evaluation:certificate_pdf", args=[cert.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "GIẤY CHỨNG NHẬN" in text and "1/2025/OCOP-19" in text
    images = reader.pages[0].images
    assert images and decode_qr(images[0].image) == [certificates.verification_url(cert)]
    assert cert.status == CertificateStatus.VALID
