from django.urls import path

from ocop.programme import views

app_name = "programme"
urlpatterns = [
    path("", views.index, name="index"),
    path("board/", views.board, name="board"),
    path("board.<str:fmt>", views.board_export, name="board_export"),
    path("province/<int:pk>/", views.province, name="province"),
    path("province/code/<str:code>/", views.province_by_code, name="province_by_code"),
    path("<slug:slug>/", views.record_list, name="record_list"),
    path("<slug:slug>/new/", views.record_new, name="record_new"),
    path("<slug:slug>/<int:pk>/", views.record_detail, name="record_detail"),
    path("<slug:slug>/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("<slug:slug>/<int:pk>/file/", views.record_file, name="record_file"),
]
