"""The PLIS's rich texts (a body's purpose and note, a meeting's agenda and minutes, an
action's implementation observations) are stored beside their clean HTML when saved,
and their pages show the stored HTML."""

from datetime import date

from django.urls import reverse

from governance.models import ActionDecision, ActionImplementation, Body, Meeting
from terrassa_plis.richtext import render
from tests.governance.conftest import TRANSVERSAL
from tests.governance.test_actions import action_url, make_action
from tests.governance.test_bodies import body_url
from tests.governance.test_meetings import make_meeting


def test_each_save_stores_the_clean_html_of_every_rich_text(plis, organisation):
    meeting = make_meeting(
        plis.bodies[TRANSVERSAL],
        date(2024, 3, 12),
        agenda="1. Valoració.\n2. Torn obert.",
        minutes="La comissió **valida** l'acció <script>alert(1)</script>",
    )
    meeting.refresh_from_db()
    assert meeting.agenda_html == render(meeting.agenda)
    assert meeting.minutes_html == "<p>La comissió <strong>valida</strong> l'acció </p>"
    # The bodies come in through loaddata, which saves without the model's save.
    for body in Body.objects.exclude(purpose=""):
        assert body.purpose_html == render(body.purpose)
    assert Body.objects.exclude(purpose="").exists()
    body = plis.bodies[TRANSVERSAL]
    body.functions_note = "Nota **nova**"
    body.save()
    assert Body.objects.get(pk=body.pk).functions_note_html == "<p>Nota <strong>nova</strong></p>"
    action = make_action(
        plis.plan,
        "1.1.1",
        title="Itineraris",
        decision=ActionDecision.VALIDATED,
        decided_on=date(2024, 3, 12),
        areas=[organisation[4]],
    )
    entry = ActionImplementation.objects.create(
        action=action, period="2024-S1", degree=40, observations="- **3** itineraris"
    )
    entry.refresh_from_db()
    assert entry.observations_html == "<ul>\n<li><strong>3</strong> itineraris</li>\n</ul>"


def test_the_pages_show_the_stored_html(reader, plis, organisation):
    """Changed in the database alone, the stored HTML is what the pages show."""
    meeting = make_meeting(
        plis.bodies[TRANSVERSAL], date(2024, 3, 12), agenda="Ordre", minutes="Acta"
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        agenda_html="<p>Ordre <em>desat</em></p>", minutes_html="<p>Acta <em>desada</em></p>"
    )
    Body.objects.filter(pk=plis.bodies[TRANSVERSAL].pk).update(
        purpose_html="<p>Finalitat <em>desada</em></p>"
    )
    action = make_action(
        plis.plan,
        "1.1.1",
        title="Itineraris",
        decision=ActionDecision.VALIDATED,
        decided_on=date(2024, 3, 12),
        areas=[organisation[4]],
    )
    entry = ActionImplementation.objects.create(
        action=action, period="2024-S1", degree=40, observations="Observació"
    )
    ActionImplementation.objects.filter(pk=entry.pk).update(
        observations_html="<p>Observació <em>desada</em></p>"
    )

    meeting_page = reader.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert "<p>Ordre <em>desat</em></p>" in meeting_page
    assert "<p>Acta <em>desada</em></p>" in meeting_page
    assert "<p>Finalitat <em>desada</em></p>" in reader.get(body_url(TRANSVERSAL)).content.decode()
    assert "<p>Observació <em>desada</em></p>" in reader.get(action_url(action)).content.decode()
