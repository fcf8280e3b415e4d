import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ocop.reporting.models import ReportRequest
from ocop.reporting.services.requests import create_periodic_requests

pytestmark = pytest.mark.django_db


def test_quarterly_requests_follow_nd09_cutoffs(demo_users, seed_template):
    created = create_periodic_requests(demo_users["tw.canbo"], seed_template, "quarter", 2026)
    assert [(r.period_code, r.period_start, r.cutoff) for r in created] == [
        ("2026-Q1", dt.date(2025, 12, 15), dt.date(2026, 3, 14)),
        ("2026-Q2", dt.date(2026, 3, 15), dt.date(2026, 6, 14)),
        ("2026-Q3", dt.date(2026, 6, 15), dt.date(2026, 9, 14)),
        ("2026-Q4", dt.date(2026, 9, 15), dt.date(2026, 12, 14)),
    ]
    for req in created:
        assert req.kind == "periodic" and req.deadline > req.cutoff and req.recipients.count() == 34
    assert create_periodic_requests(demo_users["tw.canbo"], seed_template, "quarter", 2026) == []  # idempotent


def test_half_year_2025_goes_to_the_63_provinces_of_its_cutoff(demo_users, seed_template):
    h1, h2 = create_periodic_requests(demo_users["tw.canbo"], seed_template, "half_year", 2025)
    assert (h1.period_start, h1.cutoff, h1.recipients.count()) == (dt.date(2024, 12, 15), dt.date(2025, 6, 14), 63)
    assert (h2.cutoff, h2.recipients.count()) == (dt.date(2025, 12, 14), 34)


def test_periodic_page_and_command(client, demo_users, seed_template):
    client.force_login(demo_users["tw.canbo"])
    response = client.post(
        reverse("reporting:request_periodic"), {"template": seed_template.pk, "period_kind": "year", "year": 2026}
    )
    assert response.status_code == 302 and ReportRequest.objects.get().period_code == "2026-Y"
    out = io.StringIO()
    call_command(
        "create_periodic_requests",
        "--template",
        seed_template.code,
        "--kind",
        "half_year",
        "--year",
        "2026",
        stdout=out,
    )
    assert "2026-H1" in out.getvalue() and ReportRequest.objects.count() == 3
    with pytest.raises(CommandError):
        call_command("create_periodic_requests", "--template", "khong-co", "--kind", "year", "--year", "2026")
