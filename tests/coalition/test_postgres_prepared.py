"""On PostgreSQL the server binds the parameters and a statement that a connection repeats is
prepared, planned once per connection (coalition/settings.py, DATABASE_PREPARE_THRESHOLD)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from municipalities.models import Municipality
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
