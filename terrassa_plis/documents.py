"""Documents made in the background: every PDF and large export, asked for by a click that
answers at once.

A domain app declares each kind of document beside its builder, in its own
`documents.py`:

    @document_kind("commitments.balance_pdf", may_read=may_read_internal, steps=2)
    def balance_pdf(params, progress) -> Export: ...

A view checks access and the filters, then calls `respond(request, kind, params, title=…)`:
the document is served at once when one with the same fingerprint is stored; otherwise
one row is created for it (two people asking at once share it: the fingerprint is unique)
and one task is enqueued, and the person is sent to its page, which shows the progress
and delivers the file when it is ready.

The fingerprint is what the document shows: its kind and parameters, the language, the
version of every app's data (`DataVersion`, raised by every change) and of the templates and
stylesheets. An unchanged document is never made twice; any edit makes the next one new.

This module knows no app's models: the builders do.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from terrassa_plis import events
from terrassa_plis.exports import Export
from terrassa_plis.isolation import run_isolated
from terrassa_plis.models import DataVersion, DocumentStatus, GeneratedDocument

# The apps whose data the documents show: a change to any of their models makes the next
# document new.
DATA_APPS = frozenset({"commitments", "service_charters", "governance", "publication"})
# What the look of a document depends on besides its data.
_LOOK_FOLDERS = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "static" / "css"]


@dataclass(frozen=True)
class DocumentKind:
    name: str
    build: Callable[[dict, "Progress"], Export]
    may_read: Callable[..., bool]
    steps: int


_KINDS: dict[str, DocumentKind] = {}


def document_kind(name: str, *, may_read: Callable[..., bool], steps: int = 1):
    """Register the decorated `build(params, progress) -> Export` as the kind `name`.

    `may_read(user)` decides who may open its page (the view that asks for it decides
    who may ask, with its own guard); `steps` is how many times `build` calls
    `progress.step()`, for the waiting page's «pas 2 de 3»."""

    def register(build):
        _KINDS[name] = DocumentKind(name, build, may_read, steps)
        return build

    return register


def data_changed(app_label: str | None = None) -> None:
    """Raise the data version of `app_label` (of every data app when None) once the
    change is committed: once per transaction however many rows it writes, and never
    for a change rolled back. Bulk writes, which send no model signal, call it
    themselves."""
    labels = {app_label} if app_label else set(DATA_APPS)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        DataVersion.bump(labels)
        return
    pending = next(
        (callback for _, callback, _ in connection.run_on_commit if isinstance(callback, _Bump)),
        None,
    )
    if pending is None:
        pending = _Bump()
        transaction.on_commit(pending)
    pending.app_labels |= labels


class _Bump:
    """The apps a transaction changed, raised together when it commits."""

    def __init__(self):
        self.app_labels: set[str] = set()

    def __call__(self) -> None:
        DataVersion.bump(self.app_labels)


def on_model_change(sender, **kwargs) -> None:
    """Receiver of post_save, post_delete and m2m_changed (see `TerrassaPlisConfig`)."""
    if sender._meta.app_label in DATA_APPS:
        data_changed(sender._meta.app_label)


@cache
def look_version() -> str:
    """A digest of the templates and stylesheets, read once per process: a new release
    that changes how a document looks makes new documents."""
    digest = hashlib.sha256()
    for folder in _LOOK_FOLDERS:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint(kind: str, params: dict, language: str, *, data: bool = True) -> str:
    """What makes `kind` with `params` in `language` what it is: with the version of
    every app's data unless `data` is False (a kept page checks its own apps')."""
    what = [kind, params, language, DataVersion.current() if data else None, look_version()]
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()


class Progress:
    """What the builder tells the waiting page: each step it starts, by name."""

    def __init__(self, document: GeneratedDocument, done: int = 0):
        self.document = document
        self.done = done

    def step(self, label: str) -> None:
        """Starting the next step, `label` («S'estan compaginant les pàgines»)."""
        GeneratedDocument.objects.filter(pk=self.document.pk).update(
            steps_done=self.done, step_label=str(label)[:200]
        )
        self.done += 1


def respond(request, kind: str, params: dict, *, title: str):
    """The document of `kind` with `params`: the stored file when it is ready, else a
    redirect to its page (created and enqueued if nobody asked for it yet)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    document, created = _find_or_create(kind, params, language, title, request.user)
    if created:
        _enqueue(document)
        document.refresh_from_db()
    if document.status == DocumentStatus.READY:
        return serve(document)
    return redirect(document)


def _find_or_create(kind, params, language, title, user) -> tuple[GeneratedDocument, bool]:
    key = fingerprint(kind, params, language)
    defaults = {
        "kind": kind,
        "params": params,
        "language": language,
        "title": str(title)[:300],
        "steps_total": _KINDS[kind].steps + 1,
        "requested_by": user if user.is_authenticated else None,
    }
    stored = GeneratedDocument.objects.filter(fingerprint=key).first()
    if stored is not None:
        return stored, False
    try:
        with transaction.atomic():
            return GeneratedDocument.objects.create(fingerprint=key, **defaults), True
    except IntegrityError:
        # Asked for at the same instant by someone else: theirs is the one.
        return GeneratedDocument.objects.get(fingerprint=key), False


def _enqueue(document: GeneratedDocument) -> None:
    make_document.enqueue(str(document.pk))


def serve(document: GeneratedDocument) -> FileResponse:
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )


def get_document_for_user(user, pk) -> GeneratedDocument:
    """The document `pk` (404 if absent), if `user` may read its kind (403 otherwise)."""
    document = get_object_or_404(GeneratedDocument, pk=pk)
    kind = _KINDS.get(document.kind)
    if kind is None or not kind.may_read(user):
        raise PermissionDenied
    return document


def _stalled_before():
    """Waiting or running since before this moment, the worker that had it died: no
    document may take three times its budget."""
    return timezone.now() - timedelta(seconds=3 * settings.DOCUMENT_TIME_BUDGET)


def may_retry(document: GeneratedDocument) -> bool:
    return document.status == DocumentStatus.FAILED or (
        not document.is_finished and document.requested_at < _stalled_before()
    )


def retry(document: GeneratedDocument) -> bool:
    """Queue a failed (or stalled) document again; False when it is under way or ready.
    One conditional UPDATE, so two clicks queue it once."""
    unfinished = [DocumentStatus.WAITING, DocumentStatus.RUNNING]
    queued = (
        GeneratedDocument.objects.filter(pk=document.pk)
        .filter(
            Q(status=DocumentStatus.FAILED)
            | Q(status__in=unfinished, requested_at__lt=_stalled_before())
        )
        .update(
            status=DocumentStatus.WAITING,
            error="",
            steps_done=0,
            step_label="",
            requested_at=timezone.now(),
            started_at=None,
            finished_at=None,
        )
    )
    if queued:
        _enqueue(document)
    return bool(queued)


class DocumentTooLong(Exception):
    pass


@task()
def make_document(document_id: str) -> str:
    """Make one document. Claimed with one conditional UPDATE, so that however many
    workers see the task, one makes the document and the others leave it."""
    claimed = GeneratedDocument.objects.filter(
        pk=document_id, status=DocumentStatus.WAITING
    ).update(status=DocumentStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return "taken"
    document = GeneratedDocument.objects.get(pk=document_id)
    budget = settings.DOCUMENT_TIME_BUDGET
    try:
        export = run_isolated(_build, document, budget=budget, expired=DocumentTooLong)
        Progress(document, done=document.steps_total - 1).step(_("S'està desant el document"))
        document.file.save(export.filename, ContentFile(export.content), save=False)
    except DocumentTooLong:
        events.tasks.error(
            "Document %s (%s) asked for by %s failed: it ran past its %s s budget.",
            document.pk,
            document.kind,
            events.actor(document.requested_by),
            budget,
        )
        return _fail(
            document,
            _(
                "La preparació ha superat el temps màxim (%(minutes)s minuts). Proveu amb "
                "una part del document (una prioritat o un objectiu, una àrea)."
            )
            % {"minutes": max(1, round(budget / 60))},
        )
    except Exception:
        events.tasks.exception(
            "Document %s (%s) asked for by %s failed.",
            document.pk,
            document.kind,
            events.actor(document.requested_by),
        )
        return _fail(
            document,
            _(
                "S'ha produït un error inesperat en preparar el document. Torneu-ho a "
                "provar; si torna a passar, aviseu l'administrador amb la referència %(id)s."
            )
            % {"id": document.pk},
        )
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.READY,
        file=document.file.name,
        filename=export.filename,
        content_type=export.content_type,
        steps_done=document.steps_total,
        step_label="",
        finished_at=timezone.now(),
    )
    return "ready"


def _build(document: GeneratedDocument) -> Export:
    """The document's file, in its language (in a worker's child process, see
    `terrassa_plis.isolation`)."""
    with translation.override(document.language):
        return _KINDS[document.kind].build(document.params, Progress(document))


def _fail(document: GeneratedDocument, message: str) -> str:
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.FAILED, error=message, finished_at=timezone.now()
    )
    return "failed"
