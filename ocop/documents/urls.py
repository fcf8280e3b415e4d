from django.urls import path

from ocop.documents import views, views_issuers

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/edit/", views.document_edit, name="edit"),
    path("<int:pk>/issue/", views.document_issue, name="issue"),
    path("<int:pk>/upload/", views.document_upload, name="upload"),
    path("<int:pk>/download.<str:fmt>", views.document_download, name="download"),
    path("request/<int:pk>/letter/", views.request_letter_new, name="request_letter"),
    path("request/<int:pk>/reminder/", views.reminder_new, name="reminder"),
    path("request/<int:pk>/forward/", views.forwarding_new, name="forwarding"),
    path("issuers/", views_issuers.issuer_list, name="issuer_list"),
    path("issuers/<int:pk>/", views_issuers.issuer_detail, name="issuer_detail"),
    path("issuers/<int:pk>/new-version/", views_issuers.issuer_version_new, name="issuer_version_new"),
]
