"""The seeds of the three instruments, for the pages that span them."""

from tests.commitments.conftest import build_commitments, seed_plan  # noqa: F401
from tests.governance.conftest import plis  # noqa: F401
from tests.service_charters.conftest import build_charters, seed_charter  # noqa: F401
