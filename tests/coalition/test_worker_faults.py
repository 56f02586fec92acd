"""Real Celery workers meet faults: one is killed with SIGKILL while it holds a task, and the
mail server is down when an e-mail is due.

Workers are separate processes (`celery -A coalition worker --pool=solo`) on the real Redis
broker and the PostgreSQL test database, configured only through environment variables, as in
production. Tasks are acknowledged late, so a message whose worker dies is still in Redis, and
Redis gives it to another worker once its visibility timeout has passed.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from calls import services as call_services
from calls import tasks as call_tasks
from coalition.emails import send_email_to_user
from coalition.models import QueuedTask
from tests.calls.helpers import fill_in, make_call
from tests.coalition.test_worker import (
    Worker,
    database_url,
    reset_broker_connections,
    spawn,
    wait_for,
    with_redis_db,
    worker_command,
)
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    MunicipalityFactory,
    OfficerFactory,
    UserFactory,
)

pytestmark = pytest.mark.services

# Redis database of these tests, flushed before and after.
FAULTS_REDIS_DB = 5
VISIBILITY_TIMEOUT = 4
TIMEOUT = 90


def forget_connections() -> None:
    """Drop Celery's and kombu's pooled connections (kombu keys its producer pools by broker
    URL, so the next test on the same URL would get one bound to a closed pool)."""
    reset_broker_connections()
    kombu.pools.reset()


@pytest.fixture
def broker(redis_url: str) -> Iterator[str]:
    """A Redis database of its own; tasks enqueued by this process go there."""
    from coalition.celery import app as celery_app

    url = with_redis_db(redis_url, FAULTS_REDIS_DB)
    client = redis.Redis.from_url(url)
    client.flushdb()
    previous_url = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False  # restored by the autouse settings fixture
    celery_app.conf.broker_url = url
    forget_connections()
    yield url
    forget_connections()
    celery_app.conf.broker_url = previous_url
    client.flushdb()
    client.close()


@pytest.fixture
def start_worker(postgres, transactional_db, broker, tmp_path) -> Iterator:
    """`start_worker(name, **environment)`: a worker process; all are stopped at the end."""
    workers: list[Worker] = []

    def start(name: str, pool: str = "solo", **environment: str) -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "coalition.settings",
            "DATABASE_URL": database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": broker,
            "CACHE_KEY_PREFIX": "coalition-worker-faults",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
            "PYTHONUNBUFFERED": "1",
            **environment,
        }
        log_path = tmp_path / f"{name}.log"
        # Its own process group, so that a test can kill the pool's children with it.
        process = spawn(worker_command(name, pool), env, log_path, start_new_session=True)
        workers.append(Worker(process, log_path))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


def log_of(worker: Worker) -> str:
    return worker.log_path.read_text(errors="replace")


def wait_for_log(worker: Worker, pattern: str) -> None:
    wait_for(
        lambda: re.search(pattern, log_of(worker)),
        timeout=TIMEOUT,
        what=f"/{pattern}/ in the worker's log",
        worker=worker,
    )


@pytest.fixture
def application(transactional_db):
    chapter = ChapterFactory(name="CIAR Chile", slug="ciar-chile", country="CL")
    staff = ChapterStaffFactory(chapter=chapter).user
    now = timezone.now()
    call = make_call(
        chapter,
        staff,
        slug="convocatoria-worker",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
    )
    municipality = MunicipalityFactory(chapter=chapter, name="Peñalolén", slug="penalolen")
    officer = OfficerFactory(municipality=municipality).user
    application = call_services.application_start(
        call=call, municipality=municipality, actor=officer
    )
    return fill_in(application, officer)


def test_a_worker_killed_mid_task_leaves_the_dossier_to_another(application, start_worker):
    # The first worker holds every task for a minute once it has started it.
    first = start_worker("first", TASK_START_DELAY_SECONDS="60")
    call_tasks.render_dossier.delay(application.pk)
    wait_for_log(first, r"calls\.tasks\.render_dossier\[[0-9a-f-]+\] started in process")

    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    assert first.process.returncode == -signal.SIGKILL
    application.refresh_from_db()
    assert not application.dossier

    # Redis hands the unacknowledged message to the next worker once its visibility timeout
    # has passed (a worker restores such messages when it starts).
    time.sleep(VISIBILITY_TIMEOUT + 1)
    second = start_worker("second")

    def rendered():
        application.refresh_from_db()
        return bool(application.dossier)

    wait_for(rendered, timeout=TIMEOUT, what="the dossier", worker=second)
    wait_for_log(second, r"Task calls\.tasks\.render_dossier\[[0-9a-f-]+\] succeeded")
    time.sleep(1)  # a duplicate, if any, would run now

    # The dossier exists once: one file, one successful run, nothing left in the broker.
    dossiers = sorted(Path(settings.MEDIA_ROOT).glob("dossiers/**/*.pdf"))
    assert [p.name for p in dossiers] == [Path(application.dossier.name).name]
    assert len(PdfReader(dossiers[0]).pages) >= 1
    assert len(re.findall(r"render_dossier\[[0-9a-f-]+\] succeeded", log_of(second))) == 1
    client = redis.Redis.from_url(with_redis_db(os.environ["REDIS_URL"], FAULTS_REDIS_DB))
    assert client.llen("celery") == 0
    assert client.hlen("unacked") == 0


def test_a_pool_process_killed_mid_task_hands_its_message_back(application, start_worker):
    """With a process pool, the worker survives the loss of the child running the task. Acked
    late and rejected when the worker is lost, the message goes back to the queue, instead of
    being acknowledged as failed and lost."""
    first = start_worker("pool", pool="prefork", TASK_START_DELAY_SECONDS="60")
    call_tasks.render_dossier.delay(application.pk)
    started = r"calls\.tasks\.render_dossier\[[0-9a-f-]+\] started in process (\d+)"
    wait_for_log(first, started)
    child = int(re.search(started, log_of(first)).group(1))
    assert child != first.process.pid

    os.kill(child, signal.SIGKILL)
    wait_for_log(first, r"WorkerLostError")
    # The message was handed back: a new pool process takes it (and holds it) again.
    wait_for(
        lambda: len(re.findall(started, log_of(first))) == 2,
        timeout=TIMEOUT,
        what="the task taken again",
        worker=first,
    )
    # Now the whole worker dies; the next worker finishes the dossier, once.
    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait(timeout=10)
    time.sleep(VISIBILITY_TIMEOUT + 1)
    second = start_worker("after-pool")

    def rendered():
        application.refresh_from_db()
        return bool(application.dossier)

    wait_for(rendered, timeout=TIMEOUT, what="the dossier", worker=second)
    time.sleep(1)
    dossiers = sorted(Path(settings.MEDIA_ROOT).glob("dossiers/**/*.pdf"))
    assert [p.name for p in dossiers] == [Path(application.dossier.name).name]
    assert len(re.findall(r"render_dossier\[[0-9a-f-]+\] succeeded", log_of(second))) == 1


# --- The mail server is down, then back ------------------------------------------------------


class SMTPSink(socketserver.ThreadingTCPServer):
    """The least SMTP server that takes a message: enough for Django's SMTP backend."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int) -> None:
        self.messages: list[str] = []
        # False: a broken relay that accepts the connection and hangs up at once.
        self.accepting = False
        super().__init__(("127.0.0.1", port), SMTPSession)


class SMTPSession(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        if not self.server.accepting:
            return
        self.reply("220 sink")
        data: list[str] | None = None
        for raw in self.rfile:
            line = raw.decode(errors="replace").rstrip("\r\n")
            if data is not None:
                if line == ".":
                    self.server.messages.append("\n".join(data))
                    data = None
                    self.reply("250 queued")
                else:
                    data.append(line[1:] if line.startswith("..") else line)
                continue
            command = line[:4].upper()
            if command == "DATA":
                data = []
                self.reply("354 end with .")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_e_mail_waits_for_the_mail_server_and_goes_out_when_it_is_back(start_worker):
    port = free_port()  # nothing listens here yet
    worker = start_worker(
        "mail",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_RETRY_WAIT_SECONDS="1",
    )
    user = UserFactory(email="vecina@example.org", language="en")
    send_email_to_user(
        user=user,
        template="officer_approved",
        context={"municipality": "Peñalolén", "slug": "penalolen"},
    )
    assert not QueuedTask.objects.exists(), "the broker took the task"

    retry = r"send_user_email\[[0-9a-f-]+\] retry: Retry in \d+s"
    wait_for_log(worker, retry + r": ConnectionRefusedError")

    # Then a server that hangs up (SMTPServerDisconnected): retried too.
    sink = SMTPSink(port)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    try:
        wait_for_log(worker, retry + r": SMTPServerDisconnected")
        sink.accepting = True
        wait_for(lambda: sink.messages, timeout=TIMEOUT, what="the e-mail", worker=worker)
    finally:
        sink.shutdown()
        sink.server_close()
    message = sink.messages[0]
    assert "To: vecina@example.org" in message
    assert "You now represent Peñalolén" in message or "Subject:" in message
    wait_for_log(worker, r"send_user_email\[[0-9a-f-]+\] succeeded")
