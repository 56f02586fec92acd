"""Counting the queries of one page, for the tests that compare N rows with 3N."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url: str, *, cold_cache: bool = False) -> int:
    """The number of queries of a GET of `url` that answers 200, a download read to its end;
    with `cold_cache`, the cache emptied first (so cached fragments are counted too)."""
    if cold_cache:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)
