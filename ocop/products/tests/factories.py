"""Small builders for tests (also used by ocop/front/tests/test_scope_walk.py)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.geo.models import AdminUnit, Era, Level
from ocop.demo.products import minimal_pdf, tiny_png
from ocop.products.models import (
    Dossier,
    DossierCategory,
    DossierFile,
    Entity,
    EntityKind,
    EntityMember,
    MemberRole,
    Product,
    ProductPhoto,
    ProductStatus,
    ProductStatusChange,
    Sector,
)

_seq = itertools.count(1)


def commune(code: str, era: str = Era.CURRENT) -> AdminUnit:
    return AdminUnit.objects.get(era=era, level=Level.COMMUNE, code=code)


def pdf_upload(name: str = "tep.pdf", text: str = "Kiem thu") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf([text]), content_type="application/pdf")


def png_upload(name: str = "anh.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_png((10, 120, 40), 8, 8), content_type="image/png")


def make_entity(unit: AdminUnit, *, owner=None, name: str | None = None, kind: str = EntityKind.HTX) -> Entity:
    n = next(_seq)
    entity = Entity.objects.create(
        kind=kind,
        name=name or f"HTX kiểm thử {n}",
        registration_number=f"TEST-{n:05d}",
        address="Thôn 1",
        unit=unit,
        representative_name="Nguyễn Văn A",
    )
    if owner is not None:
        EntityMember.objects.create(user=owner, entity=entity, role=MemberRole.OWNER)
    return entity


def make_product(
    entity: Entity,
    *,
    name: str | None = None,
    sector: str = Sector.THUC_PHAM,
    instrument: str = "QĐ 148/QĐ-TTg",
    status: str = ProductStatus.REGISTERED,
) -> Product:
    product = Product.objects.create(
        entity=entity,
        name=name or f"Sản phẩm {next(_seq)}",
        sector=sector,
        classification_instrument=instrument,
        unit=entity.unit,
        registered_on=dt.date(2025, 9, 1),
        status=status,
    )
    ProductStatusChange.objects.create(product=product, from_status="", to_status=status)
    return product


def make_dossier(product: Product, categories=(), status: str = "draft") -> Dossier:
    dossier = Dossier.objects.create(product=product, number=product.dossiers.count() + 1, status=status)
    for cat in categories:
        DossierFile.objects.create(
            dossier=dossier, category=cat, file=pdf_upload(f"{cat}.pdf"), name=f"{cat}.pdf", size=100
        )
    return dossier


def make_photo(product: Product) -> ProductPhoto:
    return ProductPhoto.objects.create(product=product, image=png_upload())


def fixture_set(unit: AdminUnit, *, owner=None, name: str | None = None) -> dict:
    """An entity with a product, a draft dossier holding one file, and a photo."""
    entity = make_entity(unit, owner=owner, name=name)
    product = make_product(entity)
    dossier = make_dossier(product, [DossierCategory.REGISTRATION_FORM])
    return {
        "entity": entity,
        "product": product,
        "dossier": dossier,
        "file": dossier.files.first(),
        "photo": make_photo(product),
    }
