"""Optimistic locking, one way for every form that edits what someone else may edit.

A record that two people may edit at once carries a `version`. The form keeps the
version it was opened with (a hidden `base_version`); the operation claims that version
in one conditional UPDATE, so of two saves started from the same version exactly one
matches, and the other gets `EditConflict`: nothing of it is saved, the page says who
saved what and when, keeps what was typed, and carries the version just shown so the
next «Desa» overwrites it on purpose.

Plain helpers that know no app's models: the operation says which rows and who saved them.
"""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from terrassa_plis import formatting


class EditedRecord(models.Model):
    """A record several people edit in forms: its `version`, which a save claims, and who
    saved it last and when, which a refused second save is told (`last_saved`)."""

    version = models.PositiveIntegerField(gettext_lazy("versió"), default=1, editable=False)
    updated_at = models.DateTimeField(gettext_lazy("actualitzat el"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("actualitzat per"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


# The answer to a save refused because the record changed: the request conflicts with
# the resource's current state.
CONFLICT_STATUS = 409
# The version of a record the page did not show (none existed, or the page carried no
# version): versions start at 1, so a save naming it claims nothing and is refused.
UNSEEN = 0


def claim_version(queryset: QuerySet, base_version: int) -> bool:
    """Move the version of the row in `queryset` from `base_version` to the next one.

    One conditional UPDATE: the database applies two concurrent ones one after the
    other, and the second no longer finds `base_version`. True if this save claimed it.
    """
    return bool(queryset.filter(version=base_version).update(version=F("version") + 1))


@dataclass(frozen=True)
class Saver:
    """Who saved a record last and when, as a page writes them."""

    name: str
    day: str
    time: str

    @classmethod
    def of(cls, user, when: datetime | None) -> "Saver":
        return cls(
            name=formatting.person_name(user) if user is not None else "",
            day=formatting.day(when) if when is not None else "",
            time=formatting.clock(when) if when is not None else "",
        )


def last_saved(record, fields: tuple[str, ...] = ()) -> Saver:
    """Who saved `record` last and when: its `updated_by`/`updated_at` when it keeps
    them, otherwise its newest django-simple-history record; with `fields`, the newest
    one that changed one of them (a record may have parts that others edit apart)."""
    if hasattr(record, "updated_at"):
        return Saver.of(getattr(record, "updated_by", None), record.updated_at)
    history = getattr(record, "history", None)
    if history is None:
        return Saver.of(None, None)
    records = history.select_related("history_user").order_by("-history_date", "-history_id")
    if not fields:
        newest = records.first()
    else:
        # Only read on a conflict, and a record's history is short.
        records = list(records)
        newest = next(
            (
                newer
                for newer, older in zip(records, [*records[1:], None], strict=True)
                if older is None
                or any(getattr(newer, name) != getattr(older, name) for name in fields)
            ),
            None,
        )
    if newest is None:
        return Saver.of(None, None)
    return Saver.of(newest.history_user, newest.history_date)


class EditConflict(Exception):
    """Someone else saved the record after this form was opened; nothing was saved.

    `current` is what is saved now (one record, or the list of those that conflicted),
    so the page can show it beside the user's text; `saver` says who saved it and when.
    """

    def __init__(self, current, *, saver: Saver | None = None):
        super().__init__(_("Una altra persona ha desat aquestes dades mentre les editàveu."))
        self.current = current
        self.saver = saver

    @property
    def version(self) -> int | None:
        """The version now saved, which the next save may overwrite on purpose."""
        return getattr(self.current, "version", None)


def base_version_field() -> forms.IntegerField:
    """The hidden field that carries the version a form was opened with (empty for a
    record that did not exist yet)."""
    return forms.IntegerField(
        label=gettext_lazy("versió de partida"),
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
    )


def rebased(data: QueryDict, versions: dict[str, int | str | None]) -> QueryDict:
    """The posted data, every typed character kept, with the versions the user has now
    been shown: the next save overwrites them on purpose. `versions` maps field names
    (with their prefix) to a version."""
    data = data.copy()
    for name, version in versions.items():
        data[name] = "" if version is None else str(version)
    return data


def conflict_message(saver: Saver | None, what: str) -> str:
    """The sentence that refuses a stale save: who saved, what and when, and what to do.
    `what` names what is saved now («la decisió: Validada el 03/05/2026»)."""
    values = {"what": what}
    if saver is not None and saver.day:
        values.update(date=saver.day, time=saver.time)
        if saver.name:
            values["name"] = saver.name
            return (
                _(
                    "Una altra persona (%(name)s) ha desat %(what)s el %(date)s a les %(time)s "
                    "mentre l'editàveu. No s'ha desat res del que heu escrit, que es manté al "
                    "formulari: reviseu-ho i torneu a desar si ho voleu substituir."
                )
                % values
            )
        return (
            _(
                "Una altra persona ha desat %(what)s el %(date)s a les %(time)s mentre "
                "l'editàveu. No s'ha desat res del que heu escrit, que es manté al formulari: "
                "reviseu-ho i torneu a desar si ho voleu substituir."
            )
            % values
        )
    return (
        _(
            "Una altra persona ha desat %(what)s mentre l'editàveu. No s'ha desat res del que "
            "heu escrit, que es manté al formulari: reviseu-ho i torneu a desar si ho voleu "
            "substituir."
        )
        % values
    )


class VersionCheckedAdminForm(forms.ModelForm):
    """The admin's change form of a record that people edit in the site's forms: it
    carries the version it was opened with, like them, and refuses a stale save with the
    same message, keeping what was typed and the version now shown, so that the next
    save overwrites it on purpose."""

    base_version = base_version_field()
    # What the message says was saved («aquest seguiment»); each admin's form names it.
    saved_thing = gettext_lazy("aquest registre")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("base_version", self.instance.version)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # Locked until the admin's transaction ends: a site form's save waits, then
        # finds the version this save claims.
        current = type(self.instance)._default_manager.select_for_update().get(pk=self.instance.pk)
        if cleaned.get("base_version") != current.version:
            self.data = rebased(self.data, {"base_version": current.version})
            raise forms.ValidationError(
                conflict_message(last_saved(current), str(self.saved_thing)), code="conflict"
            )
        return cleaned


class VersionCheckedAdmin:
    """A ModelAdmin mix-in that claims the version its form checked (see
    `VersionCheckedAdminForm`), so that a form opened in the site meanwhile is refused."""

    form = VersionCheckedAdminForm

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Going back to an old version would save that version's fields over whatever was
        # saved since, past the check: shown, never posted.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            base_version = form.cleaned_data["base_version"]
            rows = type(obj)._default_manager.filter(pk=obj.pk)
            if not claim_version(rows, base_version):
                # Only if the database locked nothing between the check and now.
                current = rows.get()
                raise EditConflict(current, saver=last_saved(current))
            obj.version = base_version + 1
        super().save_model(request, obj, form, change)
