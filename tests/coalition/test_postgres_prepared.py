"""On PostgreSQL the server binds the parameters and a statement that a connection repeats is
prepared, planned once per connection (coalition/settings.py, DATABASE_PREPARE_THRESHOLD); a
statement that a migration made stale is planned again (coalition/prepared_statements.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import NotSupportedError, close_old_connections, connection, transaction

from municipalities.models import Municipality, Programme
from tests.factories import MunicipalityFactory

ROOT = Path(__file__).resolve().parents[2]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_statement_the_connection_repeats_is_prepared(postgres):
    municipality = MunicipalityFactory(name="Peñalolén")
    threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    names = Municipality.objects.filter(slug=municipality.slug).values_list("name", flat=True)
    assert not [s for s in prepared_statements() if "municipalities_municipality" in s]

    for _ in range(threshold + 1):
        assert list(names.all()) == ["Peñalolén"]

    prepared = [s for s in prepared_statements() if "municipalities_municipality" in s]
    assert len(prepared) == 1
    assert "$1" in prepared[0]  # the slug is a parameter, bound by the server


def database_options(threshold: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://portal@db.invalid:5432/portal",  # never connected to
        "DATABASE_PREPARE_THRESHOLD": threshold,
        "DJANGO_SETTINGS_MODULE": "coalition.settings",
    }
    code = "import json; from coalition import settings as s; "
    code += "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_the_threshold_is_read_from_the_environment_and_empty_turns_preparing_off():
    assert database_options("3") == {"server_side_binding": True, "prepare_threshold": 3}
    # For a pooler that cannot keep prepared statements: client-side binding, as Django's default.
    assert database_options("") == {}


def change_column_type(sql_type: str) -> None:
    """What a migration run by another process does: a new type for programmes' names."""
    params = {**connection.get_connection_params(), "autocommit": True}
    with psycopg.connect(**params) as other:
        other.execute(f"ALTER TABLE municipalities_programme ALTER COLUMN name TYPE {sql_type}")


@pytest.fixture
def prepared_programme_query(postgres, transactional_db):
    """A query this connection has prepared, on a table whose column type a test changes
    (and gets back afterwards)."""
    Programme.objects.create(name="Municipios a la vanguardIA", slug="vanguardia")
    names = Programme.objects.filter(slug="vanguardia").values_list("name", flat=True)
    for _ in range(settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] + 1):
        list(names.all())
    assert [s for s in prepared_statements() if "municipalities_programme" in s]
    yield names
    change_column_type("varchar(160)")


def test_a_statement_prepared_before_a_migration_changed_its_column_runs_again(
    prepared_programme_query,
):
    change_column_type("varchar(200)")

    # PostgreSQL refuses the prepared statement; the wrapper plans it again.
    assert list(prepared_programme_query.all()) == ["Municipios a la vanguardIA"]
    assert list(prepared_programme_query.all()) == ["Municipios a la vanguardIA"]


def test_inside_a_transaction_the_error_stands_and_the_connection_is_replaced(
    prepared_programme_query,
):
    change_column_type("varchar(200)")
    first_connection = connection.connection

    with pytest.raises(NotSupportedError), transaction.atomic():
        list(prepared_programme_query.all())
    close_old_connections()  # what Django does when the request ends

    assert list(prepared_programme_query.all()) == ["Municipios a la vanguardIA"]
    assert connection.connection is not first_connection
