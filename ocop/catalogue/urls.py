from django.urls import path

from ocop.catalogue import verify, views

app_name = "catalogue"
urlpatterns = [
    path("", views.catalogue, name="list"),
    path("<int:pk>/", views.product, name="product"),
    path("anh/<int:pk>/", views.photo, name="photo"),
    path("ban-do/", views.province_map, name="map"),
    path("thong-ke/", views.statistics, name="statistics"),
    path("xac-minh/", verify.verify, name="verify"),
]
