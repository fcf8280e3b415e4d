from django.urls import path

from ocop.signing import views, views_documents, views_images

app_name = "signing"

urlpatterns = [
    path("xac-minh-van-ban/", views.verify, name="verify"),
    path("documents/<int:pk>/signed.pdf", views_documents.signed_download, name="signed_download"),
    path("documents/<int:pk>/sign/", views_documents.sign_now, name="sign_now"),
    path("documents/<int:pk>/attachments/", views_documents.attachment_add, name="attachment_add"),
    path(
        "documents/<int:pk>/attachments/<int:position>.pdf",
        views_documents.attachment_download,
        name="attachment_download",
    ),
    path("documents/signing-images/", views_images.image_list, name="images"),
]
