"""Demo certificates (DEMO) for the public catalogue, deterministic and idempotent.

The products demo (ocop/demo/products.py) moves some demo products to "certified" (then "expired"
or "revoked") by their status history only. This fills in what the evaluation of those products
would have produced, so that the public catalogue, its map and its statistics have something to
show: for each such product without a certificate, a closed demo evaluation round of the council
that certifies its stars under the procedure in force on the decision date (province, or district
for 3★ under QĐ 148), a result, a numbered certificate valid 36 months, and a stand-in photo.

Everything is marked: round names end with "(demo)", captions say "ảnh minh họa, demo", the
certificates are audited with the reason "demo". Running again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ocop.audit.services import log_action
from ocop.evaluation import scoring
from ocop.evaluation.models import CouncilLevel, CriteriaSet, Instrument, procedure_rule_on
from ocop.evaluation.models_rounds import Certificate, CertificateStatus, Round, RoundProduct, RoundStatus
from ocop.evaluation.rounds import criteria_set_for
from ocop.geo.models import Era
from ocop.geo.services import current_province_of
from ocop.demo.products import tiny_png
from ocop.products.models import DossierStatus, Product, ProductPhoto, ProductStatus, ProductStatusChange, Sector

SEED = 919
DEMO_REASON = "demo"
# shares of the national figures at the end of 2024 (domain.md section 9: 73 % 3★, 23.5 % 4★)
STAR_WEIGHTS = [(3, 73), (4, 24), (5, 3)]
COLOURS = {
    Sector.THUC_PHAM: (46, 125, 50),
    Sector.DO_UONG: (21, 101, 192),
    Sector.DUOC_LIEU: (106, 27, 154),
    Sector.THU_CONG: (141, 110, 99),
    Sector.SINH_VAT_CANH: (0, 131, 143),
    Sector.DU_LICH: (239, 108, 0),
}


def _stars(rng: random.Random) -> int:
    roll = rng.uniform(0, sum(w for _s, w in STAR_WEIGHTS))
    for stars, weight in STAR_WEIGHTS:
        roll -= weight
        if roll <= 0:
            return stars
    return 3


def _score(rng: random.Random, stars: int) -> Decimal:
    low, high = {3: (50, 69), 4: (70, 89), 5: (90, 96)}[stars]
    return Decimal(rng.randint(low * 10, high * 10)) / 10


def _issuer(product: Product, level: str, day: dt.date):
    """The unit whose council certifies at `level` for a product made in `product.unit` on `day`."""
    commune = product.unit
    if level == CouncilLevel.DISTRICT:
        return commune.district if commune.era == Era.LEGACY else None
    province = commune.province
    if province is None:
        return None
    if day >= dt.date(2025, 7, 1) and province.era == Era.LEGACY:
        return current_province_of(province)
    return province


def create_demo_certificates() -> dict[str, int]:
    """Certificates for the demo products certified by their status history; returns counts."""
    changes = (
        ProductStatusChange.objects.filter(
            product__is_demo=True, to_status=ProductStatus.CERTIFIED, product__certificates__isnull=True
        )
        .select_related(
            "product", "product__unit", "product__unit__province", "product__unit__district", "product__classification"
        )
        .order_by("at", "pk")
    )
    rng = random.Random(SEED)
    created = 0
    with transaction.atomic():
        rounds: dict[tuple[int, int, str], Round] = {}
        numbers: dict[tuple[int, int], int] = defaultdict(int)
        for change in changes:
            product = change.product
            if product.certificates.exists():
                continue
            day = timezone.localtime(change.at).date()
            rule = procedure_rule_on(day)
            dossier = product.dossiers.filter(status=DossierStatus.COMPLETE).order_by("-number").first()
            criteria = criteria_set_for(product, day) or CriteriaSet.objects.in_force(day).order_by("code").first()
            if rule is None or dossier is None or criteria is None:
                continue
            stars = _stars(rng)
            level = scoring.certifying_level(rule.parsed, stars)
            issuer = _issuer(product, level, day) if level != CouncilLevel.CENTRAL else None
            if issuer is None:  # 5★ (central council) or no district: the province's 4★ stands in
                stars = 4
                level = scoring.certifying_level(rule.parsed, stars)
                issuer = _issuer(product, level, day)
            if issuer is None:
                continue
            key = (issuer.pk, day.year, level)
            round_ = rounds.get(key)
            if round_ is None:
                round_ = Round.objects.filter(
                    unit=issuer, level=level, held_on__year=day.year, name__endswith="(demo)"
                ).first()
            if round_ is None:
                round_ = Round.objects.create(
                    name=f"Kỳ đánh giá, phân hạng sản phẩm OCOP {issuer.full_name} năm {day.year} (demo)",
                    level=level,
                    unit=issuer,
                    held_on=day,
                    instrument=Instrument.objects.on(day),
                    procedure=rule,
                    status=RoundStatus.CLOSED,
                    closed_at=change.at,
                )
            rounds[key] = round_
            entry = RoundProduct.objects.create(
                round=round_,
                product=product,
                dossier=dossier,
                criteria_set=criteria,
                score=_score(rng, stars),
                stars=stars,
                certified=True,
            )
            seq_key = (issuer.pk, day.year)
            if not numbers[seq_key]:
                numbers[seq_key] = (
                    Certificate.objects.filter(issuer_unit=issuer, year=day.year).aggregate(m=Max("number"))["m"] or 0
                )
            numbers[seq_key] += 1
            valid_until = scoring.certificate_expires_on(rule.parsed, day)
            status = CertificateStatus.VALID
            if product.status == ProductStatus.REVOKED:
                status = CertificateStatus.REVOKED
            elif product.status == ProductStatus.EXPIRED or valid_until <= timezone.localdate():
                status = CertificateStatus.EXPIRED
            cert = Certificate.objects.create(
                product=product,
                round_product=entry,
                issuer_unit=issuer,
                year=day.year,
                number=numbers[seq_key],
                issued_on=day,
                valid_until=valid_until,
                stars=stars,
                status=status,
                revoked_reason="Không duy trì tiêu chí bắt buộc sau kiểm tra, giám sát (dữ liệu mẫu)"
                if status == CertificateStatus.REVOKED
                else "",
            )
            log_action(
                None,
                "ocop.evaluation.certificate.issued",
                cert,
                after={"number": cert.number_display, "stars": stars, "valid_until": valid_until},
                unit=product.unit,
                reason=DEMO_REASON,
            )
            if not product.photos.exists():
                photo = ProductPhoto(product=product, caption=f"{product.name} (ảnh minh họa, demo)")
                photo.image.save(
                    f"anh-{product.pk}.png",
                    ContentFile(tiny_png(COLOURS.get(product.sector, (90, 90, 90)))),
                    save=False,
                )
                photo.save()
            created += 1
    return {"certificates": created, "demo_certificates": Certificate.objects.filter(product__is_demo=True).count()}
