"""Record URLs: lists, detail pages, create/edit/delete forms, citations, inline creation,
consent, legal holds, erasure and export."""

from django.urls import path

from qantar.records import views

app_name = "records"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<uuid:pk>/", views.person_detail, name="person_detail"),
    path("people/<uuid:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:pk>/delete/", views.person_delete, name="person_delete"),
    path("people/<uuid:pk>/testimonies/new/", views.testimony_create, name="testimony_create"),
    path("people/<uuid:person_pk>/testimonies/<uuid:pk>/delete/", views.testimony_delete,
         name="testimony_delete"),
    path("testimonies/<uuid:pk>/edit/", views.testimony_edit, name="testimony_edit"),
    path("people/<uuid:pk>/consent/new/", views.consent_create, name="consent_create"),
    path("people/<uuid:pk>/legal-holds/new/", views.legal_hold_place, name="legal_hold_place"),
    path("people/<uuid:person_pk>/legal-holds/<uuid:pk>/lift/", views.legal_hold_lift,
         name="legal_hold_lift"),
    path("people/<uuid:pk>/erase/", views.person_erase, name="person_erase"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<uuid:pk>/", views.event_detail, name="event_detail"),
    path("events/<uuid:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<uuid:pk>/delete/", views.event_delete, name="event_delete"),
    path("violations/", views.violation_list, name="violation_list"),
    path("violations/new/", views.violation_create, name="violation_create"),
    path("violations/<uuid:pk>/", views.violation_detail, name="violation_detail"),
    path("violations/<uuid:pk>/edit/", views.violation_edit, name="violation_edit"),
    path("violations/<uuid:pk>/delete/", views.violation_delete, name="violation_delete"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/new/", views.source_create, name="source_create"),
    path("sources/<uuid:pk>/", views.source_detail, name="source_detail"),
    path("sources/<uuid:pk>/edit/", views.source_edit, name="source_edit"),
    path("sources/<uuid:pk>/delete/", views.source_delete, name="source_delete"),
    path("cite/<str:kind>/<uuid:pk>/", views.cite, name="cite"),
    path("new/<str:kind>/", views.quick_create, name="quick_create"),
    path("victims/options/", views.victim_options, name="victim_options"),
    path("export/", views.export, name="export"),
]
