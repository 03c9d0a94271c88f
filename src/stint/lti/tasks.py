"""Background work for LTI: each task takes ids, is idempotent and wraps one service call."""

from __future__ import annotations

from django_tasks import task

from stint.core.tasks import enqueue_on_commit


@task()
def grade_send(course_id: int, engagement_id: int) -> bool:
    """Send one engagement's score to one course (nothing if it is unchanged)."""
    from stint.lti.services import grade_send as send

    return send(course_id=course_id, engagement_id=engagement_id) is not None


@task()
def grades_send_for(engagement_id: int) -> int:
    """At once, when an engagement is paid or reviewed: its score to every course
    that grades it (the sweep below stays the safety net, e.g. for a review's
    double-blind reveal, which happens later without an event)."""
    from stint.lti.services import grade_send as send
    from stint.lti.services import grades_due

    due = grades_due(engagement_id=engagement_id)
    for course_id, engagement_pk in due:
        send(course_id=course_id, engagement_id=engagement_pk)
    return len(due)


@task()
def grades_send_due() -> int:
    """The sweep (ops schedule): every paid engagement in a linked course whose
    score was never sent, or changed since (a re-review), gets a `grade_send`."""
    from stint.lti.services import grades_due

    due = grades_due()
    for course_id, engagement_id in due:
        enqueue_on_commit(grade_send, course_id, engagement_id)
    return len(due)


@task()
def launch_values_prune() -> int:
    """Expired OIDC state and nonces (a launch deletes the nonce it uses; abandoned
    logins leave theirs behind)."""
    from django.utils import timezone

    from stint.lti.models import LaunchValue

    deleted, _ = LaunchValue.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
