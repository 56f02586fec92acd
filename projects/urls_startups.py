"""Startups, challenges, the yearly commitment and their open data (helper STARTUPS)."""

from django.urls import path

from projects import opendata_startups, views_challenges, views_startups

urlpatterns = [
    path("startups/", views_startups.startup_list, name="startup_list"),
    path("startups/<slug:slug>/", views_startups.startup_detail, name="startup_detail"),
    path("startups/<slug:slug>/edit/", views_startups.startup_edit, name="startup_edit"),
    path(
        "panel/staff/startups/merge/",
        views_startups.startup_merge_view,
        name="startup_merge",
    ),
    path("challenges/", views_challenges.challenge_list, name="challenge_list"),
    path("challenges/new/", views_challenges.challenge_new, name="challenge_new"),
    path("challenges/<slug:slug>/", views_challenges.challenge_detail, name="challenge_detail"),
    path("challenges/<slug:slug>/edit/", views_challenges.challenge_edit, name="challenge_edit"),
    path(
        "panel/staff/commitment/",
        views_challenges.staff_commitment,
        name="staff_commitment",
    ),
    path("open-data/startups.csv", opendata_startups.startups_csv, name="startup_data_csv"),
    path("open-data/startups.json", opendata_startups.startups_json, name="startup_data_json"),
    path("open-data/challenges.csv", opendata_startups.challenges_csv, name="challenge_data_csv"),
    path(
        "open-data/challenges.json",
        opendata_startups.challenges_json,
        name="challenge_data_json",
    ),
]
