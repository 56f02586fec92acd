"""A real Celery worker renders the coalition summary PDF and sends the e-mail.

The worker runs as a separate process (`celery -A coalition worker --pool=solo`), consumes
from the real Redis broker and writes to the same PostgreSQL test database as this test.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from coalition import services
from coalition.celery import app as celery_app
from coalition.models import GeneratedDocument
from tests.factories import ChapterFactory, UserFactory, enable_totp

pytestmark = pytest.mark.services

# A Redis database of its own, flushed before and after, so no stray message from another
# run reaches this worker and this test leaves nothing behind.
WORKER_REDIS_DB = 15
READY_TIMEOUT = 60
WORKER_STOP_TIMEOUT = 20


def database_url() -> str:
    """The URL of the database this test runs on: the test database, not the real one."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "localhost"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


def with_redis_db(url: str, number: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}"))


def reset_broker_connections() -> None:
    """Forget pooled broker connections so the next publish uses `conf.broker_url`."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, worker) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        if worker.process.poll() is not None:
            pytest.fail(
                f"the Celery worker exited ({worker.process.returncode}) while waiting for "
                f"{what}:\n{worker.log_tail()}"
            )
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout} s waiting for {what}:\n{worker.log_tail()}")


def spawn(command: list[str], env: dict[str, str], log_path: Path, **options) -> subprocess.Popen:
    """Start `command` in the project's directory, its output and errors in `log_path`."""
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            **options,
        )


def worker_command(name: str, pool: str = "solo") -> list[str]:
    """A Celery worker as an operator runs one: one task at a time, no gossip, mingle or
    heartbeat, named after `name` and this test process."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "coalition",
        "worker",
        f"--pool={pool}",
        "--concurrency=1",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        f"--hostname={name}-{os.getpid()}@%h",
    ]


class Worker:
    def __init__(self, process: subprocess.Popen, log_path: Path) -> None:
        self.process = process
        self.log_path = log_path

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no worker log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        # SIGTERM is Celery's warm shutdown: it finishes the task in hand, then exits.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=WORKER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def flushed_redis_db(redis_url: str, number: int) -> Iterator[str]:
    """The URL of Redis database `number`, emptied before and after."""
    url = with_redis_db(redis_url, number)
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def broker_url(redis_url: str) -> Iterator[str]:
    with flushed_redis_db(redis_url, WORKER_REDIS_DB) as url:
        yield url


@pytest.fixture
def real_broker(broker_url: str) -> Iterator[str]:
    """Tasks enqueued by this process go to Redis instead of running in process."""
    previous_url = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False  # restored by the autouse settings fixture
    celery_app.conf.broker_url = broker_url
    reset_broker_connections()
    yield broker_url
    reset_broker_connections()
    celery_app.conf.broker_url = previous_url


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def celery_worker_process(postgres, transactional_db, broker_url, mail_dir, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coalition.settings",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": broker_url,
        "CACHE_KEY_PREFIX": "coalition-worker-test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "worker.log"
    process = spawn(worker_command("test-worker"), env, log_path)
    worker = Worker(process, log_path)
    try:
        yield worker
    finally:
        worker.stop()


def test_worker_renders_summary_pdf_and_emails_the_requester(
    postgres, transactional_db, celery_worker_process, real_broker, mail_dir
):
    worker = celery_worker_process
    ChapterFactory(name="CIAR Chile", slug="ciar-chile", country="CL")
    ChapterFactory(
        name="CIIAR Argentina",
        slug="ciiar-argentina",
        country="AR",
        time_zone="America/Argentina/Buenos_Aires",
    )
    # A superuser's summary of every chapter (with two-factor, which the right needs).
    staff = UserFactory(language="en", email="staff@example.org", is_superuser=True)
    enable_totp(staff)

    document = services.coalition_summary_request(requested_by=staff, language="es", chapter=None)

    def ready():
        document.refresh_from_db()
        return document.status == GeneratedDocument.Status.READY

    wait_for(ready, timeout=READY_TIMEOUT, what="the summary PDF", worker=worker)

    path = Path(document.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    reader = PdfReader(path)
    assert len(reader.pages) == document.page_count >= 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "CIAR Chile" in text
    assert "CIIAR Argentina" in text
    assert "Buenos Aires" in text  # the chapter's zone by its readable name
    assert document.finished_at is not None

    # The worker queued the e-mail itself, then sent it: one file per message.
    messages = wait_for(
        lambda: sorted(mail_dir.glob("*.log")),
        timeout=READY_TIMEOUT,
        what="the e-mail",
        worker=worker,
    )
    mail = "\n".join(path.read_text() for path in messages)
    assert "To: staff@example.org" in mail
    # Rendered in the recipient's language, not the document's.
    assert "Subject: Your coalition summary is ready" in mail
    assert "/panel/staff/summary/" in mail

    # Both tasks ran in the worker, not in this process.
    log = worker.log_path.read_text(errors="replace")
    for task in ("render_coalition_summary", "send_user_email"):
        assert re.search(rf"Task coalition\.tasks\.{task}\[[0-9a-f-]+\] succeeded", log), log
