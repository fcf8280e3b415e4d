"""Browser: a central officer issues a letter, gets its signed PDF, downloads it, uploads it to the
public verification page (signed out) and reads that the signatures are valid."""

from __future__ import annotations

import datetime as dt

import pytest

from ocop.conftest import log_in
from ocop.documents import services as documents
from ocop.documents.models import Issuer
from ocop.signing.demo import create_test_ca

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_issue_sign_download_and_verify(site, page, tmp_path):
    issuer = Issuer.objects.create(
        code="BNNMT-KT",
        name="Bộ Nông nghiệp và Môi trường",
        header="BỘ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG",
        place="Hà Nội",
        archive="VT",
        signature_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
        signer_name="Người Ký Thử Nghiệm",
    )
    draft = documents.do_create_draft(
        None,
        issuer=issuer,
        subject="Báo cáo kết quả thực hiện Chương trình OCOP năm 2026",
        date=dt.date(2026, 11, 20),
        recipients=["Ủy ban nhân dân các tỉnh, thành phố"],
        content={"opening": ["Đề nghị báo cáo kết quả thực hiện Chương trình OCOP năm 2026."]},
        noi_nhan=["Lưu: VT."],
    )
    create_test_ca()  # TEST CA keys and demo images for this signer and issuer
    log_in(page, site, "tw.canbo")
    page.goto(f"{site}/documents/{draft.pk}/")
    page.get_by_test_id("document-issue").click()
    page.wait_for_load_state()
    page.get_by_label("Tôi xác nhận ban hành", exact=False).check()
    page.get_by_test_id("issue-confirm").click()
    page.wait_for_url(f"{site}/documents/{draft.pk}/")
    assert "01/BNNMT-KT" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_test_id("sign-now").click()
    page.get_by_test_id("download-signed").wait_for()
    page.screenshot(path="/tmp/h19-document-signed.png", full_page=True)
    with page.expect_download() as info:
        page.get_by_test_id("download-signed").click()
    path = tmp_path / "signed.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")

    page.context.clear_cookies()  # the verification page needs no sign-in
    page.goto(f"{site}/xac-minh-van-ban/")
    page.get_by_label("Tệp PDF đã ký số").set_input_files(str(path))
    page.get_by_role("button", name="Kiểm tra").click()
    page.get_by_test_id("verdict").wait_for()
    page.screenshot(path="/tmp/h19-verify.png", full_page=True)
    assert page.get_by_test_id("verdict").get_attribute("data-verdict") == "valid"
    assert "hợp lệ" in page.get_by_test_id("verdict-text").inner_text()
    assert page.get_by_test_id("signature").count() == 2
    assert "Tệp trùng khớp với văn bản số 01/BNNMT-KT" in page.get_by_test_id("register").inner_text()
