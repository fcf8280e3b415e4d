"""Several machines: two gunicorn nodes and two task workers against one PostgreSQL and one shared
file storage. A central officer asks node A for the national report, a worker renders it in the
background, and the file is downloaded from node B — with the session opened on node A (sessions,
throttling, tasks and files live in the database and the shared storage, nothing in a process)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ocop.demo.accounts import DEMO_PASSWORD, create_demo_users
from ocop.accounts.models import User
from ocop.geo.loader import load_units
from ocop.geo.models import AdminUnit, Era, Level
from ocop.ops.tests.procs import Browser, Procs, csrf_token, process_env, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def national_request():
    """The 2018 seed request, open, with Hà Tĩnh's and Bắc Kạn's reports accepted; (request, central officer)."""
    from ocop.reporting.loader import load_templates
    from ocop.reporting.models import ReportTemplate
    from ocop.reporting.services import requests as rq
    from ocop.reporting.services import submissions as sv
    from ocop.reporting.tests.conftest import complete

    load_units()
    create_demo_users()
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    load_templates()
    template = ReportTemplate.objects.get(code="ocop-cv9654-2018", version=1)
    central = users["tw.canbo"]
    req = rq.do_create_request(
        central,
        title="Báo cáo kết quả OCOP năm 2018",
        template=template,
        kind="adhoc",
        cutoff=dt.date(2018, 12, 31),
        deadline=dt.date(2019, 1, 10),
    )
    rq.do_open_request(central, req)
    for username, code in (("tinh.hatinh", "42"), ("tinh.thainguyen", "06")):
        province = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code=code)
        sub = sv.do_open_submission(users[username], req, province)
        sv.do_save_draft(users[username], sub, complete(sub))
        sv.do_accept(central, sv.do_submit(users[username], sub))
    return req, central


def test_report_made_through_one_node_is_downloaded_from_the_other(tmp_path):
    from django_tasks_db.models import DBTaskResult

    from ocop.reporting.models_jobs import RenderJob, RenderStatus

    req, _central = national_request()
    DBTaskResult.objects.all().delete()  # the demo's reminders: only the render is of interest here
    media = tmp_path / "shared-media"
    media.mkdir()
    env = process_env(tmp_path, media)
    procs = Procs(tmp_path)
    try:
        node_a = procs.gunicorn("node-a", env, workers=1, threads=4)
        node_b = procs.gunicorn("node-b", env, workers=1, threads=4)
        procs.worker("worker-1", env)
        procs.worker("worker-2", env)

        browser = Browser(node_a)
        browser.log_in("tw.canbo", DEMO_PASSWORD)
        page = browser.get(f"/reports/requests/{req.pk}/consolidation/")
        assert page.status == 200, page.status
        response = browser.post(
            f"/reports/requests/{req.pk}/consolidation/render/",
            {"csrfmiddlewaretoken": csrf_token(page.text), "format": "xlsx"},
        )
        assert response.status == 302, (response.status, response.text[:300])
        job = RenderJob.objects.get(request=req, format="xlsx")

        # the job's progress, polled on node B with the session of node A
        browser.base_url = node_b
        wait_for(
            lambda: 'data-status="done"' in browser.get(f"/reports/consolidation/jobs/{job.pk}/").text,
            90,
            "a worker to render the report",
            procs,
            step=0.5,
        )
        download = browser.get(f"/reports/consolidation/jobs/{job.pk}/download/")
    finally:
        procs.stop_all()
    job.refresh_from_db()
    assert job.status == RenderStatus.DONE
    assert download.status == 200, download.status
    assert download.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert re.search(r'filename="?tong-hop-bao-cao-\d+\.xlsx', download.headers["Content-Disposition"])
    assert download.body.startswith(b"PK\x03\x04") and download.body == (media / job.file.name).read_bytes()
    ran_by = DBTaskResult.objects.get(task_path="ocop.reporting.tasks.render_consolidation").worker_ids
    assert len(ran_by) == 1 and ran_by[0] in ("worker-1", "worker-2")
