"""Evidence URLs: the list, uploading, an item, its file, its custody, verification."""

from django.urls import path

from qantar.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.index, name="index"),
    path("collections/<uuid:collection_pk>/new/", views.upload, name="upload"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/file/", views.download, name="download"),
    path("<uuid:pk>/custody/new/", views.custody_add, name="custody_add"),
    path("<uuid:pk>/verify/", views.verify, name="verify"),
]
