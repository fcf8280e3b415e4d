"""The letters of a report request (views_letters.py), at /documents/request/<pk>/…: ocop/urls.py adds
these patterns to the documents app's under its `documents` namespace, so their URLs and names
(documents:request_letter, documents:reminder, documents:forwarding) are those of the register."""

from django.urls import path

from ocop.reporting import views_letters

urlpatterns = [
    path("request/<int:pk>/letter/", views_letters.request_letter_new, name="request_letter"),
    path("request/<int:pk>/reminder/", views_letters.reminder_new, name="reminder"),
    path("request/<int:pk>/forward/", views_letters.forwarding_new, name="forwarding"),
]
