"""URLs of the committee's results: ranking, discussion, decisions, publication, exports,
and the public Atom feeds."""

from django.urls import path

from calls.review import feeds, views_exports
from calls.review import views_results as views

urlpatterns = [
    path(
        "panel/staff/calls/<slug:slug>/ranking/", views.ranking_staff, name="results_ranking_staff"
    ),
    path(
        "panel/committee/calls/<slug:slug>/ranking/",
        views.ranking_committee,
        name="results_ranking_committee",
    ),
    path(
        "panel/staff/applications/<int:pk>/discussion/",
        views.discussion_staff,
        name="results_discussion_staff",
    ),
    path(
        "panel/committee/applications/<int:pk>/discussion/",
        views.discussion_committee,
        name="results_discussion_committee",
    ),
    path(
        "panel/staff/applications/<int:pk>/discussed/",
        views.discussion_mark,
        name="results_discussion_mark",
    ),
    path(
        "panel/staff/applications/<int:pk>/decision/",
        views.decision_edit,
        name="results_decision",
    ),
    path("panel/staff/calls/<slug:slug>/results/", views.results_overview, name="results_overview"),
    path(
        "panel/staff/calls/<slug:slug>/results/propose/",
        views.results_propose,
        name="results_propose",
    ),
    path(
        "panel/staff/calls/<slug:slug>/results/<int:pk>/approve/",
        views.results_approve,
        name="results_approve",
    ),
    path(
        "panel/staff/calls/<slug:slug>/results/<int:pk>/withdraw/",
        views.results_withdraw,
        name="results_withdraw",
    ),
    path(
        "panel/staff/calls/<slug:slug>/exports/",
        views_exports.export_request_staff,
        name="results_export_staff",
    ),
    path(
        "panel/committee/calls/<slug:slug>/exports/",
        views_exports.export_request_committee,
        name="results_export_committee",
    ),
    path(
        "panel/staff/exports/<int:pk>/",
        views_exports.export_download_staff,
        name="results_export_download_staff",
    ),
    path(
        "panel/committee/exports/<int:pk>/",
        views_exports.export_download_committee,
        name="results_export_download_committee",
    ),
    path("feeds/<slug:slug>/calls.xml", feeds.ChapterCallsFeed(), name="feed_chapter_calls"),
    path(
        "feeds/<slug:slug>/results.xml",
        feeds.ChapterResultsFeed(),
        name="feed_chapter_results",
    ),
]
