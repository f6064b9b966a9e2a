"""Fixtures of the domain apps' test folders, for the cross-app pages tested here."""

from tests.commitments.conftest import build_commitments, seed_plan  # noqa: F401
from tests.governance.conftest import plis  # noqa: F401
from tests.service_charters.conftest import build_charters, seed_charter  # noqa: F401
