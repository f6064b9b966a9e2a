"""A version's note is bounded like every free text: refused next to its field, kept,
and nothing published."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from publication.models import PublishedVersion, RoundKind
from publication.operations import open_round
from tests.forms import error_next_to, long_text
from tests.pages import markup


def test_a_too_long_note_publishes_nothing_and_is_kept(client, seed_plan, staff):
    balance = open_round(
        RoundKind.BALANCE,
        period=seed_plan.open_period,
        deadline=timezone.localdate() + timedelta(days=14),
        acting_user=staff,
    )
    client.force_login(staff)
    note = long_text(2_001)

    response = client.post(reverse("publication:round_publish", args=[balance.pk]), {"note": note})

    assert error_next_to(response, "id_note") == (
        "El text és massa llarg: té 2.001 caràcters i com a màxim en pot tenir 2.000."
    )
    kept = re.search(r'<textarea name="note"[^>]*>\n?(.*?)</textarea>', markup(response), re.S)
    assert kept and kept.group(1) == note
    assert not PublishedVersion.objects.exists()
