"""Person-list URLs: import, linkage runs, the review queue, people across lists, overlaps."""

from django.urls import path

from qantar.lists import views

app_name = "lists"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_list, name="import"),
    path("uploads/<uuid:pk>/", views.upload_confirm, name="upload_confirm"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/step/", views.job_step, name="job_step"),
    path("link/", views.link, name="link"),
    path("runs/<uuid:pk>/", views.run_detail, name="run_detail"),
    path("runs/<uuid:pk>/accept/", views.run_accept, name="run_accept"),
    path("review/", views.review, name="review"),
    path("review/pairs/<uuid:pk>/", views.review_decide, name="review_decide"),
    path("people/<uuid:pk>/", views.person_detail, name="person_detail"),
    path("people/<uuid:pk>/split/", views.person_split, name="person_split"),
    path("disagreements/<uuid:pk>/resolve/", views.disagreement_resolve,
         name="disagreement_resolve"),
    path("capture-histories.csv", views.capture_histories, name="capture_histories"),
    path("<uuid:pk>/", views.list_detail, name="list_detail"),
]
