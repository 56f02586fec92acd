"""Indicators of projects (helper INDICATORS): pages under /projects/<slug>/indicators/, the
CSV export and import, the staff's overdue list and the open data of measurements."""

from django.urls import path

from projects.indicators import views, views_data

P = "projects/<slug:slug>/indicators/"
I = P + "<int:indicator_id>/"  # noqa: E741

urlpatterns = [
    path(P, views.project_indicators, name="project_indicators"),
    path(P + "new/", views.indicator_create, name="indicator_create"),
    path(P + "import/", views.indicators_import, name="indicators_import"),
    path(P + "import/confirm/", views.indicators_import_confirm, name="indicators_import_confirm"),
    path(I + "edit/", views.indicator_edit, name="indicator_edit"),
    path(I + "delete/", views.indicator_delete, name="indicator_delete"),
    path(I + "targets/", views.indicator_targets, name="indicator_targets"),
    path(
        I + "targets/<int:target_id>/delete/", views.target_delete, name="indicator_target_delete"
    ),
    path(I + "measurements/new/", views.measurement_create, name="measurement_create"),
    path(
        I + "measurements/<int:measurement_id>/delete/",
        views.measurement_delete,
        name="measurement_delete",
    ),
    path(
        P + "measurements/<int:measurement_id>/evidence/",
        views.measurement_evidence,
        name="measurement_evidence",
    ),
    path("projects/<slug:slug>/indicators.csv", views.indicators_csv, name="indicators_csv"),
    path(
        "panel/staff/projects/overdue/",
        views_data.staff_overdue_reports,
        name="staff_overdue_reports",
    ),
    path("open-data/measurements.csv", views_data.measurements_csv, name="measurements_csv"),
    path("open-data/measurements.json", views_data.measurements_json, name="measurements_json"),
]
