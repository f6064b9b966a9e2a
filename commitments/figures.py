"""The entries' figures as the balance prints them and as they add up.

The seed prints a figure as «144 participants (121 dones i 23 homes)»: the value, its
unit, and the women/men split when it was given. Totals add up only the figures that
carry a split: those count people, and the split is what the city reports on gender;
hours, sessions or procedures do not add up with people (37 hours and 144
participants are not 181 of anything).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from terrassa_plis.formatting import number, percentage_of, share


def split_text(women: Decimal | None, men: Decimal | None) -> str:
    """«121 dones i 23 homes», «121 dones», «23 homes», or "" with no split."""
    # Whole sentences, so that each language orders and joins them its own way.
    if women is not None and men is not None:
        return gettext("%(women)s dones i %(men)s homes") % {
            "women": number(women),
            "men": number(men),
        }
    if women is not None:
        return gettext("%(count)s dones") % {"count": number(women)}
    if men is not None:
        return gettext("%(count)s homes") % {"count": number(men)}
    return ""


def figure_text(value, unit: str = "", women=None, men=None) -> str:
    """«144 participants (121 dones i 23 homes)», as the seed prints a figure."""
    text = f"{number(value)} {unit}".strip()
    split = split_text(women, men)
    return f"{text} ({split})" if split else text


def labelled_figure_text(label: str, value, unit: str = "", women=None, men=None) -> str:
    """«Participants en formacions: 144 participants (121 dones i 23 homes)»."""
    return f"{label}: {figure_text(value, unit, women, men)}"


def has_split(women, men) -> bool:
    return women is not None or men is not None


@dataclass(frozen=True)
class FigureTotals:
    """The sum of the figures that carry a women/men split (see the module's docstring)."""

    total: Decimal = Decimal(0)
    women: Decimal = Decimal(0)
    men: Decimal = Decimal(0)
    count: int = 0  # how many figures were added

    def __add__(self, other: "FigureTotals") -> "FigureTotals":
        return FigureTotals(
            self.total + other.total,
            self.women + other.women,
            self.men + other.men,
            self.count + other.count,
        )

    @classmethod
    def of(cls, value, women, men) -> "FigureTotals":
        """One figure's contribution: nothing unless it has a split."""
        if not has_split(women, men):
            return cls()
        return cls(value, women or Decimal(0), men or Decimal(0), 1)

    @property
    def women_share(self) -> Decimal:
        """The women's percentage of the total (0-100)."""
        return percentage_of(self.women, self.total)

    @property
    def women_share_text(self) -> str:
        """«84 %», «—» without a total: through the one rounding rule."""
        return share(self.women, self.total)


def totals_of(figures: Iterable) -> FigureTotals:
    """The totals of figures (anything with `value`, `women` and `men`)."""
    return sum_totals(FigureTotals.of(f.value, f.women, f.men) for f in figures)


def sum_totals(totals: Iterable[FigureTotals]) -> FigureTotals:
    result = FigureTotals()
    for item in totals:
        result += item
    return result
