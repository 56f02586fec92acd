from django.urls import path

from projects.register import views, views_data

urlpatterns = [
    path("register/", views.register_list, name="register_list"),
    path("register/<slug:slug>/", views.register_entry, name="register_entry"),
    path("register/<slug:slug>/history/", views.register_history, name="register_history"),
    path(
        "register/<slug:slug>/versions/<int:number>/",
        views.register_version,
        name="register_version",
    ),
    path("projects/<slug:slug>/register/edit/", views.register_edit, name="register_edit"),
    path("projects/<slug:slug>/register/publish/", views.register_publish, name="register_publish"),
    path(
        "projects/<slug:slug>/register/moderate/",
        views.register_moderate,
        name="register_moderate",
    ),
    path("open-data/register.csv", views_data.register_data_csv, name="register_data_csv"),
    path("open-data/register.json", views_data.register_data_json, name="register_data_json"),
]
