from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from ocop.accounts.models import User
from ocop.products import services as svc
from ocop.demo.products import MAIN_ENTITY, create_demo_products, minimal_pdf
from ocop.products.models import DossierStatus, Entity, Product

pytestmark = pytest.mark.django_db


def test_minimal_pdf_is_valid():
    reader = PdfReader(io.BytesIO(minimal_pdf(["Hồ sơ (demo)", "Chè xanh Đức Xuân"])))
    assert len(reader.pages) == 1
    assert "Che xanh Duc Xuan" in reader.pages[0].extract_text()


def test_demo_products_are_idempotent_and_marked(demo_users):
    counts = create_demo_products()
    assert 25 <= counts["entities"] <= 40 and 50 <= counts["products"] <= 80
    assert counts["files"] > 0 and counts["certified"] > 0
    assert create_demo_products() == counts
    assert not Entity.objects.filter(is_demo=False).exists() and not Product.objects.filter(is_demo=False).exists()
    assert not Entity.objects.exclude(name__contains="(demo)").exists()
    eras = set(Entity.objects.values_list("unit__era", flat=True))
    assert eras == {"legacy", "current"}
    for p in Product.objects.select_related("unit"):
        assert (p.unit.era == "legacy") == (p.registered_on < __import__("datetime").date(2025, 7, 1)), p


def test_demo_entity_user_sees_the_main_entity(demo_users):
    create_demo_products()
    user = User.objects.get(username="chuthe.demo")
    entity = svc.readable_entities(user).get()
    assert entity.name == MAIN_ENTITY and entity.unit.code == "01840"
    products = {p.name: p for p in svc.readable_products(user)}
    assert set(products) == {"Chè xanh Đức Xuân", "Mật ong hoa rừng Đức Xuân", "Bưởi Đức Xuân"}
    tea = products["Chè xanh Đức Xuân"].latest_dossier()
    assert tea.status == DossierStatus.COMPLETE and svc.dossier_ready_for_round(tea)
    honey = products["Mật ong hoa rừng Đức Xuân"].latest_dossier()
    assert honey.status == DossierStatus.DRAFT and "Câu chuyện sản phẩm" in svc.completeness_check(honey)
    f = tea.live_files().first()
    assert f.file.open("rb").read(5) == b"%PDF-"
