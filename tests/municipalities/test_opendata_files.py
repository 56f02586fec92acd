"""The downloads written a column at a time (municipalities.opendata_files) are, byte for byte,
what the per-record path writes: csv.writer over `opendata.csv_row`, and the API's pydantic
schema for each record of the JSON."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from municipalities import opendata, opendata_files, schemas, selectors
from municipalities.models import Membership, Municipality, Programme
from municipalities.selectors import DirectoryFilters
from tests.factories import ChapterFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

AWKWARD_TEXTS = [
    'Quote " inside, and a comma',
    "Line\nbreak and\r\nCRLF",
    "=SUM(A1:A2)",
    "+56 9 1234",
    "-minus",
    "@at",
    "\tTab first",
    "Control \x01\x1f and DEL \x7f",
    "Unicode: Maipú ñ “comillas” 😀 \u2028\u2029",
    "Back\\slash </script>",
    "",
]


@pytest.fixture
def awkward_cities():
    chile = ChapterFactory(slug="ciar-chile", name="CIAR Chile", country="CL")
    argentina = ChapterFactory(slug="ciiar-argentina", name="CIIAR Argentina", country="AR")
    first = Programme.objects.create(name="Municipios a la vanguardIA", slug="vanguardia")
    second = Programme.objects.create(name="Datos abiertos", slug="datos")
    coordinates = [
        (Decimal("-33.51080"), Decimal("-70.75720")),
        (Decimal("0.00001"), Decimal("-0.00005")),  # Python would write 1e-05
        (Decimal("0"), Decimal("-0.00010")),
        (None, None),
        (Decimal("-54.80191"), Decimal("-68.30295")),
    ]
    for index, text in enumerate(AWKWARD_TEXTS):
        latitude, longitude = coordinates[index % len(coordinates)]
        city = MunicipalityFactory(
            name=f"Ciudad {index}",
            slug=f"ciudad-{index}",
            chapter=chile if index % 2 else argentina,
            description=text,
            mayor=text[:100],
            region=text[:120],
            population=None if index % 3 else 1000 + index,
            latitude=latitude,
            longitude=longitude,
            has_digital_plan=[None, True, False][index % 3],
            innovation_team_size=index,
        )
        if index % 2:
            city.programmes.add(first, second)
            Membership.objects.create(
                municipality=city,
                chapter=chile,
                status="member",
                founding_member=True,
                joined_on=date(2024, 5, 6),
            )
            Membership.objects.create(municipality=city, chapter=argentina, status="candidate")


def per_record_csv(municipalities) -> str:
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    lines = ["\ufeff" + writer.writerow(opendata.FIELD_NAMES)]
    for record in opendata.iter_records(municipalities, chunk_size=1000):
        lines.append(writer.writerow(opendata.csv_row(record)))
    return "".join(lines)


def per_record_json(municipalities) -> str:
    serialiser = schemas.Municipality.__pydantic_serializer__
    parts = [f'{{"count": {municipalities.count()}, "results": [']
    separator = ""
    for record in opendata.iter_records(municipalities, chunk_size=1000):
        model = schemas.Municipality.model_validate(record)
        parts.append(separator + serialiser.to_json(model).decode())
        separator = ", "
    parts.append("]}")
    return "".join(parts)


def listed():
    return selectors.filtered_municipalities(DirectoryFilters())


@pytest.mark.parametrize("chunk_size", [1, 4, 1000])
def test_csv_is_what_the_per_record_path_writes(awkward_cities, chunk_size):
    written = "".join(opendata_files.csv_chunks(listed(), chunk_size=chunk_size))
    assert written == per_record_csv(listed())
    assert "'=SUM(A1:A2)" in written  # formulas still defused


@pytest.mark.parametrize("chunk_size", [1, 4, 1000])
def test_json_is_what_the_api_schema_writes(awkward_cities, chunk_size):
    written = "".join(opendata_files.json_chunks(listed(), chunk_size=chunk_size))
    assert written == per_record_json(listed())
    assert '"latitude":0.00001' in written  # as pydantic spells it (Python: 1e-05)


def test_the_download_views_write_the_same_bytes(client, awkward_cities):
    csv_body = b"".join(client.get(reverse("open_data_csv")).streaming_content)
    assert csv_body.decode() == per_record_csv(listed())
    json_body = b"".join(client.get(reverse("open_data_json")).streaming_content)
    assert json_body.decode() == per_record_json(listed())


def test_empty_downloads_are_the_same(db):
    nothing = Municipality.objects.none()
    assert "".join(opendata_files.csv_chunks(nothing, chunk_size=10)) == per_record_csv(nothing)
    assert "".join(opendata_files.json_chunks(nothing, chunk_size=10)) == per_record_json(nothing)


def test_every_field_has_a_column_converter_that_agrees_with_its_getter(awkward_cities):
    rows = list(listed().values(*opendata.COLUMNS))
    for f in opendata.FIELDS:
        if f.get.column in opendata.RELATED_COLUMNS:
            continue
        values = [row[f.get.column] for row in rows]
        assert list(f.get.convert_column(values)) == [f.get(row) for row in rows], f.name
