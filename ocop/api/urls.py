from django.urls import path

from ocop.api import views
from ocop.api.api import api

app_name = "api"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("v1/", api.urls),
]
