"""Who changed what, and when, from django-simple-history's records: the one diff
(`history_rows`) and the one event shape (`HistoryEvent`) of every page's history, which
`templates/_history.html` shows.

The records are compared here in Python, each with the one before it of the same
object, so a page reads its history in a fixed number of queries. Asking each record
for its predecessor (`prev_record`, `diff_against`) would cost a query per record.

This module knows no app's models: the caller reads the records (with whatever their
fields show selected, so that showing them costs no query) and says which fields to
compare, under which labels, and how to name the person who saved each record; then
what each event was (its summary) and, where a page lists several things, whose it is.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from terrassa_plis.formatting import day, moment, number, person_name

EMPTY = "—"
KIND_LABELS = {"+": _("Creat"), "~": _("Modificat"), "-": _("Esborrat")}
UNRECORDED_TEXT = _("no registrat")


def is_empty(value) -> bool:
    """No value worth listing: None, "", False or an empty collection (but 0 is one)."""
    if value is None or value is False or value == "":
        return True
    return isinstance(value, list | tuple | set | frozenset) and not value


def _pairs(records: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    """(the previous record of the same object or None, the record), in the given order."""
    previous = None
    for record in records:
        yield (previous if previous is not None and previous.id == record.id else None), record
        previous = record


def show_value(value) -> str:
    """A value as the history shows it: «—» for none, «Sí»/«No», dates as dd/mm/yyyy
    (with the time, in local time, for a moment), numbers in Catalan."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return gettext("Sí") if value else gettext("No")
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, Decimal | float):
        return number(value)
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(item) for item in value) if value else EMPTY
    return str(value)


@dataclass(frozen=True)
class Field:
    """One field the history compares: `name` is read from each record and compared (a
    foreign key's `…_id`, so that comparing costs no query); `show` gives the record's
    value as text (by default `show_value` of that attribute)."""

    name: str
    label: str
    show: Callable[[Any], str] | None = None
    # Listed among the values a creation (or a deletion) had; False for what the event
    # already names (a result's year).
    listed_alone: bool = True

    def text(self, record) -> str:
        if self.show is not None:
            return self.show(record) or EMPTY
        return show_value(getattr(record, self.name))


def capitalised(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def model_fields(model, names: Sequence[str], **shows: Callable[[Any], str]) -> list[Field]:
    """Fields of `model` (any model, or its historical model) by name, labelled with their
    verbose names. A choice shows its label; a foreign key is compared by id and shows the
    related object, which the records must have selected. `shows` overrides how a field
    shows, by name."""
    fields = []
    for name in names:
        model_field = model._meta.get_field(name)
        show = shows.get(name)
        compared = name
        if isinstance(model_field, models.ForeignKey):
            compared = model_field.attname
            if show is None:
                show = _related_text(name)
        elif model_field.choices and show is None:
            show = _choice_text(name, dict(model_field.flatchoices))
        fields.append(Field(compared, capitalised(model_field.verbose_name), show))
    return fields


def _related_text(name: str) -> Callable[[Any], str]:
    def show(record) -> str:
        related = getattr(record, name)
        return str(related) if related is not None else EMPTY

    return show


def _choice_text(name: str, labels: dict) -> Callable[[Any], str]:
    def show(record) -> str:
        value = getattr(record, name)
        return str(labels.get(value, value)) if not is_empty(value) else EMPTY

    return show


class FieldChange(NamedTuple):
    """A field a save changed: «Label: before → after»."""

    label: str
    before: str
    after: str


class FieldValue(NamedTuple):
    """A value a save had, added or removed, listed without a before: «Label: value» (a
    figure added, what a joining member was given)."""

    label: str
    value: str


@dataclass(frozen=True)
class HistoryEvent:
    """One save as every page's history lists it (templates/_history.html).

    `kind` is the kind of save: «+» created, «~» changed, «-» deleted. `who` is «—» when
    the record names no one. `summary` says what it was («Alta», «Modificat el resultat
    de 2020»; by default the kind's label). `changes` are the fields it changed, before →
    after; `values`, what it had without a before. A page that lists the saves of
    several things names the thing each one is of in `subject` (a member, a semester),
    with `subject_url` to its page, if any. `record` is the historical record it was read
    from, for the caller; no page shows it.
    """

    when: datetime
    who: str
    kind: str
    summary: str
    changes: list[FieldChange] = dataclass_field(default_factory=list)
    values: list[FieldValue] = dataclass_field(default_factory=list)
    subject: str = ""
    subject_url: str = ""
    record: Any = None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def by(self) -> str:
        """Who saved it, for «per …»; "" when the record names no one."""
        return "" if self.who == EMPTY else self.who


def history_rows(
    records: Iterable[Any],
    fields: Sequence[Field],
    *,
    who: Callable[[Any], str] | None = None,
    keep_unchanged: bool = False,
) -> list[HistoryEvent]:
    """The records (of one object or of many, in any order) as events, newest first,
    each summarised by its kind's label (the caller says more with `dataclasses.replace`).

    Each record is compared with the one before it of the same object. The first record
    kept of an object lists the values it was created with (before: «—»), or, when it
    is no creation, the values it had (before: «no registrat»); a deletion lists the
    values the object had (after: «—»). A change that changed none of `fields` is left
    out unless `keep_unchanged`. `who(record)` names the person who saved it (by default,
    the record's history user).
    """
    who = who or _history_user
    ordered = sorted(
        records, key=lambda record: (record.id, record.history_date, record.history_id)
    )
    rows = []
    for previous, record in _pairs(ordered):
        if record.history_type == "-":
            changes = [
                FieldChange(field.label, field.text(record), EMPTY)
                for field in fields
                if field.listed_alone and not is_empty(getattr(record, field.name))
            ]
        elif previous is not None:
            changes = [
                FieldChange(field.label, field.text(previous), field.text(record))
                for field in fields
                if getattr(previous, field.name) != getattr(record, field.name)
            ]
        else:
            before = EMPTY if record.history_type == "+" else str(UNRECORDED_TEXT)
            changes = [
                FieldChange(field.label, before, field.text(record))
                for field in fields
                if field.listed_alone and not is_empty(getattr(record, field.name))
            ]
        if not changes and record.history_type == "~" and not keep_unchanged:
            continue
        rows.append(
            HistoryEvent(
                when=record.history_date,
                who=who(record) or EMPTY,
                kind=record.history_type,
                summary=str(KIND_LABELS[record.history_type]),
                changes=changes,
                record=record,
            )
        )
    rows.sort(key=lambda row: (row.when, row.record.history_id), reverse=True)
    return rows


class DerivedTextField(models.TextField):
    """A text the model writes from its other fields when a record is saved (the clean
    HTML of a rich text, the folded words the search reads). Never edited (no form or
    admin shows it), and left out of the change history: it says nothing its sources do
    not."""

    kept_in_history = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


class ChangeHistory(HistoricalRecords):
    """The history every model a person edits keeps: django-simple-history's, with the
    historical model named in Catalan after the model («persona (historial)») where the
    library would write «historical persona» whatever the language."""

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            options["verbose_name"] = format_lazy(HISTORY_NAME, model=model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            options["verbose_name_plural"] = format_lazy(
                HISTORY_NAME, model=model._meta.verbose_name_plural
            )
        return options

    def fields_included(self, model):
        # A field derived from others (`DerivedTextField`, `kept_in_history` False) says
        # nothing its sources do not: no column in the history.
        return [
            field
            for field in super().fields_included(model)
            if getattr(field, "kept_in_history", True)
        ]

    def m2m_changed(self, instance, action, attr, pk_set, reverse, model=None, **kwargs):
        if not reverse:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        # Changed from the other side (a user's areas): the library would record the
        # history of `instance`, which keeps none; each object added or removed records
        # its own. Those a clear removes are read before it.
        if action == "pre_clear":
            instance._history_cleared = list(model.objects.filter(**{attr: instance}))
        elif action in ("post_add", "post_remove") and pk_set:
            for changed in model.objects.filter(pk__in=pk_set):
                self.create_historical_record(changed, "~")
        elif action == "post_clear":
            for changed in instance.__dict__.pop("_history_cleared", []):
                self.create_historical_record(changed, "~")


HISTORY_NAME = _("{model} (historial)")


# simple-history's column for the reason of a save.
CHANGE_REASON_MAX_LENGTH = 100


def import_reason(file_name: str) -> str:
    """The reason every save an import makes records: the name of the file it came from
    (shortened in the middle, «plan…2023.xlsx», when the column would not hold it), or
    that it was imported when the caller knows no file."""
    if not file_name:
        return gettext("Importat")
    reason = gettext("Importat del fitxer «%(file)s»")
    room = CHANGE_REASON_MAX_LENGTH - len(reason % {"file": ""})
    if len(file_name) > room:
        head = (room - 1) // 2
        file_name = f"{file_name[:head]}…{file_name[len(file_name) - (room - 1 - head) :]}"
    return reason % {"file": file_name}


def importing_user(username: str | None):
    """The user a command's `--user` names, whom the import's history records; None when
    no one is named. `LookupError` (in Catalan) when no active user has that name."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise LookupError(
            gettext("No hi ha cap usuari actiu que es digui «%(user)s».") % {"user": username}
        )
    return user


def _history_user(record) -> str:
    return person_name(record.history_user)
