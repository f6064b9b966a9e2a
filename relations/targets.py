"""How a related item is named in a file and in a form: «CC-4» for a charter's
commitment and «IND-12» for a charter's indicator (they have no printed code, so their
id), «PLIS-1.2.1» for a PLIS action (its code in the plan the pages follow)."""

from dataclasses import dataclass

CHARTER_COMMITMENT_PREFIX = "CC-"
INDICATOR_PREFIX = "IND-"
ACTION_PREFIX = "PLIS-"


def charter_commitment_code(commitment_id: int) -> str:
    return f"{CHARTER_COMMITMENT_PREFIX}{commitment_id}"


def indicator_code(indicator_id: int) -> str:
    return f"{INDICATOR_PREFIX}{indicator_id}"


def action_code(action_code_text: str) -> str:
    return f"{ACTION_PREFIX}{action_code_text}"


@dataclass(frozen=True)
class TargetKey:
    """What a code names: a charter's commitment or indicator by id, or an action by its
    code."""

    charter_commitment_id: int | None = None
    indicator_id: int | None = None
    action_code: str | None = None


def parse(code: str) -> TargetKey | None:
    """The target a code names, or None when it is no code of ours."""
    text = code.strip()
    upper = text.upper()
    if upper.startswith(CHARTER_COMMITMENT_PREFIX):
        number = text[len(CHARTER_COMMITMENT_PREFIX) :]
        return TargetKey(charter_commitment_id=int(number)) if number.isdigit() else None
    if upper.startswith(INDICATOR_PREFIX):
        number = text[len(INDICATOR_PREFIX) :]
        return TargetKey(indicator_id=int(number)) if number.isdigit() else None
    if upper.startswith(ACTION_PREFIX) and len(text) > len(ACTION_PREFIX):
        return TargetKey(action_code=text[len(ACTION_PREFIX) :])
    return None
