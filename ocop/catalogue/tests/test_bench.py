"""The catalogue benchmark on a small generated catalogue: both sides agree, the data is rolled back."""

import pytest

from ocop.bench.benchmarks import bench_catalogue_search
from ocop.catalogue.models import CatalogueEntry
from ocop.products.models import Product

pytestmark = pytest.mark.django_db


def test_catalogue_benchmark_generates_and_rolls_back(db):
    result = bench_catalogue_search(size=1500)
    assert "1.500 products" in result.name and result.measured > 0 and result.baseline > 0
    assert not CatalogueEntry.objects.exists() and not Product.objects.exists()
