from django.urls import path

from municipalities import api, views
from municipalities.map import map_data, member_map

urlpatterns = [
    path("members/", views.directory, name="directory"),
    path("members/map/", member_map, name="member_map"),
    path("members/map/data.json", map_data, name="member_map_data"),
    path("open-data/", api.open_data, name="open_data"),
    path("open-data/municipalities.csv", api.open_data_csv, name="open_data_csv"),
    path("open-data/municipalities.json", api.open_data_json, name="open_data_json"),
    path("api/v1/municipalities/", api.municipality_list, name="api_municipality_list"),
    # <str:slug>, not <slug:slug>: an address that is no slug gets the API's JSON 404.
    path(
        "api/v1/municipalities/<str:slug>/",
        api.municipality_detail,
        name="api_municipality_detail",
    ),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
    path("api/v1/<path:rest>", api.api_not_found, name="api_not_found"),
    path("members/represent/", views.represent, name="represent"),
    path("members/<slug:slug>/", views.profile, name="municipality_profile"),
    path("members/<slug:slug>/logo/", views.logo, name="municipality_logo"),
    path("members/<slug:slug>/edit/", views.edit_profile, name="municipality_edit"),
    path("members/<slug:slug>/history/", views.profile_history, name="municipality_history"),
    path("members/<slug:slug>/leave/", views.leave, name="municipality_leave"),
    path("panel/staff/officers/", views.officer_requests, name="officer_requests"),
    path("panel/staff/officers/<int:pk>/", views.officer_decide, name="officer_decide"),
]
