"""Shared test set-up.

Tests run on PostgreSQL when DATABASE_URL is set, on SQLite otherwise. Integration tests that
need a real service (PostgreSQL, Redis, a Celery worker, Chromium) skip on a developer's
machine that lacks it, but fail in CI (CI=true) or with REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.utils import translation

from coalition.celery import app as celery_app

REQUIRE_SERVICES = (
    os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_SERVICES") == "1"
)
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def missing_service(reason: str) -> None:
    """Fail in CI, skip elsewhere."""
    if REQUIRE_SERVICES:
        pytest.fail(f"Required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_sessionstart(session) -> None:
    if REQUIRE_SERVICES and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        raise pytest.UsageError("CI must run the tests on PostgreSQL: set DATABASE_URL.")


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    """Each test gets private media in a temporary folder, in-memory cache and e-mail, and
    Celery tasks run eagerly in process (the worker tests switch that off)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REQUIRE_MFA_FOR_PRIVILEGED = True
    # Hashing passwords properly is slow by design; tests need it fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    # The in-memory cache outlives a settings swap: clear it so that rate-limit counters and
    # used TOTP codes do not leak from one test into the next.
    from django.core.cache import cache

    cache.clear()
    # A request or override that leaves a language active must not decide the language of
    # the next test: every test starts in the portal's default language.
    translation.activate(settings.LANGUAGE_CODE)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english_interface(monkeypatch):
    """Tests that read the interface in English, its source language. The portal chooses the
    language from the user's preference or the visitor's cookie (never Accept-Language), which
    tests/coalition/test_language.py covers; with this fixture every request speaks English."""
    monkeypatch.setattr("coalition.middleware.language_for", lambda request: "en")
    translation.activate("en")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        missing_service("REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        missing_service(f"Redis at {url} does not answer: {error}")
    return url


@pytest.fixture
def postgres() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing_service("this test needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.path.exists(CHROMIUM):
        missing_service(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM
