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
    path("issuers/", views_issuers.issuer_list, name="issuer_list"),
    path("issuers/<int:pk>/", views_issuers.issuer_detail, name="issuer_detail"),
    path("issuers/<int:pk>/new-version/", views_issuers.issuer_version_new, name="issuer_version_new"),
]
