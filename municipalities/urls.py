from django.urls import path

from municipalities import views
from municipalities.map import map_data, member_map
from municipalities.open_data_page import open_data

# The API (/api/v1/municipalities/...) and the downloads (/open-data/municipalities.csv and
# .json) are served by the portal's API: municipalities/api.py, registered in apps.py.

urlpatterns = [
    path("members/", views.directory, name="directory"),
    path("members/map/", member_map, name="member_map"),
    path("members/map/data.json", map_data, name="member_map_data"),
    path("open-data/", open_data, name="open_data"),
    path("members/represent/", views.represent, name="represent"),
    path("members/<slug:slug>/", views.profile, name="municipality_profile"),
    path("members/<slug:slug>/logo/", views.logo, name="municipality_logo"),
    path("members/<slug:slug>/edit/", views.edit_profile, name="municipality_edit"),
    path("members/<slug:slug>/history/", views.profile_history, name="municipality_history"),
    path("members/<slug:slug>/leave/", views.leave, name="municipality_leave"),
    path("panel/staff/officers/", views.officer_requests, name="officer_requests"),
    path("panel/staff/officers/<int:pk>/", views.officer_decide, name="officer_decide"),
]
