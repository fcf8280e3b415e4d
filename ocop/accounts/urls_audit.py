"""The audit trail's pages, at /audit/ (the entries are the audit app's; who sees them is decided here,
ocop/accounts/audit_visibility.py)."""

from django.urls import path

from ocop.accounts import views_audit as views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("<int:pk>/", views.entry_detail, name="entry_detail"),
]
