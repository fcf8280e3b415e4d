from django.urls import path

from ocop.signing import views

app_name = "signing"

urlpatterns = [
    path("", views.verify, name="verify"),
]
