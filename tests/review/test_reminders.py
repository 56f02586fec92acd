"""Review reminders: 3 and 1 days before the review deadline, only while reviews are
unfinished, each exactly once however often beat ticks; in the member's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from calls.review import assignment as assigning
from calls.review import conflicts, reviews
from calls.review.models import ReviewReminderSent
from calls.review.tasks import send_review_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def deadline(review_call):
    review_call.review_deadline = timezone.now() + timedelta(days=10)
    review_call.save()
    return review_call.review_deadline


def tick(clock, django_capture_on_commit_callbacks, times: int = 1) -> int:
    sent = 0
    for _ in range(times):
        with django_capture_on_commit_callbacks(execute=True):
            sent += send_review_reminders.delay().get()
    return sent


def test_reminders_three_and_one_days_before_each_once(
    clock,
    deadline,
    expert,
    second_expert,
    application,
    staff_user,
    review_call,
    django_capture_on_commit_callbacks,
):
    second_expert.user.language = "es"
    second_expert.user.save()
    assigning.assign(member=expert, application=application, actor=staff_user)
    assigning.assign(member=second_expert, application=application, actor=staff_user)
    mail.outbox.clear()
    clock.set(deadline - timedelta(days=5))
    assert tick(clock, django_capture_on_commit_callbacks) == 0
    clock.set(deadline - timedelta(days=3, hours=-1))
    assert tick(clock, django_capture_on_commit_callbacks, times=3) == 2
    assert len(mail.outbox) == 2
    english = next(m for m in mail.outbox if m.to == [expert.user.email])
    assert "due in 2 days" in english.subject
    clock.set(deadline - timedelta(hours=20))
    assert tick(clock, django_capture_on_commit_callbacks, times=2) == 2
    assert ReviewReminderSent.objects.count() == 4
    assert len(mail.outbox) == 4
    clock.set(deadline + timedelta(hours=1))
    assert tick(clock, django_capture_on_commit_callbacks) == 0


def test_no_reminder_once_reviews_are_submitted(
    clock,
    deadline,
    expert,
    application,
    staff_user,
    review_call,
    django_capture_on_commit_callbacks,
):
    assignment = assigning.assign(member=expert, application=application, actor=staff_user)
    conflicts.declare(member=expert, application=application, actor=expert.user, has_conflict=False)
    data = {
        "scores": {c.pk: {"level": c.levels.all()[0].pk} for c in reviews.rubric(review_call.pk)}
    }
    reviews.review_submit(assignment=assignment, actor=expert.user, version=0, data=data)
    clock.set(deadline - timedelta(days=2))
    assert tick(clock, django_capture_on_commit_callbacks) == 0
    assert not ReviewReminderSent.objects.exists()


def test_late_start_sends_only_the_closest_step(
    clock, deadline, expert, application, staff_user, django_capture_on_commit_callbacks
):
    assigning.assign(member=expert, application=application, actor=staff_user)
    clock.set(deadline - timedelta(hours=12))
    assert tick(clock, django_capture_on_commit_callbacks, times=2) == 1
    assert list(ReviewReminderSent.objects.values_list("days_before", flat=True)) == [1]
