"""`/health/`, as a load balancer asks it: over plain HTTP, with no session."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from terrassa_plis import views


@pytest.fixture
def production_redirects(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.HEALTH_MAX_QUEUE_AGE = 900


def waiting_task(waited: timedelta) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="publication.tasks.publish_version",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() - waited,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waited)
    return task


def test_health_answers_plain_http_while_every_other_page_moves_to_https(
    db, client, production_redirects
):
    health = client.get("/health/")

    assert health.status_code == 200
    assert (health["Content-Type"], health.content) == ("text/plain; charset=utf-8", b"ok")
    home = client.get("/")
    assert home.status_code == 301
    assert home["Location"].startswith("https://")


def test_a_task_that_waited_a_little_is_fine(db, client, production_redirects):
    waiting_task(timedelta(minutes=5))

    assert client.get("/health/").status_code == 200


def test_a_task_waiting_longer_than_the_limit_makes_health_fail(db, client, production_redirects):
    waiting_task(timedelta(hours=2))

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.content.decode().startswith(
        "task queue stalled: the oldest waiting task has waited 72"
    )
    assert "(limit 900 s); is a db_worker running?" in response.content.decode()


def test_a_finished_task_however_old_is_no_queue(db, client, production_redirects):
    task = waiting_task(timedelta(hours=2))
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.SUCCESSFUL)

    assert client.get("/health/").status_code == 200


def test_a_database_that_does_not_answer_makes_health_fail(
    db, client, production_redirects, monkeypatch
):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", Unreachable())

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.content == b"database unreachable: OperationalError"
