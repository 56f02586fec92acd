"""Open data, the versioned JSON API and the map data (being written)."""

from django.http import HttpResponse


def member_map(request):
    return HttpResponse("map")


def map_data(request):
    return HttpResponse("[]")


def open_data(request):
    return HttpResponse("open data")
