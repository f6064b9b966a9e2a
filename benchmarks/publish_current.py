"""The current mandate's balance, published once in the bench's data, as the city
publishes it every semester: the public pages under load then include a whole city's
plan (read a part at a time), not only the demo's smaller 2015-2019 publication.

Run by `benchmarks/run.py` after `load_demo`, in a process of its own (the whole plan's
PDF takes some 25 s and 370 MB, which must not count in the pages' figures); it does
nothing once the round exists. Not for production: the round is opened directly, as on
a semester whose entry has already closed.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CURRENT_MANDATE = "2019-2023"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terrassa_plis.settings")
    import django

    django.setup()
    from commitments.models import ReportingPeriod
    from publication.models import ReportingRound, RoundKind
    from publication.operations import publish_round

    period = (
        ReportingPeriod.objects.filter(mandate__term=CURRENT_MANDATE, entries__isnull=False)
        .distinct()
        .order_by("-start")
        .first()
    )
    if period is None or ReportingRound.objects.filter(period=period).exists():
        return
    round_ = ReportingRound.objects.create(
        kind=RoundKind.BALANCE, period=period, deadline=period.end
    )
    version = publish_round(round_, acting_user=None)
    print(f"published {version} ({version.parts.count()} parts)")


if __name__ == "__main__":
    main()
