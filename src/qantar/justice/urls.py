"""Justice URLs: complaints, cases and their steps, deadlines, funnel, monitoring, documents."""

from django.urls import path

from qantar.justice import views

app_name = "justice"
urlpatterns = [
    path("", views.proceeding_list, name="home"),
    path("cases/", views.proceeding_list, name="proceeding_list"),
    path("cases/new/", views.proceeding_create, name="proceeding_create"),
    path("cases/<uuid:pk>/", views.proceeding_detail, name="proceeding_detail"),
    path("cases/<uuid:pk>/stages/", views.stage_add, name="stage_add"),
    path("cases/<uuid:pk>/parties/new/", views.party_add, name="party_add"),
    path("cases/<uuid:pk>/remedies/new/", views.remedy_add, name="remedy_add"),
    path("cases/<uuid:pk>/deadlines/new/", views.deadline_add, name="deadline_add"),
    path("cases/<uuid:pk>/hearings/new/", views.hearing_add, name="hearing_add"),
    path("cases/<uuid:pk>/documents/<str:kind>/<str:language>/", views.un_document,
         name="un_document"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/new/", views.complaint_create, name="complaint_create"),
    path("complaints/<uuid:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<uuid:pk>/answer/", views.complaint_answer, name="complaint_answer"),
    path("complaints/<uuid:pk>/summary/<str:language>/", views.complaint_summary,
         name="complaint_summary"),
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("deadlines/<uuid:pk>/done/", views.deadline_done, name="deadline_done"),
    path("funnel/", views.funnel, name="funnel"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("figures/", views.figure_list, name="figure_list"),
    path("figures/new/", views.figure_create, name="figure_create"),
]
