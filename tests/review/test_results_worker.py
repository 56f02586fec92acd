"""A real Celery worker publishes due results (the beat task) and renders a committee export.

The worker is a separate process consuming from the real Redis broker and writing to the same
PostgreSQL test database (the machinery of `tests/coalition/test_worker.py`, on a Redis
database of its own). Skipped without PostgreSQL and Redis on a developer's machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from calls.models import Call
from calls.review import decisions, exports, publication
from calls.review.models import CommitteeExport, ResultsPublication
from calls.review.tasks_results import publish_due_results
from municipalities.models import Membership
from tests.coalition import test_worker as machinery
from tests.review.results_fixtures import set_rubric_levels, write_review

pytestmark = pytest.mark.services

# The worker, its broker wiring and its mail folder, as the coalition's worker test has them.
celery_worker_process = machinery.celery_worker_process
real_broker = machinery.real_broker
mail_dir = machinery.mail_dir
wait_for = machinery.wait_for
READY_TIMEOUT = machinery.READY_TIMEOUT

RESULTS_WORKER_REDIS_DB = 12  # not the coalition worker test's database: they may run at once


@pytest.fixture
def broker_url(redis_url: str) -> Iterator[str]:
    url = machinery.with_redis_db(redis_url, RESULTS_WORKER_REDIS_DB)
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def test_worker_publishes_due_results_once_and_renders_an_export(
    postgres,
    transactional_db,
    review_call,
    applications,
    far_official,
    officer,
    staff_user,
    second_staff_user,
    celery_worker_process,
    real_broker,
    mail_dir,
):
    worker = celery_worker_process
    set_rubric_levels(review_call)
    for application, outcome in zip(
        applications, ["selected", "waiting_list", "not_selected", "not_selected"], strict=True
    ):
        write_review(far_official, application, [4, 4, 4])
        decisions.decision_record(
            application=application, actor=staff_user, outcome=outcome, rationale="Rúbrica"
        )
    proposal = publication.publication_propose(call=review_call, actor=staff_user)
    publication.publication_approve(publication=proposal, actor=second_staff_user)
    # The announcement instant has just passed.
    now = timezone.now()
    Call.objects.filter(pk=review_call.pk).update(
        closes_at=now - timedelta(days=2), announces_at=now - timedelta(minutes=1)
    )

    publish_due_results.delay()
    publish_due_results.delay()  # a second tick

    def published():
        return ResultsPublication.objects.filter(pk=proposal.pk, status="published").exists()

    wait_for(published, timeout=READY_TIMEOUT, what="the publication", worker=worker)
    messages = wait_for(
        lambda: sorted(mail_dir.glob("*.log")), timeout=READY_TIMEOUT, what="e-mail", worker=worker
    )
    assert Membership.objects.get(municipality=applications[0].municipality).cohort_id == (
        review_call.pk
    )

    export = exports.export_request(
        call=review_call, actor=staff_user, kind="report_pdf", language="en"
    )

    def ready():
        export.refresh_from_db()
        return export.status == CommitteeExport.Status.READY

    wait_for(ready, timeout=READY_TIMEOUT, what="the committee report", worker=worker)
    with export.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"

    log = worker.log_path.read_text(errors="replace")
    ticks = re.findall(
        r"Task calls\.review\.tasks_results\.publish_due_results\[[0-9a-f-]+\] "
        r"succeeded in [0-9.e-]+s: (\d)",
        log,
    )
    assert sorted(ticks) == ["0", "1"], log  # two ticks, one publication
    mail = "\n".join(path.read_text() for path in messages)
    assert mail.count(f"To: {officer.email}") == 1
    assert "render_committee_export" in log
