"""Moved: the follow-up document is `service_charters.followup_document`.

Only `build_report` is left here, for `publication/snapshots.py` until its import names
`followup_document`; then this module goes.
"""

from service_charters.followup_document import build_report

__all__ = ["build_report"]
