from django.urls import path

from ocop.products import views, views_import

app_name = "products"
urlpatterns = [
    path("", views.index, name="index"),
    path("entities/", views.entity_list, name="entity_list"),
    path("entities/new/", views.entity_new, name="entity_new"),
    path("entities/<int:pk>/", views.entity_detail, name="entity_detail"),
    path("entities/<int:pk>/edit/", views.entity_edit, name="entity_edit"),
    path("entities/<int:pk>/members/", views.entity_member_add, name="entity_member_add"),
    path("entities/<int:pk>/products/new/", views.product_new, name="product_new"),
    path("list/", views.product_list, name="product_list"),
    path("import/", views_import.import_start, name="import_start"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/<uuid:token>/", views_import.import_batch, name="import_batch"),
    path("import/<uuid:token>/commit/", views_import.import_commit, name="import_commit"),
    path("<int:pk>/", views.product_detail, name="product_detail"),
    path("<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("<int:pk>/status/", views.product_status, name="product_status"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/dossiers/new/", views.dossier_new, name="dossier_new"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/upload/", views.dossier_upload, name="dossier_upload"),
    path("dossiers/<int:pk>/submit/", views.dossier_submit, name="dossier_submit"),
    path("dossiers/<int:pk>/review/", views.dossier_review, name="dossier_review"),
    path("dossiers/<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("files/<int:pk>/", views.dossier_file, name="dossier_file"),
    path("files/<int:pk>/delete/", views.dossier_file_delete, name="dossier_file_delete"),
]
