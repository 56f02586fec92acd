"""Projects: the public directory and pages, the officers' pages, staff moderation and open
data (helper PROJECTS)."""

from django.urls import path

from projects import views_edit, views_opendata, views_projects, views_staff

urlpatterns = [
    path("projects/", views_projects.project_directory, name="project_directory"),
    path("projects/new/", views_edit.project_create, name="project_create"),
    path("projects/<slug:slug>/", views_projects.project_detail, name="project_detail"),
    path("projects/<slug:slug>/edit/", views_edit.project_edit, name="project_edit"),
    path("projects/<slug:slug>/publish/", views_edit.project_publish, name="project_publish"),
    path("projects/<slug:slug>/status/", views_edit.project_status, name="project_status"),
    path("projects/<slug:slug>/history/", views_projects.project_history, name="project_history"),
    path(
        "projects/<slug:slug>/attachments/",
        views_edit.project_attachment_upload,
        name="project_attachment_upload",
    ),
    path(
        "projects/<slug:slug>/attachments/<int:attachment_id>/",
        views_projects.project_attachment,
        name="project_attachment",
    ),
    path(
        "projects/<slug:slug>/attachments/<int:attachment_id>/remove/",
        views_edit.project_attachment_remove,
        name="project_attachment_remove",
    ),
    path("panel/staff/projects/", views_staff.staff_projects, name="staff_projects"),
    path(
        "panel/staff/projects/<slug:slug>/withdraw/",
        views_staff.staff_project_withdraw,
        name="staff_project_withdraw",
    ),
    path(
        "panel/staff/projects/<slug:slug>/restore/",
        views_staff.staff_project_restore,
        name="staff_project_restore",
    ),
    path("open-data/projects.csv", views_opendata.project_data_csv, name="project_data_csv"),
    path("open-data/projects.json", views_opendata.project_data_json, name="project_data_json"),
]
