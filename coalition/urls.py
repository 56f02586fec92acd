from django.contrib import admin
from django.urls import include, path

from coalition import api, views

# Refusals of someone waiting for two-factor set-up become a redirect to set-up.
handler403 = "coalition.views.permission_denied"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/language/", views.set_language, name="set_language"),
    path("panel/", views.dashboard, name="dashboard"),
    path("panel/staff/", views.staff_dashboard, name="staff_dashboard"),
    path("panel/staff/audit/", views.audit_log, name="audit_log"),
    path("panel/staff/summary/", views.coalition_summary, name="coalition_summary"),
    path("panel/officer/", views.officer_dashboard, name="officer_dashboard"),
    path(
        "panel/documents/<int:pk>/download/",
        views.generated_document_download,
        name="generated_document_download",
    ),
    # The versioned JSON API and the open data downloads: each app registers its router.
    path("", include(api.urlpatterns())),
    path("", include("municipalities.urls")),
    path("", include("calls.urls")),
    path("", include("projects.urls")),
    path("accounts/security-required/", views.mfa_required, name="mfa_required"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
