from django.urls import path

from ocop.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("map/", views.province_map, name="map"),
]
