"""Estimation URLs: new runs, run pages, comparison, reproduction and downloads."""

from django.urls import path

from qantar.estimation import views

app_name = "estimation"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("new/from/<slug:name>/", views.new_from, name="new_from"),
    path("runs/<uuid:pk>/", views.run_detail, name="run_detail"),
    path("runs/<uuid:pk>/compare/", views.run_compare, name="run_compare"),
    path("runs/<uuid:pk>/again/", views.run_again, name="run_again"),
    path("runs/<uuid:pk>/reproduce/", views.run_reproduce, name="run_reproduce"),
    path("runs/<uuid:pk>/input.csv", views.run_input_csv, name="run_input_csv"),
    path("runs/<uuid:pk>/result.json", views.run_result_json, name="run_result_json"),
]
