"""Fixtures of the domain apps' test folders, for the cross-app pages tested here."""

from datetime import timedelta

import pytest
from django.utils import timezone

from publication.models import RoundKind
from publication.operations import open_round
from tests.commitments.conftest import build_commitments, seed_plan  # noqa: F401
from tests.governance.conftest import plis  # noqa: F401
from tests.service_charters.conftest import build_charters, seed_charter  # noqa: F401


@pytest.fixture
def balance(seed_plan, staff):  # noqa: F811 (the fixture imported above)
    """An open round of the seed's first-semester-2019 balance."""
    deadline = timezone.localdate() + timedelta(days=14)
    return open_round(
        RoundKind.BALANCE, period=seed_plan.open_period, deadline=deadline, acting_user=staff
    )
