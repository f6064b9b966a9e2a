"""The charters index: every charter in force in a year, with its commitments per band."""

from collections.abc import Callable
from dataclasses import dataclass

from service_charters import followup
from service_charters.bands import SummaryView, summary_view
from service_charters.models import Charter


@dataclass(frozen=True)
class CharterOverview:
    charter: Charter
    summary: SummaryView
    may_edit: bool


def charter_overview(year: int, *, may_edit: Callable[[Charter], bool]) -> list[CharterOverview]:
    """Every charter in force in `year` with its commitments per band.

    Three queries whatever the number of charters: the charters, then their rows of the
    year (followup.load_rows), grouped here. `may_edit` is the access guard's answer.
    """
    charters = list(Charter.objects.in_force(year).in_printed_order())
    rows = followup.load_rows(charters, year) if charters else []
    rows_by_charter = followup.rows_by_charter(charters, rows)
    return [
        CharterOverview(
            charter=charter,
            summary=summary_view(followup.summarise(rows_by_charter[charter.pk], charter.title)),
            may_edit=may_edit(charter),
        )
        for charter in charters
    ]
