"""The directory and profiles are served from rendered fragments; a change shows at once."""

import pytest
from django.urls import reverse

from municipalities.models import Membership
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_profile_edit_shows_at_once_despite_the_cache(client, municipality, officer):
    url = reverse("municipality_profile", args=[municipality.slug])
    assert "Alcaldesa Nueva" not in client.get(url).content.decode()  # now cached
    client.force_login(officer)
    client.post(
        reverse("municipality_edit", args=[municipality.slug]),
        {"region": municipality.region, "mayor": "Alcaldesa Nueva"},
    )
    client.logout()
    assert "Alcaldesa Nueva" in client.get(url).content.decode()


def test_directory_shows_new_members_and_statuses_at_once(client, municipality):
    url = reverse("directory")
    assert "Ciudad Recién Llegada" not in client.get(url).content.decode()
    newcomer = MunicipalityFactory(name="Ciudad Recién Llegada", chapter=municipality.chapter)
    assert "Ciudad Recién Llegada" in client.get(url).content.decode()
    filtered = reverse("directory") + "?status=suspended"
    assert "Ciudad Recién Llegada" not in client.get(filtered).content.decode()
    Membership.objects.create(
        municipality=newcomer, chapter=municipality.chapter, status=Membership.Status.SUSPENDED
    )
    assert "Ciudad Recién Llegada" in client.get(filtered).content.decode()


def test_editors_do_not_get_the_public_fragment_and_vice_versa(client, municipality, officer):
    url = reverse("municipality_profile", args=[municipality.slug])
    edit_link = reverse("municipality_edit", args=[municipality.slug])
    assert edit_link not in client.get(url).content.decode()
    client.force_login(officer)
    assert edit_link in client.get(url).content.decode()
    client.logout()
    assert edit_link not in client.get(url).content.decode()
