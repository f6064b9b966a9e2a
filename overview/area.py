"""An area's whole picture: what each instrument says of the area, assembled.

Each part is built beside its domain; this module only puts them together, so the
area's page and each domain's own pages count alike.
"""

from dataclasses import dataclass
from datetime import date

from commitments.area_summary import AreaCommitments, build_area_commitments
from governance.area_summary import AreaActions, build_area_actions
from governance.models import Area
from service_charters.area_summary import AreaCharters, build_area_charters


@dataclass(frozen=True)
class AreaPicture:
    area: Area
    commitments: AreaCommitments | None  # None: no leaf of the area reported yet
    charters: AreaCharters | None  # None: no charter of the area in force
    actions: AreaActions | None  # None: no PLIS recorded

    @property
    def late_count(self) -> int:
        """Commitments delayed and charter indicators that fell short."""
        return (self.commitments.late_count if self.commitments else 0) + (
            self.charters.short_count if self.charters else 0
        )


def build_area_picture(area: Area, today: date) -> AreaPicture:
    """Queries, whatever the size of the data: 5 for the Mandate Plan
    (`build_area_commitments`), 4 for the charters (`build_area_charters`), 4 for the
    PLIS actions (`build_area_actions`)."""
    return AreaPicture(
        area=area,
        commitments=build_area_commitments(area),
        charters=build_area_charters(area),
        actions=build_area_actions(area, today),
    )
