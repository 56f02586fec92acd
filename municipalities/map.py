"""The member map: a page with the map and the cities that gave no location, and its data.

The map is drawn in the browser (static/js/map.js, Leaflet) on the bundled boundaries of Chile
and Argentina (static/vendor/natural-earth/, built from Natural Earth data), so it works with no
tile server; a tile server, when MAP_TILE_URL is set, goes underneath. The page itself carries
no city that the map shows: the pins come from `map_data`, a GeoJSON document that is cached per
data version (municipalities.cache) and sent with an ETag, so a repeat visit costs a 304.

Filters are the directory's (same query string, form and selector as the open data).
Queries: page 3 (form choices) + 1 (count on the map) + 1 (the cities without a location with
their memberships, as plain values); data 3 + 1 when not cached, 0 after that for the same data
version.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import etag

from coalition.api import public_read_only
from coalition.links import slug_url_maker
from municipalities import selectors
from municipalities.cache import FRAGMENT_TIMEOUT, fragment_key
from municipalities.models import Country, Membership
from municipalities.open_data_page import query_string, request_filters

BOUNDARIES = "vendor/natural-earth/chile-argentina.geojson"
_BODY_ATTRIBUTE = "_member_map_data"


def member_map(request: HttpRequest) -> HttpResponse:
    """The map, with the cities it cannot place listed beside it (the pins are in map_data)."""
    form, filters = request_filters(request)
    query = query_string(request)
    suffix = f"?{query}" if query else ""
    located = (
        selectors.filtered_municipalities(filters)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .count()
    )
    unlocated = selectors.map_rows(filters, located=False)
    summaries = StatusSummaries()
    profile_url = slug_url_maker("municipality_profile")
    countries = {value: str(label) for value, label in Country.choices}
    for row in unlocated:
        row["url"] = profile_url(row["slug"])
        row["country_label"] = countries.get(row["country"], row["country"])
        row["status"] = summaries.text(row["memberships"])
    return render(
        request,
        "municipalities/map.html",
        {
            "form": form,
            "query": query,
            "located": located,
            "unlocated": unlocated,
            "total": located + len(unlocated),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "data_url": reverse("member_map_data") + suffix,
            "boundaries_url": static(BOUNDARIES),
        },
    )


class StatusSummaries:
    """ "CIAR Chile: Member, founding member" for a row's memberships, as
    `open_data_page.status_summary` says it for a model instance, with the labels looked up
    once for all rows."""

    def __init__(self):
        self.statuses = {value: str(label) for value, label in Membership.Status.choices}
        self.founding = ", " + _("founding member")
        # Most cities share one of a few combinations: each is written once.
        self.known: dict[tuple, str] = {}

    def text(self, memberships: list[tuple[str, str, bool]]) -> str:
        """The summary of a row's memberships (tuples, as `selectors.map_rows` gives them)."""
        key = tuple(memberships)
        text = self.known.get(key)
        if text is None:
            text = self.known[key] = "; ".join(
                f"{chapter}: {self.statuses.get(status, status)}{self.founding if founding else ''}"
                for status, chapter, founding in key
            )
        return text


# One GeoJSON feature, written as json.dumps(..., ensure_ascii=False, separators=(",", ":"))
# writes it (the tests compare the two): a template and the C string encoder rather than three
# dicts a city and the generic encoder, which were half of the data's time.
_FEATURE = (
    '{"type":"Feature","geometry":{"type":"Point","coordinates":[%r,%r]},'
    '"properties":{"name":%s,"slug":%s,"url":%s,"region":%s,"country":%s,"status":%s}}'
)
_json_string = json.encoder.encode_basestring  # UTF-8 as it is, as ensure_ascii=False


def feature_collection(rows: list[dict]) -> str:
    """The GeoJSON FeatureCollection of `selectors.map_rows(..., located=True)`."""
    summaries = StatusSummaries()
    # A path, not an absolute URL: the same cached body serves every host.
    profile_url = slug_url_maker("municipality_profile")
    features = [
        _FEATURE
        % (
            float(row["longitude"]),
            float(row["latitude"]),
            _json_string(row["name"]),
            _json_string(row["slug"]),
            _json_string(profile_url(row["slug"])),
            _json_string(row["region"]),
            _json_string(row["country"]),
            _json_string(summaries.text(row["memberships"])),
        )
        for row in rows
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def map_data_body(request: HttpRequest) -> bytes:
    """The GeoJSON of the listed cities with a location, rendered once per query, language
    and data version (statuses are translated), and once per request for the ETag and body.
    Built from plain values (1 query), not model instances."""
    body = getattr(request, _BODY_ATTRIBUTE, None)
    if body is not None:
        return body
    key = fragment_key(request, part="map-data", variant="public")
    body = cache.get(key)
    if body is None:
        rows = selectors.map_rows(request_filters(request)[1], located=True)
        body = feature_collection(rows).encode()
        cache.set(key, body, FRAGMENT_TIMEOUT)
    setattr(request, _BODY_ATTRIBUTE, body)
    return body


def map_data_etag(request: HttpRequest) -> str:
    # A hash of the body itself: always right, whatever changed and in whatever process.
    return hashlib.sha256(map_data_body(request)).hexdigest()[:32]


@public_read_only
@gzip_page  # public data, no secret to leak through compression; ~15x smaller
@etag(map_data_etag)
def map_data(request: HttpRequest) -> HttpResponse:
    """Listed municipalities with coordinates, as a GeoJSON FeatureCollection."""
    response = HttpResponse(map_data_body(request), content_type="application/geo+json")
    # Kept by the browser but checked every time: a repeat visit is a 304 without a body.
    patch_cache_control(response, public=True, no_cache=True)
    return response
