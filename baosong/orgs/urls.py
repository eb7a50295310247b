from django.urls import path

from baosong.orgs import views

urlpatterns = [
    path("accounts/login", views.login_view, name="login"),
    path("accounts/otp", views.otp_view, name="otp"),
    path("accounts/logout", views.logout_view, name="logout"),
    path("accounts/password", views.password_change_view, name="password_change"),
    path("accounts/profile", views.profile_view, name="profile"),
    path("manage/units/", views.unit_list, name="unit_list"),
    path("manage/units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("manage/units/<int:pk>/children", views.unit_children_fragment, name="unit_children"),
    path("manage/units/<int:parent_pk>/new", views.unit_create_view, name="unit_create"),
    path("manage/units/<int:pk>/edit", views.unit_edit_view, name="unit_edit"),
    path("manage/units/<int:pk>/move", views.unit_move_view, name="unit_move"),
    path("manage/units/<int:pk>/active", views.unit_active_view, name="unit_active"),
    path("manage/units/<int:pk>/targets", views.unit_targets_view, name="unit_targets"),
    path("manage/users/", views.user_list, name="user_list"),
    path("manage/users/export", views.user_export, name="user_export"),
    path("manage/users/new", views.user_create_view, name="user_create"),
    path("manage/users/<int:pk>/", views.user_detail, name="user_detail"),
    path("manage/users/<int:pk>/active", views.user_active_view, name="user_active"),
    path("manage/users/<int:pk>/memberships", views.membership_add_view, name="membership_add"),
    path(
        "manage/users/<int:pk>/memberships/<int:membership_pk>/remove",
        views.membership_remove_view,
        name="membership_remove",
    ),
    path("manage/import", views.import_page, name="import_page"),
    path("manage/import/template/<str:kind>.csv", views.import_template, name="import_template"),
    path("security/locked", views.security_locked, name="security_locked"),
    path("security/unlock", views.security_unlock, name="security_unlock"),
    path("security/sessions", views.security_sessions, name="security_sessions"),
    path("security/users/<int:pk>/end-sessions", views.security_end_sessions, name="security_end_sessions"),
    path(
        "security/users/<int:pk>/reset-password",
        views.security_reset_password,
        name="security_reset_password",
    ),
    path("security/policy", views.security_policy, name="security_policy"),
    path("staff/", views.staff_list, name="staff_list"),
]
