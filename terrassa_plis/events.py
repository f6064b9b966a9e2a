"""The log lines the team reads when asked «who did that, and when?».

One line per event, in English (they are for the people who run the app, not its
users), on a named logger per kind of event, so that each can be routed or silenced on
its own (settings.LOGGING): `terrassa_plis.publication`, `terrassa_plis.imports`,
`terrassa_plis.reminders`, `terrassa_plis.tasks` (failed background tasks, also
e-mailed to ADMINS).
"""

import getpass
import logging

from django_tasks import TaskResultStatus

publication = logging.getLogger("terrassa_plis.publication")
imports = logging.getLogger("terrassa_plis.imports")
reminders = logging.getLogger("terrassa_plis.reminders")
tasks = logging.getLogger("terrassa_plis.tasks")


def actor(user) -> str:
    """Who acted: the user's name, or, with no user (a command run by cron or by hand),
    the system account that ran it."""
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user {user.get_username()!r} (id {user.pk})"
    try:
        return f"command run by system user {getpass.getuser()!r}"
    except (KeyError, OSError):
        return "command run by an unknown system user"


def on_task_finished(sender, task_result, **kwargs) -> None:
    """`django_tasks.signals.task_finished`: one line for every task that failed."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    error = task_result.errors[-1].exception_class_path if task_result.errors else "unknown"
    tasks.error(
        "Task failed: %s (id %s, args %r, kwargs %r) raised %s.",
        task_result.task.module_path,
        task_result.id,
        task_result.args,
        task_result.kwargs,
        error,
    )


def log_import(what: str, *, file_name: str, acting_user, report) -> None:
    """One line for a saved import; `report` counts its rows (created, updated, unchanged)."""
    imports.info(
        "Imported %s from %r by %s: %s new, %s updated, %s unchanged.",
        what,
        file_name,
        actor(acting_user),
        report.created,
        report.updated,
        report.unchanged,
    )
