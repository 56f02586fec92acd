"""Fixtures for the foundation tests: one user per role, with and without MFA."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from municipalities.models import Officer
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    CommitteeMemberFactory,
    OfficerFactory,
    UserFactory,
    enable_totp,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps its rate-limit counters in the cache, and the in-memory cache outlives
    a test: start each test with none, so one test's failed logins cannot lock out the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def chapter(db):
    return ChapterFactory(name="CIAR Chile", slug="ciar-chile")


@pytest.fixture
def other_chapter(db):
    return ChapterFactory(
        name="CIIAR Argentina",
        slug="ciiar-argentina",
        country="AR",
        time_zone="America/Argentina/Buenos_Aires",
    )


@pytest.fixture
def superuser(db):
    user = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    user.totp_secret = enable_totp(user)
    return user


@pytest.fixture
def staff_user(chapter):
    """Staff of `chapter`, with an authenticator whose secret is `user.totp_secret`."""
    user = ChapterStaffFactory(chapter=chapter, user__email="staff@example.org").user
    user.totp_secret = enable_totp(user)
    return user


@pytest.fixture
def other_staff_user(other_chapter):
    user = ChapterStaffFactory(chapter=other_chapter, user__email="staff-ar@example.org").user
    user.totp_secret = enable_totp(user)
    return user


@pytest.fixture
def committee_user(chapter):
    user = CommitteeMemberFactory(call__chapter=chapter, user__email="jury@example.org").user
    user.totp_secret = enable_totp(user)
    return user


@pytest.fixture
def officer_user(chapter):
    return OfficerFactory(municipality__chapter=chapter, user__email="officer@example.org").user


@pytest.fixture
def pending_officer_user(chapter):
    return OfficerFactory(
        municipality__chapter=chapter,
        user__email="pending@example.org",
        status=Officer.Status.PENDING,
    ).user


@pytest.fixture
def plain_user(db):
    return UserFactory(email="visitor@example.org")


ROLE_FIXTURES = {
    "superuser": "superuser",
    "staff": "staff_user",
    "committee": "committee_user",
    "officer": "officer_user",
    "pending_officer": "pending_officer_user",
    "plain": "plain_user",
}


@pytest.fixture
def role_user(request):
    """The user of a role named by indirect parametrisation; None for an anonymous visitor."""
    if request.param == "anonymous":
        return None
    return request.getfixturevalue(ROLE_FIXTURES[request.param])


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
