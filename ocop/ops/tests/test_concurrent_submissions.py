"""The 63 provinces submit the same request at the same moment, through gunicorn, against
PostgreSQL: every submission is saved, nothing is lost, no request fails.

Each province officer signs in over HTTP, opens the report form, changes one narrative field and
presses "Nộp báo cáo" — all 63 POSTs released together by a barrier. gunicorn runs 2 workers with
4 threads each (8 requests at a time), so the requests queue and interleave in the database.
`make bench` runs the heavier load figures; this is the correctness check at national size."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ocop.accounts.models import Role, User
from ocop.audit.models import AuditEntry
from ocop.geo.loader import load_units
from ocop.geo.models import AdminUnit, Era, Level, UnitSuccession
from ocop.ops.tests.procs import Browser, Procs, forms_of, process_env
from ocop.reporting.models import Submission, SubmissionStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PASSWORD = "tinh-kiem-thu-2026"


def _seed_request(central):
    from ocop.reporting.loader import load_templates
    from ocop.reporting.models import ReportTemplate
    from ocop.reporting.services.requests import do_create_request, do_open_request

    load_templates()
    template = ReportTemplate.objects.get(code="ocop-cv9654-2018", version=1)
    req = do_create_request(
        central,
        title="Báo cáo kết quả OCOP năm 2018",
        template=template,
        kind="adhoc",
        cutoff=dt.date(2018, 12, 31),
        deadline=dt.date(2019, 1, 10),
    )
    do_open_request(central, req)
    return req


def test_63_provinces_submit_at_the_same_moment(tmp_path):
    from ocop.reporting.services.submissions import do_open_submission, do_save_draft
    from ocop.reporting.tests.conftest import complete

    load_units()
    central = User.objects.create(username="tw.kiemthu", role=Role.CENTRAL_OFFICER)
    req = _seed_request(central)
    provinces = list(AdminUnit.objects.filter(era=Era.LEGACY, level=Level.PROVINCE).order_by("code"))
    assert len(provinces) == 63 and req.recipients.count() == 63
    officers = {}
    for province in provinces:
        successor = UnitSuccession.objects.filter(predecessor=province, successor__level=Level.PROVINCE).first()
        user = User(
            username=f"tinh.{province.code}",
            role=Role.PROVINCE_OFFICER,
            scope_unit=successor.successor if successor else province,
        )
        user.set_password(PASSWORD)
        user.save()
        sub = do_open_submission(user, req, province)
        do_save_draft(user, sub, complete(sub))
        officers[province.code] = (user, sub.pk)

    procs = Procs(tmp_path)
    try:
        url = procs.gunicorn("web", process_env(tmp_path, tmp_path / "media"), workers=2, threads=4)
        browsers = {code: Browser(url) for code in officers}
        forms = {}

        def prepare(code):
            user, sub_pk = officers[code]
            browser = browsers[code]
            browser.log_in(user.username, PASSWORD)
            page = browser.get(f"/reports/submissions/{sub_pk}/")
            assert page.status == 200, (code, page.status)
            ((attrs, fields),) = [f for f in forms_of(page.text) if "report-form" in f[0].get("class", "")]
            fields = [(k, v) for k, v in fields if k != "f__direction_text"]
            fields += [("f__direction_text", f"Chỉ đạo của tỉnh mã {code}, nộp đồng thời."), ("submit", "")]
            forms[code] = fields

        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(prepare, officers))

        barrier = threading.Barrier(len(officers), timeout=120)

        def submit(code):
            barrier.wait()
            return code, browsers[code].post(f"/reports/submissions/{officers[code][1]}/", forms[code])

        with ThreadPoolExecutor(max_workers=len(officers)) as pool:
            results = dict(pool.map(submit, officers))
    finally:
        procs.stop_all()

    failures = {
        code: (r.status, r.text[:300])
        for code, r in results.items()
        if r.status != 302 or r.headers.get("Location") != f"/reports/submissions/{officers[code][1]}/"
    }
    assert not failures, failures
    subs = {s.unit.code: s for s in Submission.objects.filter(request=req).select_related("unit")}
    assert len(subs) == 63
    for code, sub in subs.items():
        assert sub.status == SubmissionStatus.SUBMITTED, (code, sub.status)
        assert sub.data["direction_text"] == f"Chỉ đạo của tỉnh mã {code}, nộp đồng thời.", code
        assert sub.submitted_at is not None
    assert AuditEntry.objects.filter(action="ocop.report.submitted").count() == 63
