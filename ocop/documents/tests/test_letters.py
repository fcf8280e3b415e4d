"""The three letters of a reporting round and the register's pages."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import docx

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from ocop.documents import services
from ocop.reporting import letters
from ocop.documents.models import DocumentStatus, OutgoingDocument, Purpose
from ocop.documents.services import plain_text
from ocop.documents.tests.conftest import docx_text
from ocop.reporting.services import submissions as sv
from ocop.reporting.tests.conftest import complete, legacy_province, seed_request, seed_template  # noqa: F401

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def text_of(doc) -> str:
    return " ".join(plain_text(p) for p in services.body_paragraphs(doc))


def submit(user, req, unit, at):
    sub = sv.do_open_submission(user, req, unit)
    sv.do_save_draft(user, sub, complete(sub))
    return sv.do_submit(user, sub, at=at)


def _deadline_rule(request, rule: str) -> None:
    """The request's deadline rule ("before": "trước ngày D", "by": "chậm nhất ngày D"), where the
    request has one (issue 12, item 7)."""
    if hasattr(request, "deadline_rule"):
        request.deadline_rule = rule
        request.save(update_fields=["deadline_rule"])


def test_the_deadline_sentence_follows_the_requests_rule(seed_request, issuer, media, demo_users):  # noqa: F811
    _deadline_rule(seed_request, "before")
    body = text_of(letters.create_request_letter(demo_users["tw.canbo"], seed_request, issuer=issuer))
    assert "trước ngày 10/01/2019./." in body and "chậm nhất" not in body
    if hasattr(seed_request, "deadline_rule"):
        _deadline_rule(seed_request, "by")
        body = text_of(letters.create_request_letter(demo_users["tw.canbo"], seed_request, issuer=issuer))
        assert "chậm nhất ngày 10/01/2019./." in body and "trước ngày 10/01/2019" not in body


def test_request_letter_without_approved_plans(seed_request, issuer, media, demo_users):  # noqa: F811
    _deadline_rule(seed_request, "before")
    doc = letters.create_request_letter(demo_users["tw.canbo"], seed_request, issuer=issuer)
    assert doc.status == DocumentStatus.DRAFT and doc.number is None and doc.purpose == Purpose.REQUEST_LETTER
    assert doc.date == dt.date(2018, 12, 12) and doc.request == seed_request
    assert doc.subject == "báo cáo kết quả triển khai Chương trình OCOP năm 2018"
    body = text_of(doc)
    assert (
        "Đến ngày 12/12/2018, chưa có tỉnh, thành phố nào phê duyệt Đề án, Kế hoạch triển khai Chương trình OCOP "
        "cấp tỉnh." in body
    )
    assert "biểu dương" not in body and "Trong thời gian qua" not in body  # no praise, no 2018 boilerplate
    assert "tính đến ngày 31/12/2018 (đề cương đính kèm)" in body and "trước ngày 10/01/2019./." in body
    assert "(qua Văn phòng Điều phối nông thôn mới Trung ương)" in body
    sections = doc.content["appendix"]["sections"]
    assert [s["label"] for s in sections if s["depth"] == 0] == ["I.", "II.", "III."]
    assert len(sections) == len(seed_request.template.parsed.sections)
    text = docx_text(services.render(doc, "docx"))
    assert "Số: /BNN-VPĐP" in text  # a draft: the number left blank
    assert "(Kèm theo Công văn số /BNN-VPĐP ngày 12/12/2018 của Bộ Nông nghiệp và Phát triển nông thôn)" in text
    assert "Lưu: VT, VPĐP." in text


def test_reminder_lists_the_units_missing_as_of_a_date(seed_request, issuer, media, demo_users):  # noqa: F811
    _deadline_rule(seed_request, "before")
    hatinh, thainguyen = demo_users["tinh.hatinh"], demo_users["tinh.thainguyen"]
    submit(hatinh, seed_request, legacy_province("42"), dt.datetime(2019, 1, 8, 9, tzinfo=VN))
    submit(thainguyen, seed_request, legacy_province("06"), dt.datetime(2019, 1, 12, 9, tzinfo=VN))
    doc = letters.create_reminder_letter(
        demo_users["tw.canbo"], seed_request, issuer=issuer, as_of=dt.date(2019, 1, 11), day=dt.date(2019, 1, 11)
    )
    body = text_of(doc)
    assert doc.purpose == Purpose.REMINDER and doc.subject.startswith("đôn đốc báo cáo")
    assert "Công văn số 9654/BNN-VPĐP ngày 12/12/2018" in body
    assert "còn 62/63 tỉnh, thành phố chưa gửi báo cáo" in body
    assert "Bắc Kạn" in doc.recipients[0] and "Hà Tĩnh" not in doc.recipients[0]  # Bắc Kạn reported on 12/01
    assert "trước ngày 18/01/2019./." in body  # 5 working days after 11/01/2019
    later = letters.build_reminder_letter(
        seed_request, issuer=issuer, as_of=dt.date(2019, 1, 12), day=dt.date(2019, 1, 14)
    )
    assert "còn 61/63" in " ".join(plain_text(p) for p in later["content"]["opening"])
    assert "Bắc Kạn" not in later["recipients"][0]


def test_no_reminder_when_everyone_reported(seed_request, issuer, media, demo_users):  # noqa: F811
    seed_request.recipients.set([legacy_province("42")])
    submit(demo_users["tinh.hatinh"], seed_request, legacy_province("42"), dt.datetime(2019, 1, 8, 9, tzinfo=VN))
    with pytest.raises(ValidationError, match="tất cả các đơn vị đã gửi báo cáo"):
        letters.build_reminder_letter(seed_request, issuer=issuer, as_of=dt.date(2019, 1, 11))


def test_forwarding_letter_of_the_national_report(seed_request, issuer, media, demo_users):  # noqa: F811
    summary = {
        "expected": 63,
        "submitted": 56,
        "on_time": 49,
        "late": 7,
        "as_of": dt.date(2019, 1, 25),
        "report_number": "15/BC-BNN-VPĐP",
        "totals": [("Tỉnh đã phê duyệt Đề án, Kế hoạch", 22), ("Tổng kinh phí", "1.250 triệu đồng")],
        "highlights": ["Nhiều tỉnh đã chủ động bố trí kinh phí & nhân lực."],
        "proposals": ["Bổ sung kinh phí cho Chương trình OCOP."],
    }
    doc = letters.create_forwarding_letter(
        demo_users["tw.canbo"], seed_request, summary, issuer=issuer, day=dt.date(2019, 1, 28)
    )
    body = text_of(doc)
    assert doc.purpose == Purpose.FORWARDING and doc.recipients == letters.DEFAULT_FORWARD_TO
    assert "Đến ngày 25/01/2019, đã có 56/63 tỉnh, thành phố gửi báo cáo (49 đúng hạn, 7 sau thời hạn); còn 7" in body
    assert "- Tỉnh đã phê duyệt Đề án, Kế hoạch: 22;" in body and "- Tổng kinh phí: 1.250 triệu đồng." in body
    assert "1. Bổ sung kinh phí cho Chương trình OCOP." in body
    assert "(Báo cáo số 15/BC-BNN-VPĐP)" in body and body.endswith("để xem xét, chỉ đạo./.")
    issued = services.do_issue(demo_users["tw.quantri"], doc)
    text = docx_text(services.render(issued, "docx"))
    assert "Kính gửi: - Thủ tướng Chính phủ; - Ban Chỉ đạo Trung ương các Chương trình mục tiêu quốc gia." in text
    assert "Nhiều tỉnh đã chủ động bố trí kinh phí & nhân lực." in text


# --- pages -----------------------------------------------------------------------------------------


def test_central_officer_drafts_edits_and_issues_from_the_request_page(client, seed_request, issuer, media, demo_users):  # noqa: F811
    client.force_login(demo_users["tw.canbo"])
    url = reverse("documents:request_letter", args=[seed_request.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": "12/12/2018", "subject": "", "issuer": issuer.pk})
    doc = OutgoingDocument.objects.get(request=seed_request, purpose=Purpose.REQUEST_LETTER)
    assert response.status_code == 302 and response["Location"] == reverse("documents:detail", args=[doc.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Trích yếu" in page and "Chưa có" not in page

    edit = reverse("documents:edit", args=[doc.pk])
    form = client.get(edit).context["form"].initial
    assert not {"opening", "requests", "closing"} & set(form)  # no markup to type: the body is edited in Word
    form.update(subject='đẩy nhanh "OCOP" & <báo cáo>', date="13/12/2018")
    form = {k: ("" if v is None else v) for k, v in form.items()}
    assert client.post(edit, form).status_code == 302
    doc.refresh_from_db()
    assert doc.subject == 'đẩy nhanh "OCOP" & <báo cáo>' and doc.date == dt.date(2018, 12, 13)

    # the Word round trip: download the draft, edit it in Word (python-docx here), upload it back
    word = docx.Document(io.BytesIO(client.get(reverse("documents:download", args=[doc.pk, "docx"])).content))
    body = [p for p in word.paragraphs if p.style.name == "ND30 Nội dung"]
    last = body[-2]  # the numbered request for the report (the last one is the contact line)
    new = last.insert_paragraph_before("Yêu cầu ", style="ND30 Nội dung")
    new.add_run("một").italic = True
    new.add_run(" & <hai>").bold = True
    out = io.BytesIO()
    word.save(out)
    upload = reverse("documents:upload", args=[doc.pk])
    response = client.post(upload, {"file": SimpleUploadedFile("du-thao.docx", out.getvalue())})
    assert response.status_code == 302 and response["Location"] == reverse("documents:detail", args=[doc.pk])
    doc.refresh_from_db()
    paragraphs = doc.content["opening"]
    added = paragraphs[-2]
    assert added == [
        {"text": "Yêu cầu ", "bold": False, "italic": False},
        {"text": "một", "bold": False, "italic": True},
        {"text": " & <hai>", "bold": True, "italic": False},
    ]
    assert plain_text(paragraphs[-1]).startswith("1. Báo cáo")  # the numbered request, now as typed
    assert doc.content["contact"].startswith("Văn phòng Điều phối") and "Lưu: VT, VPĐP." in doc.noi_nhan
    assert doc.content["appendix"]["sections"]  # the appendix stays the request's outline
    # a file that is not a .docx, or a macro file, is refused with a message and changes nothing
    before = dict(doc.content)
    for name, data in (("x.docx", b"not a zip"), ("x.docm", out.getvalue())):
        response = client.post(upload, {"file": SimpleUploadedFile(name, data)}, follow=True)
        assert response.status_code == 200 and response.redirect_chain[-1][0] == edit
        doc.refresh_from_db()
        assert doc.content == before

    issue = reverse("documents:issue", args=[doc.pk])
    assert "Số sẽ cấp: 01/BNN-VPĐP" in client.get(issue).content.decode()
    response = client.post(issue, {})  # not confirmed
    assert response.status_code == 200 and OutgoingDocument.objects.get(pk=doc.pk).status == DocumentStatus.DRAFT
    assert client.post(issue, {"confirm": "on"}).status_code == 302
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.ISSUED and doc.number_and_symbol == "01/BNN-VPĐP"
    assert client.get(edit).status_code == 302  # an issued document cannot be edited

    response = client.get(reverse("documents:download", args=[doc.pk, "docx"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'V/v đẩy nhanh "OCOP" & <báo cáo>' in docx_text(response.content)
    listing = client.get(reverse("documents:list"), {"year": "2018", "status": "issued"}).content.decode()
    assert "01/BNN-VPĐP" in listing
    assert "01/BNN-VPĐP" not in client.get(reverse("documents:list"), {"year": "2019"}).content.decode()
    bad = client.get(reverse("documents:list"), {"year": "abc"})
    assert bad.status_code == 200


def test_reminder_page_and_bad_input(client, seed_request, issuer, media, demo_users):  # noqa: F811
    client.force_login(demo_users["tw.quantri"])
    url = reverse("documents:reminder", args=[seed_request.pk])
    response = client.post(url, {"as_of": "31/02/2019", "date": "11/01/2019", "issuer": issuer.pk})
    assert response.status_code == 200 and "Tính đến ngày" in response.content.decode()
    assert not OutgoingDocument.objects.exists()
    response = client.post(url, {"as_of": "11/01/2019", "date": "11/01/2019", "issuer": issuer.pk})
    assert response.status_code == 302
    assert OutgoingDocument.objects.get().purpose == Purpose.REMINDER


def test_pdf_download_failure_is_a_message_not_a_500(client, seed_request, issuer, media, demo_users, monkeypatch):  # noqa: F811
    monkeypatch.setenv("OCOP_SOFFICE", "/nonexistent/soffice")
    doc = letters.create_request_letter(None, seed_request, issuer=issuer)
    client.force_login(demo_users["tw.canbo"])
    response = client.get(reverse("documents:download", args=[doc.pk, "pdf"]), follow=True)
    assert response.status_code == 200 and "chưa cài LibreOffice" in response.content.decode()
    response = client.get(reverse("documents:download", args=[doc.pk, "odt"]), follow=True)
    assert "Định dạng không hỗ trợ" in response.content.decode()


def test_the_request_page_partial(seed_request, issuer, media, demo_users):  # noqa: F811
    letters.create_request_letter(None, seed_request, issuer=issuer)
    template = Template('{% include "documents/_request_documents.html" %}')

    def rendered(username):
        request = RequestFactory().get("/")
        request.user = demo_users[username]
        return template.render(Context({"req": seed_request, "request": request}))

    html = rendered("tw.canbo")
    assert "Công văn yêu cầu báo cáo" in html and "Soạn công văn đôn đốc" in html
    assert rendered("tinh.hatinh").strip() == ""


def test_completeness_summary_feeds_the_forwarding_letter(seed_request, issuer, media, demo_users):  # noqa: F811
    submit(demo_users["tinh.hatinh"], seed_request, legacy_province("42"), dt.datetime(2019, 1, 8, 9, tzinfo=VN))
    summary = letters.completeness_summary(seed_request, as_of=dt.date(2019, 1, 25))
    assert (summary["expected"], summary["submitted"], summary["on_time"], summary["missing"]) == (63, 1, 1, 62)
    fields = letters.build_forwarding_letter(seed_request, summary, issuer=issuer, day=dt.date(2019, 1, 28))
    opening = " ".join(plain_text(p) for p in fields["content"]["opening"])
    assert "Đến ngày 25/01/2019, đã có 1/63 tỉnh, thành phố gửi báo cáo (1 đúng hạn, 0 sau thời hạn); còn 62" in opening


@pytest.mark.django_db
def test_forwarding_letter_is_drafted_from_the_page_with_the_national_totals(client, demo_users):
    from django.urls import reverse

    from ocop.documents.models import OutgoingDocument, Purpose
    from ocop.demo.programme import create_demo_programme
    from ocop.demo.reporting import create_demo_reporting
    from ocop.reporting.models import ReportRequest

    from ocop.demo.documents import create_demo_documents
    from ocop.reporting.loader import load_templates

    create_demo_programme()
    load_templates()
    create_demo_reporting()

    create_demo_documents()
    req = ReportRequest.objects.get(document_number="9654/BNN-VPĐP")
    client.force_login(demo_users["tw.canbo"])
    page = client.get(reverse("documents:forwarding", args=[req.pk]))
    assert page.status_code == 200
    issuer = OutgoingDocument.objects.filter(number=9654).get().issuer
    response = client.post(
        reverse("documents:forwarding", args=[req.pk]), {"date": "20/01/2019", "issuer": issuer.pk, "subject": ""}
    )
    assert response.status_code == 302
    doc = OutgoingDocument.objects.get(purpose=Purpose.FORWARDING, request=req)
    assert doc.status == "draft"
    client.force_login(demo_users["tinh.hatinh"])
    assert client.get(reverse("documents:forwarding", args=[req.pk])).status_code == 403
