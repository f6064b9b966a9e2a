"""The log lines of the events the team is asked about (see terrassa_plis/events.py)."""

import logging

from django.core import mail
from django_tasks import TaskResultStatus, task


class ReportMissing(Exception):
    pass


@task()
def failing_task(report_id: int) -> None:
    raise ReportMissing(report_id)


def test_a_failed_task_leaves_one_line_and_an_e_mail_to_the_admins(db, settings, caplog):
    settings.DEBUG = False
    settings.ADMINS = [("Equip PLIS", "plis-ops@terrassa.cat")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    with caplog.at_level(logging.INFO, logger="terrassa_plis"):
        result = failing_task.enqueue(42)

    assert result.status == TaskResultStatus.FAILED
    lines = [r for r in caplog.records if r.name == "terrassa_plis.tasks"]
    assert [(r.levelname, r.getMessage()) for r in lines] == [
        (
            "ERROR",
            f"Task failed: tests.terrassa_plis.test_events.failing_task (id {result.id}, "
            "args [42], kwargs {}) raised tests.terrassa_plis.test_events.ReportMissing.",
        )
    ]
    assert [message.to for message in mail.outbox] == [["plis-ops@terrassa.cat"]]
    assert "Task failed: tests.terrassa_plis.test_events.failing_task" in mail.outbox[0].subject
