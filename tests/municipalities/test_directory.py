import pytest
from django.urls import reverse

from municipalities.models import Membership
from tests.factories import ChapterFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [row["name"] for row in response.context["page"].object_list]


@pytest.fixture
def cities():
    chile = ChapterFactory(slug="ciar-chile", name="CIAR Chile", country="CL")
    argentina = ChapterFactory(
        slug="ciiar-argentina",
        name="CIIAR Argentina",
        country="AR",
        time_zone="America/Argentina/Buenos_Aires",
    )
    maipu = MunicipalityFactory(
        name="Maipú", slug="maipu", chapter=chile, population=503_635, region="Metropolitana"
    )
    valparaiso = MunicipalityFactory(
        name="Valparaíso", slug="valparaiso", chapter=chile, population=284_938, region="Valparaíso"
    )
    cordoba = MunicipalityFactory(
        name="Córdoba",
        slug="cordoba",
        chapter=argentina,
        country="AR",
        region="Córdoba",
        population=1_498_060,
    )
    mendoza = MunicipalityFactory(
        name="Mendoza",
        slug="mendoza",
        chapter=argentina,
        country="AR",
        region="Mendoza",
        population=None,
    )
    hidden = MunicipalityFactory(name="Propuesta", slug="propuesta", chapter=chile, is_listed=False)
    Membership.objects.create(
        municipality=maipu, chapter=chile, status="member", founding_member=True
    )
    Membership.objects.create(municipality=cordoba, chapter=argentina, status="member")
    Membership.objects.create(municipality=mendoza, chapter=argentina, status="suspended")
    return {
        "maipu": maipu,
        "valparaiso": valparaiso,
        "cordoba": cordoba,
        "mendoza": mendoza,
        "hidden": hidden,
    }


def test_search_ignores_case_and_accents(client, cities):
    assert names(client.get(reverse("directory"), {"q": "maipu"})) == ["Maipú"]
    assert names(client.get(reverse("directory"), {"q": "CORDOBA"})) == ["Córdoba"]
    assert names(client.get(reverse("directory"), {"q": "valparaíso"})) == ["Valparaíso"]


def test_search_finds_by_region(client, cities):
    assert names(client.get(reverse("directory"), {"q": "metropolitana"})) == ["Maipú"]


def test_unlisted_municipalities_are_not_in_the_directory(client, cities):
    response = client.get(reverse("directory"))
    assert "Propuesta" not in names(response)
    assert client.get(reverse("municipality_profile", args=["propuesta"])).status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "AR"}, ["Córdoba", "Mendoza"]),
        ({"chapter": "ciiar-argentina", "status": "member"}, ["Córdoba"]),
        ({"status": "suspended"}, ["Mendoza"]),
        ({"population": "xlarge"}, ["Córdoba", "Maipú"]),
        ({"population": "large"}, ["Valparaíso"]),
        ({"population": "unknown"}, ["Mendoza"]),
        ({"region": "Mendoza"}, ["Mendoza"]),
        ({"sort": "-population"}, ["Córdoba", "Maipú", "Valparaíso", "Mendoza"]),
    ],
)
def test_filters_and_sorting(client, cities, params, expected):
    assert names(client.get(reverse("directory"), params)) == expected


def test_programme_filter(client, cities):
    from municipalities.models import Programme

    programme = Programme.objects.create(name="Municipios a la vanguardIA", slug="vanguardia")
    cities["valparaiso"].programmes.add(programme)
    assert names(client.get(reverse("directory"), {"programme": "vanguardia"})) == ["Valparaíso"]


def test_unknown_filter_values_are_ignored_not_fatal(client, cities):
    response = client.get(reverse("directory"), {"country": "XX", "sort": "evil", "page": "abc"})
    assert response.status_code == 200
    assert len(names(response)) == 4


def test_htmx_request_gets_only_the_results(client, cities):
    response = client.get(
        reverse("directory"),
        {"q": "maipu"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="directory-results",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Maipú" in html and "Córdoba" not in html


def test_full_page_works_without_javascript_and_keeps_filters(client, cities):
    response = client.get(reverse("directory"), {"q": "maipu", "country": "CL"})
    html = response.content.decode()
    assert "<html" in html
    assert 'value="maipu"' in html
    assert 'hx-push-url="true"' in html


def test_pagination_keeps_the_filters(client, cities):
    chapter = cities["maipu"].chapter
    MunicipalityFactory.create_batch(30, chapter=chapter, region="Norte")
    response = client.get(reverse("directory"), {"region": "Norte"})
    assert response.context["page"].paginator.num_pages == 2
    assert "region=Norte&amp;page=2" in response.content.decode()
    second = client.get(reverse("directory"), {"region": "Norte", "page": 2})
    assert len(names(second)) == 6


def test_empty_result_says_so(client, cities):
    response = client.get(reverse("directory"), {"q": "atlantis"})
    assert response.context["page"].paginator.count == 0
    assert 'class="empty-state"' in response.content.decode()
