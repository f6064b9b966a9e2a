"""How a related item is named in a file and in a form: «IND-12» for a charter's
indicator (indicators have no printed code, so their id), «PLIS-1.2.1» for a PLIS
action (its code in the plan the pages follow)."""

from dataclasses import dataclass

INDICATOR_PREFIX = "IND-"
ACTION_PREFIX = "PLIS-"


def indicator_code(indicator_id: int) -> str:
    return f"{INDICATOR_PREFIX}{indicator_id}"


def action_code(action_code_text: str) -> str:
    return f"{ACTION_PREFIX}{action_code_text}"


@dataclass(frozen=True)
class TargetKey:
    """What a code names: an indicator by id, or an action by its code."""

    indicator_id: int | None = None
    action_code: str | None = None


def parse(code: str) -> TargetKey | None:
    """The target a code names, or None when it is no code of ours."""
    text = code.strip()
    upper = text.upper()
    if upper.startswith(INDICATOR_PREFIX):
        number = text[len(INDICATOR_PREFIX) :]
        return TargetKey(indicator_id=int(number)) if number.isdigit() else None
    if upper.startswith(ACTION_PREFIX) and len(text) > len(ACTION_PREFIX):
        return TargetKey(action_code=text[len(ACTION_PREFIX) :])
    return None
