"""PostgreSQL timestamps come back through psycopg's C loader, equal to what Django's own
loader gives (coalition/postgres.py)."""

from __future__ import annotations

import datetime

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg.pq import Format

from coalition.postgres import UtcTimestamptzLoader
from municipalities.models import Municipality
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

TIMESTAMPTZ = psycopg.adapters.types["timestamptz"].oid
SAMPLES = [
    "2026-12-01 15:37:15.123456+00",
    "2026-12-01 12:37:15-03",  # another offset, as a literal with its own zone
    "2025-03-30 02:30:00+00",
    "1999-12-31 23:59:59.999999+00",
    "0001-01-01 00:00:00+00",
    "2024-02-29 00:00:00.5+00",
]


def read(sql: str, params=()) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def test_connection_reads_timestamps_with_psycopgs_loader(postgres):
    connection.ensure_connection()
    if psycopg.pq.__impl__ == "python":
        pytest.fail("psycopg[binary] is a dependency: its C implementation should be installed")
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)
    assert loader is UtcTimestamptzLoader
    # Django compares this before each cursor: equal, so it keeps the connection's loader.
    assert loader.timezone is connection.timezone


@pytest.mark.parametrize("text", SAMPLES)
def test_values_equal_djangos_loader(postgres, text):
    [value] = read("SELECT %s::timestamptz", [text])

    class DjangoLoader(BaseTzLoader):
        timezone = datetime.UTC

    expected = DjangoLoader(TIMESTAMPTZ, connection.connection).load(
        read("SELECT (%s::timestamptz)::text", [text])[0].encode()
    )
    assert value == expected
    assert value.tzinfo is datetime.UTC


def test_models_and_values_get_aware_utc_instants(postgres):
    city = MunicipalityFactory()
    stored = Municipality.objects.get(pk=city.pk).profile_updated_at
    [from_values] = Municipality.objects.filter(pk=city.pk).values_list(
        "profile_updated_at", flat=True
    )
    assert stored == from_values == city.profile_updated_at
    assert stored.tzinfo is datetime.UTC
    # A server-side cursor (iterator) reads through the same loader.
    [streamed] = (
        Municipality.objects.filter(pk=city.pk)
        .values_list("profile_updated_at", flat=True)
        .iterator(chunk_size=10)
    )
    assert streamed == stored and streamed.tzinfo is datetime.UTC
