"""Two web processes and a worker behind one PostgreSQL, one Redis and one object store.

Each process is started as on a machine of its own: gunicorn on two ports (A and B) and a
Celery worker, with the same database (this test's), Redis and bucket, and a MEDIA_ROOT
each that nothing may use. An officer signs in on A and goes on with the same session on B;
the letter and report are uploaded through A, the application is submitted through B, the
worker renders the receipt and e-mails it, and A serves it. Staff sign in with two-factor
authentication on B, ask there for the dossier, the worker merges the uploaded PDFs read from
the bucket, and A serves it. Failed sign-ins on both processes count towards one limit.
"""

from __future__ import annotations

import io
import os
import re
import secrets

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import Destination

from calls import services
from calls.models import Application, Document
from coalition.models import QueuedTask
from tests.calls import pdfs
from tests.calls.helpers import complete_draft
from tests.coalition.test_worker import database_url, flushed_redis_db
from tests.factories import PASSWORD, ChapterStaffFactory, UserFactory, enable_totp, totp_code
from tests.scaling import processes
from tests.scaling.processes import wait_for

pytestmark = pytest.mark.services

# A Redis database of its own (broker and cache of the three processes), flushed before and
# after; SCALING_TEST_REDIS_DB chooses another one.
REDIS_DB = int(os.environ.get("SCALING_TEST_REDIS_DB", "14"))
TASK_TIMEOUT = 60


# The name visitors use: the proxy in front passes it to whichever process it picks.
HOST = "portal.example.org"


class Browser:
    """One visitor's cookies, used against any of the processes as through a proxy."""

    def __init__(self) -> None:
        self.session = requests.Session()
        self.session.trust_env = False  # straight to 127.0.0.1, whatever proxy is configured
        self.session.cookies.set("django_language", "en")
        self.session.headers["Host"] = HOST
        # No idle kept-alive connection holds a web process when the test stops it.
        self.session.headers["Connection"] = "close"

    def get(self, process, path: str) -> requests.Response:
        return self.session.get(process.url + path, timeout=60, allow_redirects=False)

    def post(self, process, path: str, data: dict, files: dict | None = None):
        if "csrftoken" not in self.session.cookies:
            self.get(process, reverse("account_login"))
        return self.session.post(
            process.url + path,
            data=data,
            files=files,
            headers={"X-CSRFToken": self.session.cookies["csrftoken"]},
            timeout=60,
            allow_redirects=False,
        )

    def sign_in(self, process, email: str, password: str = PASSWORD) -> requests.Response:
        return self.post(process, reverse("account_login"), {"login": email, "password": password})


def with_portable_password(user):
    """Tests hash passwords with MD5 for speed, which the portal's own settings refuse: give
    `user` a hash the started processes accept (PBKDF2, with few rounds for speed)."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def shared_redis(redis_url: str):
    with flushed_redis_db(redis_url, REDIS_DB) as url:
        yield url


@pytest.fixture
def portal(postgres, transactional_db, shared_redis, bucket, tmp_path):
    """Web processes A and B and a worker, all started at once; stopped after the test."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    common = {
        **os.environ,
        **bucket.environment(),
        "DJANGO_SETTINGS_MODULE": "coalition.settings",
        # Debug only so that cookies travel over plain HTTP; two-factor stays required.
        "DJANGO_DEBUG": "1",
        "REQUIRE_MFA_FOR_PRIVILEGED": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # the same on every machine
        "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": shared_redis,
        "CACHE_KEY_PREFIX": f"scaling-{os.getpid()}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }

    def env(name: str) -> dict[str, str]:
        return {**common, "MEDIA_ROOT": str(tmp_path / f"media-{name}")}

    started = [
        processes.web("web-a", processes.free_port(), env("a"), tmp_path),
        processes.web("web-b", processes.free_port(), env("b"), tmp_path),
        processes.celery_worker(env("worker"), tmp_path),
    ]
    a, b, worker = started
    try:
        for web in (a, b):
            wait_for(
                lambda web=web: processes.answers(web.url + reverse("healthz")),
                timeout=processes.START_TIMEOUT,
                what=f"{web.name} to answer",
                processes=started,
            )
        wait_for(
            lambda: " ready." in worker.log_path.read_text(errors="replace"),
            timeout=processes.START_TIMEOUT,
            what="the worker to be ready",
            processes=started,
        )
        yield a, b, worker, mail_dir, started
    finally:
        processes.stop_all(started)
    for name in ("a", "b", "worker"):
        media = tmp_path / f"media-{name}"
        assert not media.exists() or not any(p.is_file() for p in media.rglob("*")), name


def outline(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [item.title for item in reader.outline if isinstance(item, Destination)]


def succeeded(worker, task: str) -> bool:
    log = worker.log_path.read_text(errors="replace")
    return re.search(rf"Task {re.escape(task)}\[[0-9a-f-]+\] succeeded", log) is not None


def test_a_submission_goes_through_two_web_processes_and_a_worker(
    portal, bucket, call, municipality, officer, chapter
):
    a, b, worker, mail_dir, started = portal
    application = services.application_start(call=call, municipality=municipality, actor=officer)
    services.application_save_draft(
        application=application,
        actor=officer,
        version=application.version,
        data=complete_draft(application),
    )
    edit = reverse("application_edit", args=[application.pk])
    with_portable_password(officer)

    # Signed in on A, still signed in on B: the session is in the shared database.
    browser = Browser()
    assert browser.sign_in(a, officer.email).status_code == 302
    assert Browser().get(b, edit).status_code == 302  # a stranger is sent to sign in
    page = browser.get(b, edit)
    assert page.status_code == 200
    assert municipality.name in page.text

    # Both documents go through A; each is checked in a child process of A and stored.
    letter, report = pdfs.signed_pdf(), pdfs.pdf_with_pages(3)
    upload = reverse("application_upload", args=[application.pk])
    for kind, data, name in (("letter", letter, "carta.pdf"), ("report", report, "informe.pdf")):
        answer = browser.post(
            a, upload, {"kind": kind}, files={"file": (name, data, "application/pdf")}
        )
        assert answer.status_code == 302, answer.text[:2000]
    documents = {d.kind: d for d in Document.objects.filter(application=application)}
    assert set(documents) == {Document.Kind.LETTER, Document.Kind.REPORT}
    assert bucket.read(documents["letter"].file.name) == letter
    assert bucket.read(documents["report"].file.name) == report

    # Submitted through B; the worker renders the receipt and e-mails it.
    answer = browser.post(b, reverse("application_submit", args=[application.pk]), {})
    assert answer.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED

    def receipt_ready():
        application.refresh_from_db()
        return bool(application.receipt)

    wait_for(receipt_ready, timeout=TASK_TIMEOUT, what="the receipt", processes=started)
    # A serves what the worker stored.
    response = browser.get(a, reverse("receipt_download", args=[application.pk]))
    assert response.status_code == 200
    assert response.content == bucket.read(application.receipt.name)
    assert response.content.startswith(b"%PDF-")
    wait_for(
        lambda: f"To: {officer.email}" in "".join(p.read_text() for p in mail_dir.glob("*.log")),
        timeout=TASK_TIMEOUT,
        what="the receipt e-mail",
        processes=started,
    )
    page = browser.get(a, edit)
    assert application.content_hash in page.text

    # Staff sign in on B with their second factor and ask for the dossier there.
    staff = ChapterStaffFactory(chapter=chapter, user__email="second-staff@example.org").user
    secret = enable_totp(with_portable_password(staff))
    staff_browser = Browser()
    answer = staff_browser.sign_in(b, staff.email)
    assert answer.headers["Location"] == reverse("mfa_authenticate")
    answer = staff_browser.post(b, reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert answer.status_code == 302
    assert answer.headers["Location"] == reverse("dashboard")
    answer = staff_browser.post(
        b, reverse("staff_application", args=[application.pk]), {"action": "dossier"}
    )
    assert answer.status_code == 302

    def dossier_ready():
        application.refresh_from_db()
        return bool(application.dossier)

    wait_for(dossier_ready, timeout=TASK_TIMEOUT, what="the dossier", processes=started)
    response = staff_browser.get(a, reverse("dossier_download", args=[application.pk]))
    assert response.status_code == 200
    assert response.content == bucket.read(application.dossier.name)
    # The worker read both uploads from the bucket and merged them after the form.
    assert outline(response.content) == ["Formulario", "Carta de compromiso", "Informe descriptivo"]
    # The officer may not have it, whichever process they ask.
    assert browser.get(b, reverse("dossier_download", args=[application.pk])).status_code in (
        302,
        403,
        404,
    )
    # Both tasks ran in the worker (the log line follows the commit: wait for it).
    for task in ("calls.tasks.send_submission_receipt", "calls.tasks.render_dossier"):
        wait_for(
            lambda task=task: succeeded(worker, task),
            timeout=TASK_TIMEOUT,
            what=f"{task} to finish",
            processes=started,
        )
    assert not QueuedTask.objects.exists()  # every task was handed to the broker

    # allauth's limit of five failed sign-ins per account lives in Redis, not in a process.
    user = with_portable_password(UserFactory(email="target@example.org"))
    guesser = Browser()
    for process in (a, b, a, b, a):
        answer = guesser.sign_in(process, user.email, "wrong password")
        assert answer.status_code == 200
        assert "Too many failed login attempts" not in answer.text
    # Even the right password is refused now, on the other process too.
    answer = guesser.sign_in(b, user.email)
    assert answer.status_code == 200
    assert "Too many failed login attempts" in answer.text
