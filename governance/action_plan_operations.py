"""Operations on the action plan: one function each, one transaction each.

The transversal technical commission decides on each proposed action (validates or
rejects it, with a reason for a rejection, on a day between the plan's approval and
today), and staff record how far each validated action is implemented in each period
(a semester from the plan's approval year to next year). Both lock the action's row,
so two people saving at once are applied one after the other, and both claim the
version their form was opened with (`terrassa_plis.concurrency`): a save opened before
another one was saved is refused, never silently replaces it. The action's history
(django-simple-history) records who changed what; implementation entries have no
history of their own, so recording one also leaves a line in the action's history that
names the period and the degree.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.models import ActionDecision, ActionImplementation, Plan, PlanAction
from terrassa_plis import formatting
from terrassa_plis.concurrency import UNSEEN, EditConflict, claim_version, last_saved

PERIOD_PATTERN = re.compile(r"^(\d{4})-S([12])$")
PERIOD_MESSAGE = _("Escriviu el període com 2021-S1: l'any, un guió i S1 o S2 (el semestre).")
PERIOD_YEARS = _(
    "L'any del període ha de ser entre %(first)s (l'aprovació del pla) i %(last)s (l'any vinent)."
)
DEGREE_MESSAGE = _("El grau d'implementació ha de ser un nombre enter entre 0 i 100.")
NOT_VALIDATED = _(
    "Només es registra la implementació de les accions validades per la comissió tècnica "
    "transversal, i aquesta acció no ho està."
)
REASON_REQUIRED = _("Escriviu el motiu del rebuig: és obligatori per rebutjar una acció.")
DECISION_MESSAGE = _("Trieu si la comissió valida o rebutja l'acció.")
FUTURE_DECISION = _("La data de la decisió no pot ser posterior a avui.")
DECISION_BEFORE_PLAN = _(
    "La data de la decisió no pot ser anterior a l'aprovació del pla, el %(date)s."
)

DECISIONS = (ActionDecision.VALIDATED, ActionDecision.REJECTED)

# The fields of an action that its decision sets: who decided is the newest history
# record that changed one of them (implementation entries also leave a line there).
DECISION_FIELDS = ("decision", "decided_on", "decision_reason")
# The version an implementation form names for a period it saw no entry of.
NO_ENTRY = UNSEEN

# simple-history's change reason column holds 100 characters.
REASON_LENGTH = 100


def current_period(today: date) -> str:
    """The semester `today` falls in: «2026-S2»."""
    return f"{today.year}-S{1 if today.month <= 6 else 2}"


def period_years(plan: Plan, *, today: date) -> range:
    """The years an implementation period may fall in: from the plan's approval to next year."""
    return range(plan.approved_on.year, today.year + 2)


def period_choices(plan: Plan, *, today: date) -> list[tuple[str, str]]:
    """Every period an implementation may be recorded for, newest first, as (code, words):
    («2026-S2», «2n semestre 2026»)."""
    return [
        (code, formatting.semester(code))
        for year in reversed(period_years(plan, today=today))
        for code in (f"{year}-S2", f"{year}-S1")
    ]


def normalise_period(period: str, plan: Plan, *, today: date) -> str:
    """«2021-s1 » → «2021-S1». ValidationError unless it reads so and its year lies
    between the plan's approval year and next year (the form calls this too)."""
    value = (period or "").strip().upper()
    match = PERIOD_PATTERN.match(value)
    if not match:
        raise ValidationError(PERIOD_MESSAGE, code="invalid")
    years = period_years(plan, today=today)
    first, last = years[0], years[-1]
    if int(match.group(1)) not in years:
        raise ValidationError(
            PERIOD_YEARS, code="out_of_range", params={"first": first, "last": last}
        )
    return value


def decision_rule_errors(
    decision: str, on: date | None, reason: str, *, plan: Plan, today: date
) -> dict:
    """The rules of a decision, as {form field name: message}: the form calls them too.
    The commission decides between the plan's approval and today."""
    errors = {}
    if decision not in DECISIONS:
        errors["decision"] = DECISION_MESSAGE
    if decision == ActionDecision.REJECTED and not (reason or "").strip():
        errors["reason"] = REASON_REQUIRED
    if on is not None and on > today:
        errors["decided_on"] = FUTURE_DECISION
    elif on is not None and on < plan.approved_on:
        errors["decided_on"] = DECISION_BEFORE_PLAN % {"date": formatting.day(plan.approved_on)}
    return errors


def _locked(action: PlanAction) -> PlanAction:
    return PlanAction.objects.select_for_update().get(pk=action.pk)


def _history_reason(text: str) -> str:
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


@transaction.atomic
def decide_action(
    action: PlanAction,
    decision: str,
    *,
    on: date,
    reason: str = "",
    acting_user,
    today: date | None = None,
    base_version: int | None = None,
) -> PlanAction:
    """Record the transversal commission's decision on `action`: validated or rejected
    on `on`, with `reason` (required for a rejection). Raises ValidationError with each
    broken rule under its form field's name.

    `base_version` is the action's version the form was opened with: if the action was
    saved since, nothing is saved and `EditConflict` carries the action as it is now.
    None (a command, a test) overwrites without checking."""
    reason = (reason or "").strip()
    errors = decision_rule_errors(
        decision, on, reason, plan=action.plan, today=today or timezone.localdate()
    )
    if on is None:
        errors["decided_on"] = _("Escriviu la data de la decisió.")
    if errors:
        raise ValidationError(errors)
    if base_version is not None and not claim_version(
        PlanAction.objects.filter(pk=action.pk), base_version
    ):
        current = PlanAction.objects.get(pk=action.pk)
        raise EditConflict(current, saver=last_saved(current, DECISION_FIELDS))
    current = _locked(action)
    if base_version is None:
        # Unchecked, but a form opened before must still learn of this save.
        current.version += 1
    current.decision = decision
    current.decided_on = on
    current.decision_reason = reason
    # The history's author is the acting user, also outside a request (commands, tests).
    current._history_user = acting_user
    current._change_reason = _history_reason(
        gettext("Decisió: %(decision)s el %(date)s")
        % {"decision": current.get_decision_display(), "date": formatting.day(on)}
    )
    current.save()
    return current


@transaction.atomic
def record_implementation(
    action: PlanAction,
    period: str,
    degree: int,
    observations: str = "",
    *,
    acting_user,
    today: date | None = None,
    base_version: int | None = None,
) -> tuple[ActionImplementation, bool]:
    """Record how far the validated `action` is implemented in `period` («2021-S1»):
    one entry per period, so recording a period again changes its entry. Returns
    (entry, created). Raises ValidationError with each broken rule under its form
    field's name, and a non-field error unless the action is validated.

    `base_version` is the version of the period's entry the form saw (`NO_ENTRY` if it
    saw none): if the entry was saved since, nothing is saved and `EditConflict` carries
    the entry as it is now. None (a command, a test) overwrites without checking."""
    errors = {}
    try:
        period = normalise_period(period, action.plan, today=today or timezone.localdate())
    except ValidationError as error:
        errors["period"] = error.messages
    if not isinstance(degree, int) or isinstance(degree, bool) or not 0 <= degree <= 100:
        errors["degree"] = [DEGREE_MESSAGE]
    if errors:
        raise ValidationError(errors)
    # The decision is read with the row locked: a rejection saved meanwhile counts.
    current = _locked(action)
    if current.decision != ActionDecision.VALIDATED:
        raise ValidationError(NOT_VALIDATED, code="not_validated")
    entries = ActionImplementation.objects.filter(action=current, period=period)
    if base_version not in (None, NO_ENTRY) and not claim_version(entries, base_version):
        if entries.exists():
            _raise_implementation_conflict(entries)
        # Deleted meanwhile: what the user typed makes a new entry.
        base_version = NO_ENTRY
    entry = entries.first()
    created = entry is None
    if entry is None:
        entry = ActionImplementation(action=current, period=period)
    elif base_version == NO_ENTRY:
        # The form saw no entry of this period, and someone has recorded one since.
        _raise_implementation_conflict(entries)
    elif base_version is None:
        # Unchecked, but a form opened before must still learn of this save.
        entry.version += 1
    entry.degree = degree
    entry.observations = (observations or "").strip()
    entry.updated_by = acting_user
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The same period recorded by someone else between the read and this insert.
        _raise_implementation_conflict(entries)
    current._history_user = acting_user
    current._change_reason = _history_reason(
        gettext("Implementació %(period)s: %(degree)s %%")
        % {"period": formatting.semester(period), "degree": degree}
    )
    current.save()
    return entry, created


def _raise_implementation_conflict(entries):
    current = entries.select_related("updated_by").first()
    raise EditConflict(current, saver=last_saved(current) if current is not None else None)
