"""The process cache holds the pages' fragments, the board and the catalogue searches (docs/deploy.md,
`OCOP_CACHE_ENTRIES`): with Django's default of 300 entries, a few hundred public searches would push
the report pages' fragments out."""

from django.core.cache import caches


def test_the_process_cache_keeps_two_thousand_entries():
    cache = caches["default"]
    cache.clear()
    try:
        for i in range(2000):
            cache.set(f"test-size:{i}", i, 60)
        kept = sum(cache.get(f"test-size:{i}") == i for i in range(2000))
        assert kept == 2000  # Django's default (300 entries, a third culled when full) keeps at most 300
    finally:
        cache.clear()
