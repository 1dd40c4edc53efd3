"""The background jobs the app runs (README, "Background jobs"): each a name, the service
function that does the work, and for periodic ones when it repeats. Services ask for a job by
name (``jobs.enqueue_after_commit("mail.deliver")``); the worker runs it in the app.

This module sits above the services (beside the views): it may import any of them, and none
imports it.
"""

from __future__ import annotations

from huey import crontab

from forum.services import mail
from forum.services.events import booking, reminders
from forum.services.forums import watching
from forum.services.jobs import Job
from forum.services.notifications import mailing
from forum.services.privacy import erasure, export_files, retention
from forum.services.safety import alerts


def declared() -> list[Job]:
    return [
        Job("mail.deliver", mail.deliver_due),
        Job("mail.sweep", mail.deliver_due, every=crontab(minute="*/5")),
        Job("notifications.mail", mailing.send_instant),
        # A new post's watchers, told outside the request (one INSERT … SELECT, retried safely).
        Job(watching.FAN_OUT_JOB, watching.notify_watchers),
        # Daily at 07:00 UTC; weekly digests go on the first run of an ISO week (Monday).
        Job("notifications.digests", mailing.send_digests, every=crontab(hour="7", minute="0")),
        # Gatherings: reminders a day and an hour before (each sent once), and access answers
        # deleted the set number of days after their event.
        Job("events.reminders", reminders.send_due, every=crontab(minute="*/5")),
        Job(
            "events.purge_access_answers",
            booking.purge_access_answers,
            every=crontab(hour="3", minute="17"),
        ),
        # Privacy: erasures whose cooling-off has passed, and what the network keeps no longer.
        Job("privacy.erase_due", erasure.erase_due, every=crontab(minute="7")),
        Job("privacy.retention", retention.clean_up, every=crontab(hour="3", minute="27")),
        # A large export: made and mailed as a link; files past their days deleted hourly.
        Job("privacy.export", export_files.build_and_mail),
        Job("privacy.export_expire", export_files.expire, every=crontab(minute="37")),
        # Moderators told in time: of a safety alert or an urgent report as soon as it is
        # written (queued after its commit), and a sweep for anything left waiting.
        Job("safety.alerts", alerts.tell_moderators),
        Job("safety.alerts_sweep", alerts.tell_moderators, every=crontab(minute="*/2")),
        Job("safety.urgent_case", alerts.tell_of_case),
        # ... and of a new application, a post held for approval, a member reported often.
        Job("safety.application", alerts.tell_of_application),
        Job("safety.held_post", alerts.tell_of_held_post),
        Job("safety.reports_of", alerts.tell_of_reports),
    ]
