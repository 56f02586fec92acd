from django.urls import include, path

from calls import views, views_staff

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/<slug:slug>/", views.call_detail, name="call_detail"),
    path("calls/<slug:slug>/apply/", views.application_start, name="application_start"),
    path("applications/<int:pk>/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/upload/", views.application_upload, name="application_upload"),
    path(
        "applications/<int:pk>/annexes/<int:document_id>/remove/",
        views.application_remove_annex,
        name="application_remove_annex",
    ),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path(
        "applications/<int:pk>/documents/<int:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path("applications/<int:pk>/receipt/", views.receipt_download, name="receipt_download"),
    path("panel/staff/calls/", views_staff.staff_call_list, name="staff_call_list"),
    path("panel/staff/calls/new/", views_staff.staff_call_edit, name="staff_call_create"),
    path(
        "panel/staff/calls/<slug:slug>/edit/", views_staff.staff_call_edit, name="staff_call_edit"
    ),
    path(
        "panel/staff/calls/<slug:slug>/structure/",
        views_staff.staff_call_structure,
        name="staff_call_structure",
    ),
    path(
        "panel/staff/calls/<slug:slug>/publish/",
        views_staff.staff_call_publish,
        name="staff_call_publish",
    ),
    path(
        "panel/staff/calls/<slug:slug>/applications/",
        views_staff.staff_call_applications,
        name="staff_call_applications",
    ),
    path(
        "panel/staff/applications/<int:pk>/",
        views_staff.staff_application,
        name="staff_application",
    ),
    path(
        "panel/staff/applications/<int:pk>/dossier/",
        views_staff.dossier_download,
        name="dossier_download",
    ),
    path("", include("calls.review.urls")),
    path("", include("calls.review.urls_results")),
]
