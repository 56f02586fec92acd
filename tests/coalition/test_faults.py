"""Faults of the services around the portal: no mail server, Redis down, a proxy in front.

The settings under test are the portal's own, computed from the environment a deployment sets
(`production_settings`), not values typed into the test. Ports where nothing listens stand for
the servers that are down.
"""

from __future__ import annotations

import runpy
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from calls.models import Application
from coalition import outbox
from coalition.celery import app as celery_app
from coalition.models import QueuedTask
from municipalities.models import Municipality
from tests.calls.helpers import fill_in, make_call
from tests.coalition.test_worker_faults import forget_connections
from tests.factories import (
    PASSWORD,
    ChapterStaffFactory,
    MunicipalityFactory,
    OfficerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local TCP port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_settings(monkeypatch, **environment: str) -> dict:
    """The settings module evaluated under `environment` (as a deployment would set it)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    path = Path(django_settings.BASE_DIR) / "coalition" / "settings.py"
    return runpy.run_path(str(path))


@pytest.fixture
def submittable(chapter):
    """A complete application of an open call, and a client signed in as its officer."""
    staff = ChapterStaffFactory(chapter=chapter).user
    now = timezone.now()
    call = make_call(
        chapter,
        staff,
        slug="convocatoria-faults",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
    )
    municipality = MunicipalityFactory(chapter=chapter, name="Peñalolén", slug="penalolen")
    officer = OfficerFactory(
        municipality=municipality, user__email="officer@penalolen.example.org"
    ).user
    from calls import services

    application = services.application_start(call=call, municipality=municipality, actor=officer)
    application = fill_in(application, officer)
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    return application, client


def submit(client: Client, application: Application):
    return client.post(reverse("application_submit", args=[application.pk]))


# --- No mail server --------------------------------------------------------------------------


def test_no_mail_server_submission_is_recorded_and_mailed_once_it_is_back(
    settings, monkeypatch, submittable, django_capture_on_commit_callbacks
):
    application, client = submittable
    production = production_settings(
        monkeypatch,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 50,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(closed_port()),
    )
    for name in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_TIMEOUT"):
        setattr(settings, name, production[name])
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, application)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.receipt, "the receipt does not need the mail server"
    assert mail.outbox == []
    waiting = list(QueuedTask.objects.all())
    assert [row.task for row in waiting] == ["coalition.tasks.send_user_email"]
    assert "ConnectionRefusedError" in waiting[0].last_error

    # The mail server is back: the periodic sweep sends what waited.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.dispatch_due(older_than=timedelta(0)) == 1
    assert [m.to for m in mail.outbox] == [["officer@penalolen.example.org"]]
    assert application.receipt.name.split("/")[-1] in [a[0] for a in mail.outbox[0].attachments]
    assert not QueuedTask.objects.exists()


# --- Redis down ------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The portal configured with a REDIS_URL where nothing answers: cache and broker."""
    url = f"redis://127.0.0.1:{closed_port()}/5"
    production = production_settings(monkeypatch, REDIS_URL=url)
    settings.CACHES = production["CACHES"]
    previous = celery_app.conf.broker_url, celery_app.conf.task_publish_retry_policy
    celery_app.conf.task_always_eager = False  # restored by the autouse settings fixture
    celery_app.conf.broker_url = production["CELERY_BROKER_URL"]
    celery_app.conf.task_publish_retry_policy = production["CELERY_TASK_PUBLISH_RETRY_POLICY"]
    forget_connections()
    yield url
    celery_app.conf.broker_url, celery_app.conf.task_publish_retry_policy = previous
    forget_connections()


def test_redis_down_pages_render_and_sign_in_works(redis_down, chapter):
    municipality = MunicipalityFactory(chapter=chapter, name="Renca", slug="renca")
    user = UserFactory(email="vecina@example.org")
    client = Client(raise_request_exception=False)
    pages = [
        reverse("home"),
        reverse("directory"),
        reverse("municipality_profile", args=[municipality.slug]),
        reverse("call_list"),
        reverse("account_login"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    # Sign-in consults allauth's rate limits, kept in the cache: they fail open.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code in (200, 302)
    assert Municipality.objects.filter(slug="renca").exists()


def test_redis_down_submission_is_recorded_and_the_receipt_follows(
    redis_down, submittable, django_capture_on_commit_callbacks
):
    application, client = submittable

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, application)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not application.receipt
    assert [row.task for row in QueuedTask.objects.all()] == ["calls.tasks.send_submission_receipt"]

    # Redis is back (here: tasks run in process again); the sweep sends the receipt task.
    celery_app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.dispatch_due(older_than=timedelta(0)) == 1
    application.refresh_from_db()
    assert application.receipt
    assert [m.to for m in mail.outbox] == [["officer@penalolen.example.org"]]
    assert not QueuedTask.objects.exists()


# --- Behind the TLS proxy --------------------------------------------------------------------

LIMITED = "Too many failed login attempts"


def failed_login(client: Client, email: str) -> str:
    """Post a wrong password; return the form's errors (English)."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("account_login"), {"login": email, "password": "wrong"})
    assert response.status_code == 200
    return str(response.context["form"].errors)


def test_login_rate_limits_key_on_the_client_behind_the_proxy(settings, monkeypatch):
    production = production_settings(monkeypatch, TRUSTED_PROXY_COUNT="1")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = production["ALLAUTH_TRUSTED_PROXY_COUNT"]
    proxy = "10.0.0.2"  # every request reaches the portal from the proxy's address
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    neighbour = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")

    # ACCOUNT_RATE_LIMITS allows 10 failed logins a minute per client address.
    errors = [failed_login(attacker, f"guess{i}@example.org") for i in range(11)]
    assert LIMITED not in errors[0]
    assert LIMITED in errors[-1]

    assert LIMITED not in failed_login(neighbour, "someone@example.org")


def test_without_a_trusted_proxy_the_forwarded_address_is_ignored(settings, monkeypatch):
    """X-Forwarded-For is anyone's to forge: by default it cannot buy fresh attempts."""
    production = production_settings(monkeypatch)
    assert production["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    errors = [
        failed_login(Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"), f"guess{i}@example.org")
        for i in range(11)
    ]
    assert LIMITED in errors[-1]


# --- Configuration that the fault handling relies on -----------------------------------------


def test_celery_is_configured_to_lose_nothing(monkeypatch):
    production = production_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")
    sweep = production["CELERY_BEAT_SCHEDULE"]["dispatch-queued-tasks"]
    assert sweep["task"] in celery_app.tasks
    assert sweep["schedule"] <= 60
    assert production["CELERY_TASK_ACKS_LATE"] is True
    assert production["CELERY_TASK_REJECT_ON_WORKER_LOST"] is True
    # A message waiting for an e-mail retry must not be handed to a second worker meanwhile.
    from coalition.tasks import MAIL_LONGEST_WAIT

    visibility = production["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    assert visibility > MAIL_LONGEST_WAIT
    assert production["CACHES"]["default"]["BACKEND"] == "coalition.cache.FailSoftRedisCache"


def test_the_fail_soft_cache_is_a_plain_cache_while_redis_answers(redis_url):
    from coalition.cache import FailSoftRedisCache

    cache = FailSoftRedisCache(redis_url, {"KEY_PREFIX": f"faults-{closed_port()}"})
    cache.set("greeting", "hola", 30)
    assert cache.get("greeting") == "hola"
    assert cache.add("greeting", "chao") is False
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.delete("greeting")
    assert cache.get("greeting", "gone") == "gone"


def test_the_fail_soft_cache_misses_while_redis_is_down():
    from coalition.cache import FailSoftRedisCache

    cache = FailSoftRedisCache(f"redis://127.0.0.1:{closed_port()}/5", {})
    cache.set("greeting", "hola", 30)
    assert cache.get("greeting", "miss") == "miss"
    assert cache.get_many(["greeting"]) == {}
    assert cache.add("lock", True) is True  # as if taken: nobody waits for a lock
    with pytest.raises(ValueError):
        cache.incr("counter")
