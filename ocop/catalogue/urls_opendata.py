"""Stable open-data URLs: /open-data/<dataset>.csv, .json and .metadata.json, and the index."""

from django.urls import path

from ocop.catalogue import views

app_name = "opendata"
urlpatterns = [
    path("", views.opendata_index, name="index"),
    path("datapackage.json", views.opendata_datapackage, name="datapackage"),
    path("<slug:slug>.metadata.json", views.opendata_metadata, name="metadata"),
    path("<slug:slug>.csv", views.opendata_csv, name="csv"),
    path("<slug:slug>.json", views.opendata_json, name="json"),
]
