"""Filters of the lists of entities and products, shared by the web pages (ocop/products/views.py,
page and Excel export) and the API (ocop/api/endpoints/products.py): see ocop/lib/filters.py."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q

from ocop.lib.filters import IdFilter, SearchFilter
from ocop.products.models import Entity, EntityKind, Product, ProductStatus, Sector


class EntityFilterSet(df.FilterSet):
    q = SearchFilter(search_fields=("name", "registration_number", "tax_code"))
    kind = df.ChoiceFilter(choices=EntityKind.choices)
    province = df.CharFilter(field_name="unit__province__code")  # the province of the entity's commune
    unit_id = IdFilter(field_name="unit_id")

    class Meta:
        model = Entity
        fields: list[str] = []


class ProductFilterSet(df.FilterSet):
    q = SearchFilter(search_fields=("name", "entity__name"))
    status = df.ChoiceFilter(choices=ProductStatus.choices)
    sector = df.ChoiceFilter(choices=Sector.choices)
    province = df.CharFilter(method="in_province")
    entity_id = IdFilter(field_name="entity_id")
    unit_id = IdFilter(field_name="unit_id")

    class Meta:
        model = Product
        fields: list[str] = []

    def in_province(self, qs, name, value):
        """The province of the place of production or of the entity."""
        return qs.filter(Q(unit__province__code=value) | Q(entity__unit__province__code=value))
