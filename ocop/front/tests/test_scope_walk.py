"""Walks every URL of the app as each role, with an object inside the user's scope and one outside,
and proves that nothing outside the scope can be read or changed.

Every named URL must appear in URL_SPECS: a new page without a scope rule fails this test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ocop.accounts.models import Role, User
from ocop.accounts.scope import scope_for
from ocop.api.tests.scope_rules import API_RULES
from ocop.audit.models import AuditEntry
from ocop.audit.services import log_action
from ocop.front.tests.role_table import is_national, may
from ocop.geo.models import AdminUnit, Era, Level
from ocop.programme.models import DirectiveDocument
from ocop.reporting.models import ReportRequest, ReportTemplate, Submission, SubmissionAttachment

pytestmark = pytest.mark.django_db

# ADDING A RULE: one line in URL_SPECS, name: (kind, who may, kwargs for the URL given the object or None)
# kinds: "public" (anyone), "signed-in" (any signed-in user), "capability" (signed-in with the
# capability, no object), "object" (an object with a unit: in scope vs out of scope; put the objects
# in `scoped_objects` below).
# who may: a capability of the hand-written table ocop/front/tests/role_table.py (the specification,
# never `can()`, the code under test), or a callable of the user built from `may()` / `is_national()`.
# Expected answers: inside the scope 200/302 with the right, 403 without; outside the scope 404 for
# whoever holds the right (docs/security.md: existence does not leak), 403/404 for the others; a GET to
# a POST-only view (POST_ONLY) 405. Every refused POST leaves every table of the database unchanged.
PK = lambda obj: {"pk": obj.pk}  # noqa: E731
DOC = lambda obj: {"slug": "documents", "pk": obj.pk}  # noqa: E731


def any_outgoing_document():
    """An outgoing document (national, no unit): the first one, or a new draft."""
    from ocop.documents.models import Issuer, OutgoingDocument
    from ocop.documents.services import do_create_draft

    doc = OutgoingDocument.objects.order_by("pk").first()
    if doc is None:
        issuer, _created = Issuer.objects.get_or_create(
            code="BNN-VPĐP",
            defaults={
                "name": "Bộ Nông nghiệp và Phát triển nông thôn",
                "header": "BỘ NÔNG NGHIỆP\nVÀ PHÁT TRIỂN NÔNG THÔN",
            },
        )
        doc = do_create_draft(None, issuer=issuer, subject="kiểm thử", recipients=["Ủy ban nhân dân các tỉnh"])
    return doc


def listed_product():
    """A product of the public catalogue (the fixtures certify some): the first listed one."""
    from ocop.catalogue.models import CatalogueEntry

    return CatalogueEntry.objects.filter(listed=True).order_by("pk").first()


def listed_photo():
    from ocop.products.models import ProductPhoto

    return (
        ProductPhoto.objects.filter(product__catalogue_entry__listed=True, deleted_at__isnull=True)
        .order_by("pk")
        .first()
    )


def any_criteria_set():
    from ocop.evaluation.models import CriteriaSet

    return CriteriaSet.objects.order_by("pk").first()


def any_data_file():
    from ocop.evaluation.models import DataFile

    return DataFile.objects.order_by("pk").first()


OUT_DOC = lambda _o: {"pk": any_outgoing_document().pk}  # noqa: E731
NATIONAL_DRAFTER = lambda u: may(u, "documents.draft") and is_national(u)  # noqa: E731
FIRST_REQUEST = lambda _o: {"pk": ReportRequest.objects.order_by("pk").first().pk}  # noqa: E731
PRODUCTS_EDIT = lambda u: may(u, "products.manage") or may(u, "products.manage_own")  # noqa: E731
URL_SPECS = {
    "home": ("signed-in", None, None),
    "healthz": ("public", None, None),
    "bench:ping": ("public", None, None),
    "set_language": ("public", None, None),
    "accounts:login": ("public", None, None),
    "accounts:logout": ("public", None, None),
    "accounts:profile": ("signed-in", None, None),
    "accounts:password_change": ("signed-in", None, None),
    "accounts:password_change_done": ("signed-in", None, None),
    "accounts:password_reset": ("public", None, None),
    "accounts:password_reset_done": ("public", None, None),
    "accounts:password_reset_confirm": ("public", None, lambda _o: {"uidb64": "MQ", "token": "set-password"}),
    "accounts:password_reset_complete": ("public", None, None),
    "accounts:user_list": ("capability", "users.view", None),
    "accounts:user_new": ("capability", "users.manage", None),
    "accounts:user_edit": ("object", "users.manage", PK),
    "audit:entry_list": ("capability", "audit.view", None),
    "audit:entry_detail": ("object", "audit.view", PK),
    "geo:unit_list": ("capability", "units.view", None),
    "geo:unit_detail": ("capability", "units.view", lambda _o: {"pk": AdminUnit.objects.order_by("pk").first().pk}),
    "geo:map": ("capability", "map.view", None),
    "programme:index": ("capability", "programme.view", None),
    "programme:board": ("capability", "board.view", None),
    "programme:board_export": ("capability", "board.view", lambda _o: {"fmt": "csv"}),
    # analytics: every figure is computed through the viewer's scope (ocop/analytics/tests/test_views.py)
    "analytics:pivot": ("capability", "analytics.view", None),
    "analytics:export": ("capability", "analytics.view", lambda _o: {"fmt": "csv"}),
    "programme:province": ("object", "programme.view", PK),
    "programme:province_by_code": ("object", "programme.view", lambda obj: {"code": obj.code}),
    "programme:record_list": ("capability", "programme.view", lambda _o: {"slug": "documents"}),
    "programme:record_new": ("capability", "programme.edit", lambda _o: {"slug": "documents"}),
    "programme:record_detail": ("object", "programme.view", DOC),
    "programme:record_delete": ("object", "programme.edit", DOC),
    "programme:record_file": ("object", "programme.view", DOC),
    "notifications:list": ("signed-in", None, None),
    "notifications:mark_read": ("signed-in", None, None),
    "reporting:request_list": ("capability", "reporting.view", None),
    "reporting:request_new": ("capability", lambda u: may(u, "reporting.request") and is_national(u), None),
    "reporting:history": ("capability", "reporting.view", None),
    "reporting:request_periodic": ("capability", lambda u: may(u, "reporting.request") and is_national(u), None),
    "reporting:template_list": ("capability", "reporting.view", None),
    "reporting:template_detail": ("capability", "reporting.view", lambda _o: {"pk": ReportTemplate.objects.first().pk}),
    "reporting:template_edit": (
        "capability",
        "reporting.templates",
        lambda _o: {"pk": ReportTemplate.objects.first().pk},
    ),
    "reporting:request_detail": ("object", "reporting.view", PK),
    "reporting:request_action": ("object", "reporting.request", lambda obj: {"pk": obj.pk, "action": "close"}),
    "reporting:request_collect": ("object", "reporting.request", PK),
    "reporting:submission_open": ("object", "reporting.submit", lambda obj: {"pk": obj[0].pk, "unit_pk": obj[1].pk}),
    "reporting:submission": ("object", "reporting.view", PK),
    "reporting:submission_autosave": ("object", "reporting.submit", PK),
    "reporting:submission_review": ("object", lambda u: is_national(u), PK),
    "reporting:submission_correct": ("object", "reporting.submit", PK),
    "reporting:submission_diff": ("object", "reporting.view", PK),
    "reporting:submission_print": ("object", "reporting.view", PK),
    "reporting:submission_download": ("object", "reporting.view", lambda obj: {"pk": obj.pk, "fmt": "xlsx"}),
    "reporting:submission_upload": ("object", "reporting.submit", PK),
    "reporting:attachment_add": ("object", "reporting.submit", PK),
    "reporting:attachment_download": ("object", "reporting.view", PK),
    # consolidation of a request: who manages the request (see add_consolidation)
    "reporting:consolidation": ("object", lambda u: may(u, "reporting.request") or may(u, "reporting.review"), PK),
    "reporting:consolidation_render": (
        "object",
        lambda u: may(u, "reporting.request") or may(u, "reporting.review"),
        PK,
    ),
    "reporting:consolidation_job": ("object", lambda u: may(u, "reporting.request") or may(u, "reporting.review"), PK),
    "reporting:consolidation_job_download": (
        "object",
        lambda u: may(u, "reporting.request") or may(u, "reporting.review"),
        PK,
    ),
    # outgoing documents are national: central users only, whatever the object
    "documents:list": ("capability", "documents.view", None),
    "documents:detail": ("capability", lambda u: may(u, "documents.view"), OUT_DOC),
    "documents:download": (
        "capability",
        lambda u: may(u, "documents.view"),
        lambda _o: {"pk": any_outgoing_document().pk, "fmt": "docx"},
    ),
    "documents:edit": ("capability", "documents.draft", OUT_DOC),
    "documents:issue": ("capability", "documents.issue", OUT_DOC),
    "documents:request_letter": ("capability", NATIONAL_DRAFTER, FIRST_REQUEST),
    "documents:reminder": ("capability", NATIONAL_DRAFTER, FIRST_REQUEST),
    "documents:forwarding": ("capability", NATIONAL_DRAFTER, FIRST_REQUEST),
    # issuers and signers as dated data: read by central users, changed by central administrators
    "documents:issuer_list": ("capability", "documents.view", None),
    "documents:issuer_detail": ("capability", "documents.view", lambda _o: {"pk": any_outgoing_document().issuer_id}),
    "documents:issuer_version_new": (
        "capability",
        "documents.issuers",
        lambda _o: {"pk": any_outgoing_document().issuer_id},
    ),
    # the Word round trip of a draft: the edited .docx uploaded back (POST only)
    "documents:upload": ("capability", "documents.draft", OUT_DOC),
    "signing:signed_download": ("capability", lambda u: may(u, "documents.view"), OUT_DOC),
    "signing:sign_now": ("capability", "documents.issue", OUT_DOC),
    "signing:attachment_add": ("capability", "documents.issue", OUT_DOC),
    "signing:attachment_download": (
        "capability",
        lambda u: may(u, "documents.view"),
        lambda _o: {"pk": any_outgoing_document().pk, "position": 1},
    ),
    "signing:images": ("capability", "documents.issuers", None),
    # entities, products, dossiers (ocop/products): entity users reach only their own entities
    "products:index": ("capability", "products.view", None),
    "products:entity_list": ("capability", "products.view", None),
    "products:product_list": ("capability", "products.view", None),
    "products:entity_new": ("capability", PRODUCTS_EDIT, None),
    "products:entity_detail": ("object", "products.view", PK),
    "products:entity_edit": ("object", PRODUCTS_EDIT, PK),
    "products:entity_member_add": ("object", "products.manage", PK),
    "products:product_new": ("object", PRODUCTS_EDIT, PK),
    "products:product_detail": ("object", "products.view", PK),
    "products:product_edit": ("object", PRODUCTS_EDIT, PK),
    "products:product_status": ("object", "products.manage", PK),
    "products:photo_add": ("object", PRODUCTS_EDIT, PK),
    "products:photo": ("object", "products.view", PK),
    "products:photo_delete": ("object", PRODUCTS_EDIT, PK),
    "products:dossier_new": ("object", PRODUCTS_EDIT, PK),
    "products:dossier_detail": ("object", "products.view", PK),
    "products:dossier_upload": ("object", PRODUCTS_EDIT, PK),
    "products:dossier_submit": ("object", PRODUCTS_EDIT, PK),
    "products:dossier_review": ("object", "products.manage", PK),
    "products:self_assessment": ("object", "products.view", PK),
    "products:dossier_file": ("object", "products.view", PK),
    "products:dossier_file_delete": ("object", PRODUCTS_EDIT, PK),
    # bulk import from Excel (ocop/products/importer/): officers with products.manage; a batch is its uploader's only
    "products:import_start": ("capability", "products.manage", None),
    "products:import_template": ("capability", "products.manage", None),
    "products:import_batch": ("object", "products.manage", lambda obj: {"token": obj.token}),
    "products:import_commit": ("object", "products.manage", lambda obj: {"token": obj.token}),
    # evaluation rounds: council members reach only the rounds they sit on (the fixtures seat the
    # council member only, so the score sheet is a council member's page)
    "evaluation:round_list": ("capability", "evaluation.view", None),
    "evaluation:round_new": ("capability", "evaluation.manage", None),
    "evaluation:round_detail": ("object", "evaluation.view", PK),
    "evaluation:seat_add": ("object", "evaluation.manage", PK),
    "evaluation:forwarded_add": ("object", "evaluation.manage", PK),
    "evaluation:product_add": ("object", "evaluation.manage", PK),
    # GET shows what closing will issue and asks for confirmation: the round's chair only
    "evaluation:round_close": ("object", lambda u: u.role == Role.COUNCIL_MEMBER, PK),
    "evaluation:entry_detail": ("object", "evaluation.view", PK),
    "evaluation:score_sheet": ("object", lambda u: u.role == Role.COUNCIL_MEMBER, PK),
    "evaluation:recuse": ("object", lambda u: u.role == Role.COUNCIL_MEMBER, PK),
    "evaluation:round_file": ("object", "evaluation.view", PK),
    "evaluation:round_document": ("object", "evaluation.view", lambda o: {"pk": o.pk, "which": "decision"}),
    "evaluation:certificate_list": ("signed-in", None, None),
    "evaluation:certificate_detail": ("object", lambda u: True, PK),
    "evaluation:certificate_pdf": ("object", lambda u: True, PK),
    "evaluation:certificate_revoke": ("object", "evaluation.manage", PK),
    # renewal/upgrade applications: entity users of the product's entity, from its certificate page
    "evaluation:application_new": ("object", "evaluation.apply", PK),
    "evaluation:application_list": ("signed-in", None, None),
    "evaluation:application_reject": ("object", "evaluation.manage", PK),
    # criteria sets are national reference data: central users only, whatever the object
    "evaluation:criteria_index": ("capability", "evaluation.criteria", None),
    "evaluation:criteria_set_detail": ("capability", "evaluation.criteria", lambda _o: {"pk": any_criteria_set().pk}),
    "evaluation:criteria_data_download": ("capability", "evaluation.criteria", lambda _o: {"pk": any_data_file().pk}),
    "evaluation:criteria_data_edit": ("capability", "evaluation.criteria_edit", lambda _o: {"pk": any_data_file().pk}),
    # the public catalogue and open data (ocop/catalogue): anyone, signed in or not
    "catalogue:list": ("public", None, None),
    "catalogue:product": ("public", None, lambda _o: {"pk": listed_product().pk}),
    "catalogue:photo": ("public", None, lambda _o: {"pk": listed_photo().pk}),
    "catalogue:map": ("public", None, None),
    "catalogue:statistics": ("public", None, None),
    "catalogue:verify": ("public", None, None),
    "signing:verify": ("public", None, None),
    "opendata:index": ("public", None, None),
    "opendata:datapackage": ("public", None, None),
    "opendata:metadata": ("public", None, lambda _o: {"slug": "catalogue"}),
    "opendata:csv": ("public", None, lambda _o: {"slug": "catalogue"}),
    "opendata:json": ("public", None, lambda _o: {"slug": "catalogue"}),
}
# API tokens page (own tokens only; revoking another user's token is a 404: ocop/api/tests/test_tokens.py)
URL_SPECS["api:tokens"] = ("signed-in", None, None)
# the REST API (/api/v1/, token authentication): rules in ocop/api/tests/scope_rules.py, walked with a
# token as every role, in and out of scope, by ocop/api/tests/test_scope_walk_api.py
URL_SPECS.update({f"api:v1:{name}": ("api", rule, None) for name, (rule, _objects) in API_RULES.items()})
# views that only accept POST: a GET answers 405 whoever asks
POST_ONLY = {
    "reporting:request_action",
    "reporting:submission_open",
    "reporting:submission_autosave",
    "reporting:submission_correct",
    "reporting:submission_upload",
    "reporting:attachment_add",
}
POST_ONLY |= {
    "products:entity_member_add",
    "products:product_status",
    "products:photo_add",
    "products:photo_delete",
    "products:dossier_new",
    "products:dossier_upload",
    "products:dossier_submit",
    "products:dossier_review",
    "products:dossier_file_delete",
}
SUBMISSION_URLS = [
    "reporting:submission",
    "reporting:submission_autosave",
    "reporting:submission_review",
    "reporting:submission_correct",
    "reporting:submission_diff",
    "reporting:submission_print",
    "reporting:submission_download",
    "reporting:submission_upload",
    "reporting:attachment_add",
]
REQUEST_URLS = ["reporting:request_detail", "reporting:request_action", "reporting:request_collect"]
# request URLs for those who manage the request only, and those of its rendered files (RenderJob)
CONSOLIDATION_URLS = ["reporting:consolidation", "reporting:consolidation_render"]
RENDER_JOB_URLS = ["reporting:consolidation_job", "reporting:consolidation_job_download"]
POST_ONLY.add("reporting:consolidation_render")
POST_ONLY |= {
    "evaluation:forwarded_add",
    "evaluation:seat_add",
    "evaluation:product_add",
    "evaluation:recuse",
    "evaluation:certificate_revoke",
    "evaluation:application_new",
    "evaluation:application_reject",
}
POST_ONLY.add("documents:upload")
POST_ONLY.add("signing:sign_now")
POST_ONLY.add("signing:attachment_add")


def allowed_for(user, cap) -> bool:
    return cap(user) if callable(cap) else may(user, cap)


def all_url_names(resolver=None, prefix="") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= all_url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_has_a_scope_rule():
    missing = all_url_names() - set(URL_SPECS)
    assert not missing, f"URLs without a scope rule in URL_SPECS: {sorted(missing)}"


def unit(era, level, code):
    return AdminUnit.objects.get(era=era, level=level, code=code)


def make_document(unit_, number):
    doc = DirectiveDocument(
        unit=unit_, kind="quyet_dinh", number=number, date=dt.date(2020, 3, 1), issuer_kind="ubnd", summary="Kiểm thử"
    )
    doc.attachment = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%%EOF")
    doc.save()
    return doc


class Outside(dict):
    """URL name -> an object outside what the user may reach through that URL. Normally out of scope
    (404 for whoever holds the right); the names in `readable` take an object the user may read but not
    manage through that URL (403)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.readable: set[str] = set()


@pytest.fixture
def scoped_objects(demo_users, settings, tmp_path):
    """For each demo user: (objects inside the scope, objects outside it) per URL name."""
    settings.MEDIA_ROOT = tmp_path
    ha_tinh = unit(Era.CURRENT, Level.PROVINCE, "42")
    thai_nguyen = unit(Era.CURRENT, Level.PROVINCE, "19")
    bac_kan = unit(Era.LEGACY, Level.PROVINCE, "06")
    ba_be = unit(Era.LEGACY, Level.DISTRICT, "061")
    cho_ra = unit(Era.LEGACY, Level.COMMUNE, "01888")  # Chợ Rã, Ba Bể, Bắc Kạn (now Thái Nguyên)
    far_user = User.objects.create(username="far.away", role=Role.PROVINCE_OFFICER, scope_unit=ha_tinh)
    ha_tinh_doc = make_document(ha_tinh, "1/QĐ-UBND")
    ba_be_doc = make_document(ba_be, "2/QĐ-UBND")
    rep = reporting_objects(demo_users)
    prod = products_objects(demo_users)
    ev = evaluation_objects(demo_users, prod)
    objects = {}
    for username, user in demo_users.items():
        own_unit = user.scope_unit
        inside = {"audit:entry_detail": log_action(None, "test.own", user, unit=own_unit)}
        outside = {
            "audit:entry_detail": log_action(None, "test.far", far_user, unit=ha_tinh),
            "accounts:user_edit": far_user,
            "programme:province": ha_tinh,
            "programme:province_by_code": ha_tinh,
            "programme:record_detail": ha_tinh_doc,
            "programme:record_delete": ha_tinh_doc,
            "programme:record_file": ha_tinh_doc,
        }
        if user.is_national:
            inside.update(
                {"accounts:user_edit": far_user, "programme:province": ha_tinh, "programme:province_by_code": ha_tinh}
            )
            inside.update(
                {
                    k: ha_tinh_doc
                    for k in ("programme:record_detail", "programme:record_delete", "programme:record_file")
                }
            )
            outside = {}  # national users have nothing outside their scope
        elif user.role == Role.PROVINCE_OFFICER or user.role == Role.COUNCIL_MEMBER:
            if own_unit.code == "42":
                outside.update({"programme:province": thai_nguyen, "programme:province_by_code": thai_nguyen})
                outside.update(
                    {
                        k: ba_be_doc
                        for k in ("programme:record_detail", "programme:record_delete", "programme:record_file")
                    }
                )
                outside["audit:entry_detail"] = log_action(None, "test.far", user, unit=cho_ra)
                outside["accounts:user_edit"] = demo_users["tinh.thainguyen"]
            inside.update({"programme:province": own_unit, "programme:province_by_code": own_unit})
            inside.update(
                {
                    k: (ha_tinh_doc if own_unit.code == "42" else ba_be_doc)
                    for k in ("programme:record_detail", "programme:record_delete", "programme:record_file")
                }
            )
            colleague = User.objects.create(
                username=f"colleague.{username}",
                role=Role.COMMUNE_OFFICER,
                scope_unit=AdminUnit.objects.filter(province=own_unit, level=Level.COMMUNE).first(),
            )
            inside["accounts:user_edit"] = colleague
        elif user.role == Role.DISTRICT_OFFICER:
            inside.update(
                {k: ba_be_doc for k in ("programme:record_detail", "programme:record_delete", "programme:record_file")}
            )
            outside.update({"programme:province": bac_kan, "programme:province_by_code": bac_kan})  # above the district
        outside = Outside(outside)
        add_reporting(username, user, rep, inside, outside)
        add_products(username, user, prod, inside, outside)
        add_evaluation(username, user, ev, inside, outside)
        add_imports(user, far_user, inside, outside)
        objects[username] = (inside, outside)
    return objects


def reporting_objects(demo_users):
    """The seed request with a Hà Tĩnh report (accepted, then a correction), a Bắc Kạn draft, and
    Bắc Kạn's collection request to its districts with a Ba Bể draft; attachments on each."""
    from ocop.reporting.loader import load_templates
    from ocop.reporting.services import requests as rq
    from ocop.reporting.services import submissions as sv
    from ocop.reporting.tests.conftest import complete

    load_templates()
    template = ReportTemplate.objects.get(code="ocop-cv9654-2018")
    central, hatinh, thainguyen, babe = (
        demo_users[u] for u in ("tw.canbo", "tinh.hatinh", "tinh.thainguyen", "huyen.babe")
    )
    seed = rq.do_create_request(
        central,
        title="Báo cáo 2018",
        template=template,
        kind="adhoc",
        cutoff=dt.date(2018, 12, 31),
        deadline=dt.date(2019, 1, 10),
    )
    rq.do_open_request(central, seed)
    ha_tinh_old = unit(Era.LEGACY, Level.PROVINCE, "42")
    bac_kan = unit(Era.LEGACY, Level.PROVINCE, "06")
    sub42 = sv.do_open_submission(hatinh, seed, ha_tinh_old)
    sv.do_save_draft(hatinh, sub42, complete(sub42))
    sv.do_accept(central, sv.do_submit(hatinh, sub42))
    sub42b = sv.do_start_correction(hatinh, Submission.objects.get(pk=sub42.pk))
    sub06 = sv.do_open_submission(thainguyen, seed, bac_kan)
    child = rq.do_create_request(
        thainguyen,
        title="Thu thập từ huyện",
        template=template,
        kind="adhoc",
        cutoff=seed.cutoff,
        deadline=dt.date(2019, 1, 7),
        recipient_level="district",
        parent=seed,
    )
    rq.do_open_request(thainguyen, child)
    sub_babe = sv.do_open_submission(babe, child, babe.scope_unit)
    files = {}
    for sub in (sub42b, sub06, sub_babe):
        files[sub.pk] = SubmissionAttachment.objects.create(
            submission=sub, name="bc.pdf", file=SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n%%EOF")
        )
    return {
        "seed": seed,
        "child": child,
        "sub42": sub42b,
        "sub06": sub06,
        "babe": sub_babe,
        "files": files,
        "ha_tinh_old": ha_tinh_old,
        "bac_kan": bac_kan,
    }


def add_reporting(username, user, rep, inside, outside):
    def put(target, request=None, submission=None, open_unit=None):
        if request is not None:
            target.update({name: request for name in REQUEST_URLS})
        if submission is not None:
            target.update({name: submission for name in SUBMISSION_URLS})
            target["reporting:attachment_download"] = rep["files"][submission.pk]
        if open_unit is not None:
            target["reporting:submission_open"] = open_unit

    if user.is_national:
        put(inside, rep["seed"], rep["sub42"])
        inside["reporting:submission_open"] = (rep["seed"], rep["ha_tinh_old"])
    elif username == "tinh.hatinh":
        put(inside, rep["seed"], rep["sub42"], (rep["seed"], rep["ha_tinh_old"]))
        put(outside, rep["child"], rep["sub06"], (rep["seed"], rep["bac_kan"]))
    elif username == "tinh.thainguyen":
        put(inside, rep["child"], rep["sub06"], (rep["seed"], rep["bac_kan"]))
        put(outside, None, rep["sub42"], (rep["seed"], rep["ha_tinh_old"]))
    elif username == "huyen.babe":
        put(inside, rep["child"], rep["babe"])
        put(outside, rep["seed"], rep["sub06"], (rep["child"], unit(Era.LEGACY, Level.DISTRICT, "062")))
    else:
        put(outside, rep["seed"], rep["sub42"], (rep["seed"], rep["ha_tinh_old"]))
    add_consolidation(user, rep, inside, outside)


def add_consolidation(user, rep, inside, outside):
    """The consolidation of a request and its rendered files: inside for whoever manages the request
    (central users the national one, Thái Nguyên its own collection request); for the others a
    request they see without managing it (403) or cannot see (404)."""
    from django.core.files.base import ContentFile

    from ocop.reporting.models_jobs import RenderJob
    from ocop.reporting.services.requests import can_manage_request

    if "jobs" not in rep:
        rep["jobs"] = {}
        for req in (rep["seed"], rep["child"]):
            job = RenderJob.objects.create(request=req, format="xlsx", status="done", progress=100)
            job.file.save(f"tong-hop-{req.pk}.xlsx", ContentFile(b"PK\x03\x04"), save=True)
            rep["jobs"][req.pk] = job
    requests = [rep["seed"], rep["child"]]
    managed = [r for r in requests if can_manage_request(user, r)]
    others = [r for r in requests if r not in managed]
    for target, reqs in ((inside, managed), (outside, others)):
        if reqs:
            target.update({name: reqs[0] for name in CONSOLIDATION_URLS})
            target.update({name: rep["jobs"][reqs[0].pk] for name in RENDER_JOB_URLS})
    if others and others[0] == rep["seed"] and may(user, "reporting.view"):
        # the national request reaches every province: read by its officers, managed by central users only
        outside.readable |= set(CONSOLIDATION_URLS) | set(RENDER_JOB_URLS)


# products URL -> which object of a fixture set it takes
PRODUCT_URL_OBJECTS = {
    "products:entity_detail": "entity",
    "products:entity_edit": "entity",
    "products:entity_member_add": "entity",
    "products:product_new": "entity",
    "products:product_detail": "product",
    "products:product_edit": "product",
    "products:product_status": "product",
    "products:photo_add": "product",
    "products:dossier_new": "product",
    "products:photo": "photo",
    "products:photo_delete": "photo",
    "products:dossier_detail": "dossier",
    "products:dossier_upload": "dossier",
    "products:dossier_submit": "dossier",
    "products:dossier_review": "dossier",
    "products:self_assessment": "dossier",
    "products:dossier_file": "file",
    "products:dossier_file_delete": "file",
}


def products_objects(demo_users):
    """chuthe.demo's entity in Đức Xuân (01840), a neighbour entity in the same ward, one in Chợ Rã
    (legacy Ba Bể district, now Thái Nguyên) and one in Hà Tĩnh: each with a product, a dossier, a
    file and a photo."""
    from ocop.products.tests.factories import fixture_set

    duc_xuan = unit(Era.CURRENT, Level.COMMUNE, "01840")
    ha_tinh = (
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="42").order_by("code").first()
    )
    return {
        "own": fixture_set(duc_xuan, owner=demo_users["chuthe.demo"]),
        "neighbour": fixture_set(duc_xuan),
        "cho_ra": fixture_set(unit(Era.LEGACY, Level.COMMUNE, "01888")),
        "ha_tinh": fixture_set(ha_tinh),
    }


def add_products(username, user, prod, inside, outside):
    def put(target, objects):
        target.update({name: objects[key] for name, key in PRODUCT_URL_OBJECTS.items()})

    if user.is_national:
        put(inside, prod["ha_tinh"])
        return
    own, far = {
        "tinh.thainguyen": ("own", "ha_tinh"),
        "tinh.hatinh": ("ha_tinh", "own"),
        "huyen.babe": ("cho_ra", "own"),
        "xa.ducxuan": ("own", "ha_tinh"),
        "hoidong.thainguyen": ("own", "ha_tinh"),
        "chuthe.demo": ("own", "neighbour"),  # same ward, another entity: still out of reach
    }[username]
    put(inside, prod[own])
    put(outside, prod[far])


IMPORT_URLS = ["products:import_batch", "products:import_commit"]
POST_ONLY.add("products:import_commit")


def add_imports(user, other_user, inside, outside):
    """An Excel import batch of the user (inside) and one of another user (outside: 404 for everyone)."""
    from ocop.products.models_import import ImportBatch

    own = ImportBatch.objects.create(created_by=user, original_name="nhap.xlsx", status="ready")
    other = ImportBatch.objects.create(created_by=other_user, original_name="cua-nguoi-khac.xlsx", status="ready")
    inside.update({name: own for name in IMPORT_URLS})
    outside.update({name: other for name in IMPORT_URLS})


ROUND_URLS = [
    "evaluation:round_detail",
    "evaluation:round_document",
    "evaluation:forwarded_add",
    "evaluation:seat_add",
    "evaluation:product_add",
    "evaluation:round_close",
]
ENTRY_URLS = ["evaluation:entry_detail", "evaluation:score_sheet", "evaluation:recuse"]


def evaluation_objects(demo_users, prod):
    """A Thái Nguyên province round the council member sits on (with the demo product), another
    Thái Nguyên round he does not sit on, and a Hà Tĩnh round; a certificate in the first and third."""
    from ocop.evaluation.loader import load_criteria
    from ocop.evaluation.models import CriteriaSet
    from ocop.evaluation.models_rounds import Application, Certificate, CouncilSeat, Round, RoundProduct

    load_criteria()
    cs = CriteriaSet.objects.filter(structure_only=False).first()
    day = dt.date(2025, 10, 1)

    def make(unit_, product_set, name):
        r = Round.objects.create(name=name, level="province", unit=unit_, held_on=day)
        entry = RoundProduct.objects.create(
            round=r, product=product_set["product"], dossier=product_set["dossier"], criteria_set=cs
        )
        cert = Certificate.objects.create(
            product=product_set["product"],
            round_product=entry,
            issuer_unit=unit_,
            year=2025,
            number=Round.objects.count(),
            issued_on=day,
            valid_until=dt.date(2028, 10, 1),
            stars=3,
        )
        application = Application.objects.create(
            product=product_set["product"], kind="upgrade", certificate=cert, requested_stars=4
        )
        return {"round": r, "entry": entry, "file": product_set["file"], "cert": cert, "application": application}

    thai_nguyen = unit(Era.CURRENT, Level.PROVINCE, "19")
    seated = make(thai_nguyen, prod["own"], "Kỳ có thành viên")
    other = make(thai_nguyen, prod["neighbour"], "Kỳ khác của tỉnh")
    far = make(unit(Era.CURRENT, Level.PROVINCE, "42"), prod["ha_tinh"], "Kỳ Hà Tĩnh")
    CouncilSeat.objects.create(round=seated["round"], user=demo_users["hoidong.thainguyen"], role="chair")
    return {"seated": seated, "other": other, "far": far}


def add_evaluation(username, user, ev, inside, outside):
    def put(target, objs, with_cert=True):
        target.update({name: objs["round"] for name in ROUND_URLS})
        target.update({name: objs["entry"] for name in ENTRY_URLS})
        target["evaluation:round_file"] = objs["file"]
        if with_cert:
            target["evaluation:certificate_detail"] = objs["cert"]
            target["evaluation:certificate_pdf"] = objs["cert"]
            target["evaluation:certificate_revoke"] = objs["cert"]
            target["evaluation:application_new"] = objs["cert"]
            target["evaluation:application_reject"] = objs["application"]

    if user.is_national:
        put(inside, ev["far"])
    elif username == "tinh.thainguyen":
        put(inside, ev["seated"])
        put(outside, ev["far"])
    elif username == "tinh.hatinh":
        put(inside, ev["far"])
        put(outside, ev["seated"])
    elif username == "hoidong.thainguyen":
        put(inside, ev["seated"])
        put(outside, ev["other"])
    elif username in ("xa.ducxuan", "chuthe.demo"):
        put(outside, ev["far"])
        inside["evaluation:certificate_detail"] = ev["seated"]["cert"]
        inside["evaluation:certificate_revoke"] = ev["seated"]["cert"]
        inside["evaluation:application_new"] = ev["seated"]["cert"]
    else:
        put(outside, ev["seated"])


def url_for(name, obj=None):
    builder = URL_SPECS[name][2]
    return reverse(name, kwargs=builder(obj) if builder else None)


def test_anonymous_sees_only_public_pages(client, scoped_objects):
    inside = scoped_objects["tw.quantri"][0]
    for name, (kind, _cap, _kw) in URL_SPECS.items():
        if kind == "api":
            continue  # walked with tokens by ocop/api/tests/test_scope_walk_api.py
        response = client.get(url_for(name, inside.get(name)))
        if kind == "public":
            assert response.status_code in (200, 302, 405), (name, response.status_code)
        elif name in POST_ONLY:
            assert response.status_code == 405, name
            response = client.post(url_for(name, inside.get(name)))
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize(
    "username",
    [
        "tw.quantri",
        "tw.canbo",
        "tinh.thainguyen",
        "tinh.hatinh",
        "huyen.babe",
        "xa.ducxuan",
        "hoidong.thainguyen",
        "chuthe.demo",
    ],
)
def test_each_role_reads_and_writes_only_its_scope(client, scoped_objects, demo_users, username):
    user = demo_users[username]
    client.force_login(user)
    inside, outside = scoped_objects[username]
    refused_posts = []
    for name, (kind, cap, _kw) in URL_SPECS.items():
        if name in ("accounts:logout", "set_language") or kind == "api":
            continue
        if kind in ("public", "signed-in"):
            assert client.get(url_for(name)).status_code in (200, 302), name
            continue
        allowed = allowed_for(user, cap)
        if kind == "capability":
            status = client.get(url_for(name)).status_code
            if name in POST_ONLY:  # a GET is refused whoever asks (405), or first for lack of the right (403)
                expected = (405,) if allowed else (403, 405)
            else:
                expected = (200, 302) if allowed else (403,)
            assert status in expected, (username, name, status)
            continue
        # object-level: in scope readable only with the capability; out of scope never.
        if name in inside:
            status = client.get(url_for(name, inside[name])).status_code
            expected = (405,) if name in POST_ONLY else (200, 302) if allowed else (403,)
            assert status in expected, (username, name, "inside", status)
        if name in outside:
            refusal = (404,) if allowed and name not in getattr(outside, "readable", ()) else (403, 404)
            status = client.get(url_for(name, outside[name])).status_code
            assert status in ((405,) if name in POST_ONLY else refusal), (username, name, "outside", status)
            refused_posts.append((name, outside[name], refusal))
    # every POST outside the scope is refused and changes no row of any table
    before = db_fingerprint()
    for name, target, expected in refused_posts:
        changes = rows_changed()
        response = client.post(url_for(name, target), HOSTILE_POST)
        assert response.status_code in expected, (username, name, "outside POST", response.status_code)
        assert rows_changed() == changes, (username, name, "outside POST wrote to the database")
    assert db_fingerprint() == before, (username, "the database changed after refused POSTs")
    assert is_national(user) or len(refused_posts) >= 10


HOSTILE_POST = {
    "username": "hijacked",
    "role": "central_admin",
    "full_name": "x",
    "reason": "x",
    "summary": "hijacked",
    "f__direction_text": "hijacked",
    "accept": "1",
    "lock_version": "999",
    "name": "hijacked",
    "email": "hijack@example.com",
    "stars": "5",
    "status": "approved",
}


def rows_changed() -> int:
    """Rows inserted, updated or deleted so far by this connection (SQLite) or transaction (PostgreSQL)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:
            cursor.execute("SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_all_tables")
        return int(cursor.fetchone()[0])


def db_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and checksum of the full contents of every table of the database."""
    import hashlib

    from django.db import connection

    def cell(value):
        return bytes(value) if isinstance(value, memoryview) else value

    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(cell(v) for v in row)) for row in cursor.fetchall())
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def test_lists_contain_only_scoped_rows(client, scoped_objects, demo_users):
    user = demo_users["tinh.hatinh"]
    client.force_login(user)
    html = client.get(reverse("audit:entry_list")).content.decode()
    entries = list(AuditEntry.objects.all())
    assert any(not scope_for(user).covers(e.unit) for e in entries)
    for entry in entries:
        assert (f'href="/audit/{entry.pk}/"' in html) == scope_for(user).covers(entry.unit), entry
    users_html = client.get(reverse("accounts:user_list")).content.decode()
    assert "far.away" in users_html and "tinh.thainguyen" not in users_html and "tw.quantri" not in users_html
    docs_html = client.get(reverse("programme:record_list", args=["documents"])).content.decode()
    assert "1/QĐ-UBND" in docs_html and "2/QĐ-UBND" not in docs_html


def test_the_successor_province_keeps_the_legacy_records(demo_users):
    officer = demo_users["tinh.thainguyen"]
    scope = scope_for(officer)
    cho_ra = unit(Era.LEGACY, Level.COMMUNE, "01888")
    assert scope.covers(cho_ra) and scope.covers(cho_ra, write=True)
    assert scope.units().filter(era=Era.LEGACY, level=Level.PROVINCE).count() == 2  # Bắc Kạn, old Thái Nguyên
    assert not scope.covers(unit(Era.CURRENT, Level.PROVINCE, "42"))
    assert not scope_for(demo_users["tinh.hatinh"]).covers(cho_ra)
    district = scope_for(demo_users["huyen.babe"])
    assert district.covers(cho_ra, write=True)
    assert not district.covers(unit(Era.LEGACY, Level.PROVINCE, "06"))
