"""The register: numbers per issuer and year (leading zero below 10, restarting each year, councils
with their own series), unique even when two issues race, and issued documents never change."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError

from ocop.audit.models import AuditEntry
from ocop.documents import services
from ocop.documents.models import DocumentKind, DocumentStatus, ImmutableDocument, OutgoingDocument

pytestmark = pytest.mark.django_db


def draft(issuer, day=None, **kwargs):
    kwargs.setdefault("subject", "kiểm thử đánh số")
    kwargs.setdefault("recipients", ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"])
    return services.do_create_draft(None, issuer=issuer, date=day, **kwargs)


def issue(issuer, day, **kwargs):
    return services.do_issue(None, draft(issuer, day, **kwargs))


def test_number_and_symbol_has_a_leading_zero_below_10(issuer, media):
    docs = [issue(issuer, dt.date(2019, 3, 1)) for _i in range(10)]
    assert [d.number for d in docs] == list(range(1, 11))
    assert docs[0].number_and_symbol == "01/BNN-VPĐP"
    assert docs[8].number_and_symbol == "09/BNN-VPĐP"
    assert docs[9].number_and_symbol == "10/BNN-VPĐP"
    assert OutgoingDocument(issuer=issuer, symbol="BNN-VPĐP", number=9654).number_and_symbol == "9654/BNN-VPĐP"


def test_a_report_carries_its_kind_in_the_symbol(issuer, media):
    doc = issue(issuer, dt.date(2019, 3, 1), kind=DocumentKind.BAO_CAO)
    assert doc.number_and_symbol == "01/BC-BNN-VPĐP"


def test_numbers_restart_each_year(issuer, media):
    a = issue(issuer, dt.date(2019, 12, 30))
    b = issue(issuer, dt.date(2019, 12, 31))
    c = issue(issuer, dt.date(2020, 1, 2))
    d = issue(issuer, dt.date(2019, 12, 31))  # a late entry for 2019 continues that year's series
    assert (a.number, b.number, c.number, d.number) == (1, 2, 1, 3)
    assert (a.year, c.year) == (2019, 2020)
    assert services.next_number(issuer, 2021) == 1


def test_a_council_keeps_its_own_series(issuer, council, media):
    issue(issuer, dt.date(2019, 5, 2))
    issue(issuer, dt.date(2019, 5, 3))
    mine = issue(council, dt.date(2019, 5, 3))
    assert mine.number == 1 and mine.number_and_symbol == "01/HĐ-OCOP"
    assert services.next_number(issuer, 2019) == 3
    assert services.next_number(council, 2019) == 2


def test_two_issues_in_a_row_get_consecutive_numbers(issuer, media):
    first, second = draft(issuer, dt.date(2019, 6, 3)), draft(issuer, dt.date(2019, 6, 3))
    services.do_issue(None, second)
    services.do_issue(None, first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.number, first.number) == (1, 2)


def test_a_number_taken_meanwhile_is_retried(issuer, media, monkeypatch):
    """Simulates a race: the next number was computed before another issue committed it. The unique
    constraint refuses the duplicate and the issue retries with the following number."""
    taken = issue(issuer, dt.date(2019, 6, 3))
    calls = []
    real_next = services.next_number

    def stale(issuer_, year):
        calls.append(year)
        return taken.number if len(calls) == 1 else real_next(issuer_, year)

    monkeypatch.setattr(services, "next_number", stale)
    doc = services.do_issue(None, draft(issuer, dt.date(2019, 6, 4)))
    assert doc.number == 2 and len(calls) == 2
    assert OutgoingDocument.objects.filter(issuer=issuer, year=2019, number=1).count() == 1
    # the file of the refused attempt was removed: only the two issued files remain
    _dirs, files = default_storage.listdir("documents/2019")
    assert sorted(files) == sorted([taken.file.name.rsplit("/", 1)[-1], doc.file.name.rsplit("/", 1)[-1]])


def test_the_database_refuses_a_duplicate_number(issuer, media):
    issue(issuer, dt.date(2019, 6, 3))
    with pytest.raises(IntegrityError):
        OutgoingDocument.objects.create(
            issuer=issuer,
            symbol="BNN-VPĐP",
            subject="x",
            place="Hà Nội",
            year=2019,
            number=1,
            date=dt.date(2019, 6, 3),
            status=DocumentStatus.ISSUED,
        )


def test_an_explicit_number_is_kept_and_the_series_continues(issuer, media):
    doc = services.do_issue(None, draft(issuer, dt.date(2018, 12, 12)), number=9654)
    assert doc.number_and_symbol == "9654/BNN-VPĐP"
    assert services.next_number(issuer, 2018) == 9655
    with pytest.raises(ValidationError) as exc:
        services.do_issue(None, draft(issuer, dt.date(2018, 12, 13)), number=9654)
    assert "đã được dùng" in " ".join(exc.value.messages)


def test_issue_stores_the_file_with_its_hash_and_audits(issuer, media, demo_users):
    user = demo_users["tw.canbo"]
    doc = services.do_issue(user, draft(issuer, None))
    assert doc.status == DocumentStatus.ISSUED and doc.date is not None and doc.issued_by == user
    with default_storage.open(doc.file.name, "rb") as fh:
        data = fh.read()
    assert hashlib.sha256(data).hexdigest() == doc.sha256
    assert services.render(doc, "docx") == data
    entry = AuditEntry.objects.filter(action="ocop.document.issued", object_id=str(doc.pk)).get()
    assert (
        entry.before["status"] == "draft" and entry.after["status"] == "issued" and entry.after["number"] == doc.number
    )


def test_issued_documents_are_immutable(issuer, media):
    doc = issue(issuer, dt.date(2019, 7, 1))
    doc.subject = "đã sửa"
    with pytest.raises(ImmutableDocument):
        doc.save()
    fresh = OutgoingDocument.objects.get(pk=doc.pk)
    with pytest.raises(ImmutableDocument):
        fresh.save()
    with pytest.raises(ImmutableDocument):
        fresh.delete()
    with pytest.raises(ValidationError):
        services.do_issue(None, fresh)  # twice: refused
    with pytest.raises(ValidationError):
        services.do_update_draft(None, fresh, subject="khác")
    assert OutgoingDocument.objects.get(pk=doc.pk).subject == "kiểm thử đánh số"
    assert OutgoingDocument.objects.get(pk=doc.pk).number == 1


def test_a_tampered_file_is_detected(issuer, media):
    doc = issue(issuer, dt.date(2019, 7, 1))
    path = default_storage.path(doc.file.name)
    with open(path, "ab") as fh:
        fh.write(b"x")
    with pytest.raises(ValidationError):
        services.render(doc, "docx")


def test_only_central_staff_draft_and_issue(issuer, media, demo_users):
    with pytest.raises(PermissionDenied):
        services.do_create_draft(demo_users["tinh.hatinh"], issuer=issuer, subject="x")
    doc = services.do_create_draft(demo_users["tw.canbo"], issuer=issuer, subject="x")
    with pytest.raises(PermissionDenied):
        services.do_issue(demo_users["tinh.hatinh"], doc)
    assert services.do_issue(demo_users["tw.quantri"], doc).number == 1
