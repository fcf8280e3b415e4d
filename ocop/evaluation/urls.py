from django.urls import path

from ocop.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/seats/", views.seat_add, name="seat_add"),
    path("<int:pk>/products/", views.product_add, name="product_add"),
    path("<int:pk>/forwarded/", views.forwarded_add, name="forwarded_add"),
    path("<int:pk>/documents/<str:which>.docx", views.round_document, name="round_document"),
    path("<int:pk>/close/", views.round_close, name="round_close"),
    path("entry/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entry/<int:pk>/sheet/", views.score_sheet, name="score_sheet"),
    path("entry/<int:pk>/recuse/", views.recuse, name="recuse"),
    path("file/<int:pk>/", views.round_file, name="round_file"),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("certificates/<int:pk>/apply/", views.application_new, name="application_new"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/reject/", views.application_reject, name="application_reject"),
    path("criteria/", views.criteria_index, name="criteria_index"),
    path("criteria/<int:pk>/", views.criteria_set_detail, name="criteria_set_detail"),
    path("criteria/data/<int:pk>.json", views.criteria_data_download, name="criteria_data_download"),
    path("criteria/data/<int:pk>/edit/", views.criteria_data_edit, name="criteria_data_edit"),
]
