from django.urls import path

from ocop.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/edit/", views.document_edit, name="edit"),
    path("<int:pk>/issue/", views.document_issue, name="issue"),
    path("<int:pk>/download.<str:fmt>", views.document_download, name="download"),
    path("request/<int:pk>/letter/", views.request_letter_new, name="request_letter"),
    path("request/<int:pk>/reminder/", views.reminder_new, name="reminder"),
    path("request/<int:pk>/forward/", views.forwarding_new, name="forwarding"),
]
