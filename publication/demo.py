"""Demo publications: a balance round for the first semester of 2019 (2015-2019 plan)
and a charters round for 2021, each published once, so a fresh install already shows
public content.

Keyed by the round's period or year and skipped when already published, so loading
twice leaves the same data.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from commitments.models import ReportingPeriod
from publication.models import ReportingRound, RoundKind
from publication.operations import open_round, publish_round

BALANCE_MANDATE = "2015-2019"
BALANCE_PERIOD = "Primer semestre de 2019"
CHARTERS_YEAR = 2021
DEMO_NOTE = "Primera publicació de les dades de demostració."
# The demo user of the publication staff (governance.demo), when present.
PUBLISHER = "publicacio"


def load(*, scale, stdout, factor=1):
    publisher = get_user_model().objects.filter(username=PUBLISHER).first()
    deadline = timezone.localdate() + timedelta(days=30)
    period = ReportingPeriod.objects.select_related("mandate").get(
        mandate__term=BALANCE_MANDATE, label=BALANCE_PERIOD
    )
    rounds = [
        ReportingRound.objects.filter(period=period).first()
        or open_round(RoundKind.BALANCE, period=period, deadline=deadline, acting_user=publisher),
        ReportingRound.objects.filter(kind=RoundKind.CHARTERS, year=CHARTERS_YEAR).first()
        or open_round(
            RoundKind.CHARTERS, year=CHARTERS_YEAR, deadline=deadline, acting_user=publisher
        ),
    ]
    published = 0
    for round in rounds:
        if not round.versions.exists():
            publish_round(round, note=DEMO_NOTE, acting_user=publisher)
            published += 1
    stdout.write(
        f"publication: {ReportingRound.objects.count()} rondes, {published} publicades ara."
    )
