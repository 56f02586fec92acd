"""Templates compare the user's areas with `AREA.STAFF` and the like: a person with several
roles sees a link to each of their areas, and each role's own links show."""

import pytest
from django.urls import reverse

from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def test_a_person_with_two_roles_sees_both_areas(client, staff_user, chapter):
    OfficerFactory(user=staff_user, municipality__chapter=chapter)
    client.force_login(staff_user)
    page = client.get(reverse("staff_dashboard")).content.decode()
    assert f'href="{reverse("staff_dashboard")}" aria-current="page"' in page
    assert f'href="{reverse("officer_dashboard")}"' in page


def test_an_officer_is_offered_to_register_a_project(client, officer_user):
    client.force_login(officer_user)
    page = client.get(reverse("project_directory")).content.decode()
    assert reverse("project_create") in page
    client.logout()
    assert (
        reverse("project_create") not in client.get(reverse("project_directory")).content.decode()
    )
