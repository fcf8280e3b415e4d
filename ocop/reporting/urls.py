from django.urls import path

from ocop.reporting import views, views_consolidation

app_name = "reporting"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.request_new, name="request_new"),
    path("periodic/", views.request_periodic, name="request_periodic"),
    path("history/", views.history, name="history"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/collect/", views.request_collect, name="request_collect"),
    path("requests/<int:pk>/consolidation/", views_consolidation.consolidation, name="consolidation"),
    path(
        "requests/<int:pk>/consolidation/render/", views_consolidation.consolidation_render, name="consolidation_render"
    ),
    path("consolidation/jobs/<int:pk>/", views_consolidation.consolidation_job, name="consolidation_job"),
    path(
        "consolidation/jobs/<int:pk>/download/",
        views_consolidation.consolidation_job_download,
        name="consolidation_job_download",
    ),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("requests/<int:pk>/unit/<int:unit_pk>/", views.submission_open, name="submission_open"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path("submissions/<int:pk>/autosave/", views.submission_autosave, name="submission_autosave"),
    path("submissions/<int:pk>/review/", views.submission_review, name="submission_review"),
    path("submissions/<int:pk>/correct/", views.submission_correct, name="submission_correct"),
    path("submissions/<int:pk>/diff/", views.submission_diff, name="submission_diff"),
    path("submissions/<int:pk>/print/", views.submission_print, name="submission_print"),
    path("submissions/<int:pk>/download.<str:fmt>", views.submission_download, name="submission_download"),
    path("submissions/<int:pk>/upload/", views.submission_upload, name="submission_upload"),
    path("submissions/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
