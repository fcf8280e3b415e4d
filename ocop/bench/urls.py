from django.urls import path

from ocop.bench import views

app_name = "bench"
urlpatterns = [
    path("ping/", views.ping, name="ping"),
]
