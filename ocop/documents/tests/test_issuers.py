"""Issuers and signers as dated data: the issuer valid on a letter's date, versions with history,
provincial bodies across the 2025 reform, the browser pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ocop.audit.models import AuditEntry
from ocop.documents import services
from ocop.reporting import letters
from ocop.documents.fit import fit_size
from ocop.documents.issuers import do_add_version, facts_on, load_issuers, ministry_on, provincial_issuer
from ocop.documents.models import IssuerVersion
from ocop.documents.services import plain_text
from ocop.documents.tests.conftest import docx_text
from ocop.geo.services import get_unit
from ocop.reporting.tests.conftest import legacy_province, seed_request, seed_template  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    load_issuers()


def test_the_ministry_on_each_side_of_the_merger(loaded):
    before, after = ministry_on(dt.date(2025, 2, 28)), ministry_on(dt.date(2025, 3, 1))
    assert before.code == "BNN-VPĐP" and after.code == "BNNMT-VPĐP"
    old, new = facts_on(before, dt.date(2025, 2, 28)), facts_on(after, dt.date(2025, 3, 1))
    assert old.name == "Bộ Nông nghiệp và Phát triển nông thôn" and old.header_lines == [
        "BỘ NÔNG NGHIỆP",
        "VÀ PHÁT TRIỂN NÔNG THÔN",
    ]
    assert new.name == "Bộ Nông nghiệp và Môi trường" and new.header_lines == ["BỘ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"]
    assert old.symbol == "BNN-VPĐP" and new.symbol == "BNNMT-VPĐP"
    # what is not known is a gap, not an invented fact; every version names its sources
    assert new.signer_name == "" and new.contact == "" and any("[?]" in g for g in new.gaps)
    assert any("35/2025/NĐ-CP" in source for source in new.sources)
    assert any("9654/BNN-VPĐP" in source for source in old.sources)
    assert load_issuers() == {"issuers": 0, "versions": 0}  # idempotent


@pytest.mark.parametrize(
    "day, header, symbol, name",
    [
        (
            dt.date(2025, 2, 28),
            "BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN",
            "/BNN-VPĐP",
            "Bộ Nông nghiệp và Phát triển nông thôn",
        ),
        (dt.date(2025, 3, 1), "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "/BNNMT-VPĐP", "Bộ Nông nghiệp và Môi trường"),
    ],
)
def test_a_letter_is_issued_by_the_body_valid_on_its_date(
    loaded,
    seed_request,
    media,
    demo_users,
    day,
    header,  # noqa: F811
    symbol,
    name,
):
    doc = letters.create_request_letter(demo_users["tw.canbo"], seed_request, day=day)
    assert doc.symbol == symbol[1:]
    text = docx_text(services.render(doc, "docx"))
    assert header in text and f"Số: {symbol}" in text
    assert f"Báo cáo gửi về {name}" in text
    assert f"của {name})" in text  # the appendix caption
    assert doc.signature_title == "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG"


def test_no_2018_contact_in_a_letter_of_the_new_ministry(loaded, seed_request, media, demo_users):  # noqa: F811
    doc = letters.create_request_letter(demo_users["tw.canbo"], seed_request, day=dt.date(2026, 12, 20))
    body = " ".join(plain_text(p) for p in services.body_paragraphs(doc))
    assert "gmail" not in body and "Đặng Văn Cường" not in body and "Thông tin chi tiết" not in body
    assert "Trong thời gian qua" not in body  # the seed's own sentence stays in the seed


def test_the_old_ministry_cannot_issue_after_the_merger(loaded, seed_request, demo_users):  # noqa: F811
    with pytest.raises(ValidationError, match="không ban hành văn bản vào ngày 01/03/2025"):
        letters.create_request_letter(
            demo_users["tw.canbo"], seed_request, issuer=ministry_on(dt.date(2025, 2, 28)), day=dt.date(2025, 3, 1)
        )


def test_a_draft_of_the_old_ministry_is_not_issued_after_the_merger(loaded, media, demo_users):
    old = ministry_on(dt.date(2025, 2, 28))
    draft = services.do_create_draft(
        demo_users["tw.canbo"], issuer=old, subject="kiểm thử", recipients=["UBND các tỉnh"]
    )
    with pytest.raises(ValidationError, match="không ban hành văn bản vào ngày 01/03/2025"):
        services.do_update_draft(demo_users["tw.canbo"], draft, date=dt.date(2025, 3, 1))
    with pytest.raises(ValidationError, match="không ban hành văn bản vào ngày"):
        services.do_issue(demo_users["tw.canbo"], draft)  # no date: issued today, after the merger
    draft.refresh_from_db()
    assert draft.number is None
    draft.date = dt.date(2025, 3, 1)  # a date set behind the services' back is still refused at rendering
    with pytest.raises(ValidationError, match="không ban hành văn bản vào ngày 01/03/2025"):
        services.render_docx(draft)


def test_a_new_version_keeps_the_history(loaded, demo_users):
    issuer = ministry_on(dt.date(2026, 1, 1))
    admin = demo_users["tw.quantri"]
    with pytest.raises(PermissionDenied):
        do_add_version(
            demo_users["tw.canbo"], issuer, dt.date(2026, 6, 1), name="x", header="X", symbol="X", place="Hà Nội"
        )
    v = do_add_version(
        admin,
        issuer,
        dt.date(2026, 6, 1),
        reason="Người ký mới",
        name="Bộ Nông nghiệp và Môi trường",
        header="BỘ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG",
        symbol="BNNMT-VPĐP",
        place="Hà Nội",
        signature_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
        signer_name="Nguyễn Văn A (kiểm thử)",
    )
    first = IssuerVersion.objects.get(issuer=issuer, valid_from=dt.date(2025, 3, 1))
    assert first.valid_to == dt.date(2026, 5, 31) and v.valid_to is None
    assert facts_on(issuer, dt.date(2026, 5, 31)).signer_name == ""
    assert facts_on(issuer, dt.date(2026, 6, 1)).signer_name == "Nguyễn Văn A (kiểm thử)"
    assert AuditEntry.objects.filter(action="ocop.issuer.version_added", actor=admin).count() == 1
    assert AuditEntry.objects.filter(action="ocop.issuer.version_closed").count() == 1
    with pytest.raises(ValidationError):  # the same date again: the history is not rewritten
        do_add_version(admin, issuer, dt.date(2026, 6, 1), name="y", header="Y", symbol="Y", place="Hà Nội")


def test_provincial_bodies_follow_the_2025_reform(db):
    bac_kan = legacy_province("06")
    thai_nguyen = get_unit("19", "province", day=dt.date(2026, 1, 1))
    ubnd_2018 = provincial_issuer(bac_kan, dt.date(2018, 12, 12), "ubnd")
    assert facts_on(ubnd_2018, dt.date(2018, 12, 12)).header_lines == ["ỦY BAN NHÂN DÂN", "TỈNH BẮC KẠN"]
    ubnd_2026 = provincial_issuer(bac_kan, dt.date(2026, 12, 20), "ubnd")  # Bắc Kạn merged into Thái Nguyên
    assert ubnd_2026.unit == thai_nguyen
    assert facts_on(ubnd_2026, dt.date(2026, 12, 20)).header_lines == ["ỦY BAN NHÂN DÂN", "TỈNH THÁI NGUYÊN"]
    department = provincial_issuer(bac_kan, dt.date(2025, 2, 28), "department")
    old, new = facts_on(department, dt.date(2025, 2, 28)), facts_on(department, dt.date(2025, 3, 1))
    assert old.name == "Sở Nông nghiệp và Phát triển nông thôn tỉnh Bắc Kạn" and old.parent_lines == [
        "UBND TỈNH BẮC KẠN"
    ]
    assert new.header_lines == ["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"]
    assert any("45/2025/NĐ-CP" in s for s in new.sources)
    assert all(f.signer_name == "" for f in (old, new))  # unknown: a gap


def test_header_lines_fit_their_column():
    # Times New Roman Bold at 12 pt (AFM widths): "TỈNH THÁI NGUYÊN" ≈ 4,4 cm fits the 7 cm column
    # (6,62 cm inside the cell margins); the whole name on one line (≈ 8,3 cm at 12 pt, 6,9 cm at 10 pt) does not
    assert fit_size("TỈNH THÁI NGUYÊN", 7.0, 12) == 12
    assert fit_size("ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN", 7.0, 12) is None


def test_issuer_pages(loaded, client, demo_users):
    issuer = ministry_on(dt.date(2026, 1, 1))
    client.force_login(demo_users["tw.canbo"])
    page = client.get(reverse("documents:issuer_list")).content.decode()
    assert "BNNMT-VPĐP" in page and "Bộ Nông nghiệp và Môi trường" in page
    assert client.get(reverse("documents:issuer_version_new", args=[issuer.pk])).status_code == 403
    client.force_login(demo_users["tw.quantri"])
    url = reverse("documents:issuer_version_new", args=[issuer.pk])
    form = {
        "valid_from": "01/07/2026",
        "name": "Bộ Nông nghiệp và Môi trường",
        "header": "BỘ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG",
        "symbol": "BNNMT-VPĐP",
        "place": "Hà Nội",
        "signature_title": "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
        "reason": "Kiểm thử",
    }
    refused = client.post(url, {**form, "header": "BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM"})
    assert refused.status_code == 200 and "dài quá một hàng" in refused.content.decode()
    response = client.post(url, form)
    assert response.status_code == 302
    assert IssuerVersion.objects.filter(issuer=issuer).count() == 2
    detail = client.get(reverse("documents:issuer_detail", args=[issuer.pk])).content.decode()
    assert "01/07/2026" in detail and "Kiểm thử" in detail
    assert f"Số văn bản tiếp theo năm {timezone.localdate().year}: 01" in detail  # nothing issued in this series yet


def test_pages_name_issuers_without_internal_codes(loaded, client, demo_users):
    """A province's UBND is keyed "UBND-<code>-<era>" in the register; readers see its name and, where it
    did not always exist, its lifetime (issue 15, finding 12)."""
    from ocop.geo.models import AdminUnit, Era, Level

    unit = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="19")
    ubnd = provincial_issuer(unit, dt.date(2026, 1, 5), "ubnd")
    assert "-current" in ubnd.code and "current" not in str(ubnd) and "UBND-" not in str(ubnd)
    assert str(ministry_on(dt.date(2025, 2, 28))) == "Bộ Nông nghiệp và Phát triển nông thôn (đến 28/02/2025)"
    client.force_login(demo_users["tw.quantri"])
    for url in (reverse("documents:issuer_list"), reverse("documents:issuer_detail", args=[ubnd.pk])):
        html = client.get(url).content.decode()
        assert ubnd.code not in html, url


def test_a_letter_dated_in_year_9999_is_refused_with_a_message(db):
    from ocop.documents.forms import ReminderForm

    form = ReminderForm(data={"as_of": "01/01/2026", "date": "31/12/9999"})
    assert not form.is_valid() and "31/12/9999" in " ".join(form.errors["date"])
