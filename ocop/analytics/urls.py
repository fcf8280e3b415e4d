from django.urls import path

from ocop.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.pivot_view, name="pivot"),
    path("export.<str:fmt>", views.export_view, name="export"),
]
