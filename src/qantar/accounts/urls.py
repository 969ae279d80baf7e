"""Account URLs: logging in, and administering members, users and sessions."""

from django.urls import path

from qantar.accounts import admin_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.QantarLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("confirm-password/", views.reauthenticate, name="reauthenticate"),
    path("members/", admin_views.members, name="members"),
    path("members/<uuid:pk>/", admin_views.collection_members, name="collection_members"),
    path("members/<uuid:pk>/<uuid:user_pk>/role/", admin_views.member_role,
         name="member_role"),
    path("members/<uuid:pk>/<uuid:user_pk>/revoke/", admin_views.member_revoke,
         name="member_revoke"),
    path("users/", admin_views.users, name="users"),
    path("users/new/", admin_views.user_create, name="user_create"),
    path("users/<uuid:pk>/active/", admin_views.user_set_active, name="user_set_active"),
    path("users/<uuid:pk>/end-sessions/", admin_views.user_end_sessions,
         name="user_end_sessions"),
]
