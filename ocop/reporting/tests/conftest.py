import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ocop.geo.models import AdminUnit, Era, Level
from ocop.reporting.loader import load_templates
from ocop.reporting.models import ReportTemplate
from ocop.reporting.services.requests import do_create_request, do_open_request

SEED_CODE = "ocop-cv9654-2018"


@pytest.fixture
def seed_template(db) -> ReportTemplate:
    load_templates()
    return ReportTemplate.objects.get(code=SEED_CODE, version=1)


@pytest.fixture
def seed_request(demo_users, seed_template, django_capture_on_commit_callbacks):
    """The 2018 request of Công văn 9654/BNN-VPĐP to the 63 provinces, open: due "trước ngày 10/01/2019"."""
    with django_capture_on_commit_callbacks(execute=True):
        req = do_create_request(
            demo_users["tw.canbo"],
            title="Báo cáo kết quả triển khai Chương trình OCOP năm 2018",
            template=seed_template,
            kind="adhoc",
            cutoff=dt.date(2018, 12, 31),
            deadline=dt.date(2019, 1, 10),
            deadline_rule="before",
            period_start=dt.date(2018, 1, 1),
            document_number="9654/BNN-VPĐP",
            issued_on=dt.date(2018, 12, 12),
        )
        do_open_request(demo_users["tw.canbo"], req)
    req.refresh_from_db()
    return req


def legacy_province(code: str) -> AdminUnit:
    return AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code=code)


NARRATIVE = {
    "direction_text": "Tỉnh đã ban hành các văn bản chỉ đạo.",
    "organisation_text": "Đã kiện toàn bộ máy.",
    "activities_text": "Đã tổ chức hội nghị, tập huấn.",
    "products_text": "Đã rà soát sản phẩm.",
    "funding_text": "Kinh phí từ ngân sách tỉnh.",
    "difficulties_text": "Còn khó khăn về nguồn lực.",
    "plan_direction_text": "Tiếp tục triển khai.",
    "plan_activities_text": "Tổ chức đánh giá sản phẩm.",
    "plan_coordination_text": "Phối hợp các sở.",
    "proposals_policy_text": "Đề nghị hướng dẫn tiêu chí.",
    "proposals_support_text": "Đề nghị hỗ trợ tư vấn.",
    "products_reviewed": 0,
    "products_3star": 0,
    "products_4star": 0,
    "products_5star": 0,
}


def complete(sub, **extra) -> dict:
    """Values that, over the pre-filled ones, make the seed report valid."""
    data = dict(NARRATIVE)
    ranked = sub.data.get("products_ranked") or 0
    evaluated = sub.data.get("products_evaluated") or 0
    data.update(products_reviewed=max(ranked, evaluated), products_3star=ranked)
    data.update(extra)
    return data


VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> dt.datetime:
    """A moment in Vietnam time (browser tests move the clock with time-machine)."""
    return dt.datetime(*args, tzinfo=VN)


def log_out(page) -> None:
    page.get_by_test_id("logout").click()
    page.wait_for_load_state()
