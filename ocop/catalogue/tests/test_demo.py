"""The demo hook: certificates for the demo products whose history says they were certified."""

import datetime as dt

import pytest
from django.utils import timezone

from ocop.demo.catalogue import create_demo_certificates
from ocop.catalogue.models import CatalogueEntry
from ocop.catalogue.tests.factories import commune
from ocop.evaluation.loader import load_criteria
from ocop.evaluation.models_rounds import CertificateStatus
from ocop.geo.models import Era
from ocop.products.models import ProductStatus, ProductStatusChange
from ocop.products.tests.factories import make_dossier, make_entity, make_product

pytestmark = pytest.mark.django_db


def demo_product(name, status, decided_on):
    product = make_product(make_entity(commune("01888", Era.LEGACY)), name=name, status=status)
    product.is_demo = True
    product.save()
    make_dossier(product, status="complete")
    ProductStatusChange.objects.create(
        product=product,
        from_status="in_evaluation",
        to_status=ProductStatus.CERTIFIED,
        at=timezone.make_aware(dt.datetime.combine(decided_on, dt.time(14))),
    )
    return product


def test_demo_certificates_follow_the_status_history_and_run_once(db):
    load_criteria()
    old = demo_product("Miến dong Ba Bể", ProductStatus.EXPIRED, dt.date(2021, 6, 1))
    revoked = demo_product("Măng khô Ba Bể", ProductStatus.REVOKED, dt.date(2024, 9, 2))
    counts = create_demo_certificates()
    assert counts["certificates"] == 2
    cert = old.certificates.get()
    assert cert.status == CertificateStatus.EXPIRED and cert.issued_on == dt.date(2021, 6, 1)
    assert cert.valid_until == dt.date(2024, 6, 1) and cert.stars in (3, 4)
    assert cert.round_product.round.name.endswith("(demo)") and cert.issuer_unit.era == Era.LEGACY
    assert revoked.certificates.get().status == CertificateStatus.REVOKED
    entry = CatalogueEntry.objects.get(product=old)
    assert entry.listed and entry.photo is not None and "demo" in entry.photo.caption
    assert not CatalogueEntry.objects.get(product=revoked).listed
    assert create_demo_certificates()["certificates"] == 0
