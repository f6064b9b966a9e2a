"""Read targets and results as the charters write them, in Catalan.

The follow-up tables are typed by hand by each service, so the same idea comes in several
spellings ("≥ 5", ">= 5", "com a mínim 5"). Everything that is read here ends up as a kind,
a Decimal and a unit for `compliance.assess`; anything else is refused with a message the
person who typed it can act on.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .compliance import TargetKind

# A dot only ever groups thousands and a comma marks decimals, as in Catalan; so "2.5" is
# refused instead of being silently read as 25 or 2.5.
_NUMBER = r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|[0-9]+(?:,[0-9]+)?"
_WORD = r"[^\W\d_](?:[^\W\d_]|['’·/-])*"
_UNIT = rf"%(?:\s+{_WORD})*|{_WORD}(?:\s+{_WORD})*"
_FLOOR_PREFIX = r"≥\s*|>=\s*|(?:com\s+a\s+)?m[ií]nim\s+"
# "Menys de" and "inferior a" are strict in words, but the charters use them as the limit
# itself ("menys de 48 hores" is met at 48 hours), so they read as an ordinary ceiling.
_CEILING_PREFIX = r"≤\s*|<=\s*|(?:com\s+a\s+)?m[àa]xim\s+|menys\s+de\s+|inferior\s+a\s+"

_TARGET = re.compile(
    rf"(?:(?P<floor>{_FLOOR_PREFIX})|(?P<ceiling>{_CEILING_PREFIX}))?"
    rf"(?P<number>{_NUMBER})\s*(?P<unit>{_UNIT})?",
    re.IGNORECASE,
)
_RESULT = re.compile(rf"(?P<number>{_NUMBER})\s*%?")
_YES = re.compile(r"s[ií]", re.IGNORECASE)
_NO = re.compile(r"no", re.IGNORECASE)
# A yearly cycle is either run or not: "1 cicle anual" is a yes/no target, not a count.
_ONCE = re.compile(r"cicle(?:\s+anual)?", re.IGNORECASE)
_BLANK_RESULTS = {"", "-", "–", "—"}
_DOT_DECIMAL = re.compile(r"[0-9]\.[0-9]")

_TARGET_HELP = gettext_lazy(
    "escriviu un nombre (4), un percentatge (100 %), un límit (≥ 5, ≤ 10 dies) o Sí/No."
)
_RESULT_HELP = gettext_lazy(
    "escriviu un nombre (3), un percentatge (100 %) o Sí/No, "
    "o deixeu-lo buit (o «-») si no s'ha avaluat."
)
_COUNT_RESULT_HELP = gettext_lazy(
    "aquest indicador no és de Sí o No: escriviu un nombre (3) o un percentatge (100 %), "
    "o deixeu-lo buit (o «-») si no s'ha avaluat."
)
_DECIMAL_HELP = gettext_lazy(
    "els decimals s'escriuen amb coma (2,5); el punt només separa els milers (1.234)."
)


class TargetError(ValueError):
    """A target or result that cannot be read; the message is meant for the person who typed it."""

    def __init__(self, message: str, text: str, *, dot_decimal: bool = False) -> None:
        super().__init__(message)
        self.text = text
        self.dot_decimal = dot_decimal
        """The text has a decimal dot ("2.5"): a form may say so in its own words."""


def _unreadable(what: str, clean: str, help_text: str, text: str) -> TargetError:
    dot_decimal = bool(_DOT_DECIMAL.search(clean))
    if dot_decimal:
        # Someone who wrote "2.5" thinks it is a number; say why it is not read as one.
        help_text = _DECIMAL_HELP
    message = _("No s'entén %(what)s «%(text)s»: %(help)s") % {
        "what": what,
        "text": clean,
        "help": help_text,
    }
    return TargetError(message, text, dot_decimal=dot_decimal)


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    value: Decimal
    unit: str
    """The words after the number ("dies"), "%" for a percentage, or empty."""


def _normalise(text: str) -> str:
    # Pasted text brings decomposed accents and non-breaking spaces before "%".
    return " ".join(unicodedata.normalize("NFC", text).split())


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(".", "").replace(",", "."))


def _yes_no(text: str) -> Decimal | None:
    if _YES.fullmatch(text):
        return Decimal(1)
    if _NO.fullmatch(text):
        return Decimal(0)
    return None


def parse_target(text: str) -> Target:
    """Read a charter's target, such as "100 %", "≥ 5 exposicions" or "menys de 48 hores"."""
    clean = _normalise(text)
    if not clean:
        raise TargetError(_("Falta l'objectiu: %(help)s") % {"help": _TARGET_HELP}, text)

    yes_no = _yes_no(clean)
    if yes_no is not None:
        return Target(TargetKind.YES_NO, yes_no, "")

    match = _TARGET.fullmatch(clean)
    if match is None:
        raise _unreadable(_("l'objectiu"), clean, _TARGET_HELP, text)

    value = _decimal(match["number"])
    unit = match["unit"] or ""
    if unit.startswith("%"):
        # "100 % de les queixes respostes": what is counted is prose, the unit is the percentage.
        unit = "%"

    if match["floor"]:
        kind = TargetKind.FLOOR
    elif match["ceiling"]:
        kind = TargetKind.CEILING
    elif value == 1 and _ONCE.fullmatch(unit):
        kind = TargetKind.YES_NO
    else:
        kind = TargetKind.FLOOR
    return Target(kind, value, unit)


def parse_result(text: str, *, yes_no: bool = True) -> Decimal | None:
    """Read a yearly result: a number, a percentage, Sí/No, or blank (or "-") if not assessed.

    With `yes_no=False` (an indicator that counts), «Sí» and «No» are refused as numbers.
    """
    clean = _normalise(text)
    if clean in _BLANK_RESULTS:
        return None

    word = _yes_no(clean)
    if word is not None:
        if yes_no:
            return word
        raise _unreadable(_("el resultat"), clean, _COUNT_RESULT_HELP, text)

    match = _RESULT.fullmatch(clean)
    if match is None:
        raise _unreadable(_("el resultat"), clean, _RESULT_HELP, text)
    return _decimal(match["number"])
