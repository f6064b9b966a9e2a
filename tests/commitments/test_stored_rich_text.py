"""An entry's observations and related information are stored beside their clean HTML
when saved, whoever saves them, and the pages and documents show the stored HTML."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from commitments.models import Entry
from terrassa_plis.richtext import fill_stored_html, render
from tests.forms import browser_data
from tests.pages import markup

HOSTILE = (
    "Vegeu <script>alert(1)</script>[l'informe](javascript:alert(2)) i "
    '<img src=x onerror="alert(3)"> **fet**'
)


@pytest.fixture
def entry_form(seed_plan):
    return reverse(
        "commitments:entry_edit", args=[seed_plan.commitment_21.pk, seed_plan.open_period.pk]
    )


def test_saving_through_the_form_stores_the_clean_html(
    client, technician_area3, seed_plan, entry_form
):
    client.force_login(technician_area3)
    data = browser_data(client.get(entry_form))
    data["observations"] = "S'ha fet:\n- 7 formacions amb **144 participants**\n- 37 hores"
    data["related_information"] = "[La memòria](https://www.terrassa.cat/memoria)"
    assert client.post(entry_form, data).status_code == 302

    entry = Entry.objects.get(pk=seed_plan.entry_21.pk)
    assert entry.observations_html == (
        "<p>S'ha fet:</p>\n<ul>\n<li>7 formacions amb <strong>144 participants</strong></li>\n"
        "<li>37 hores</li>\n</ul>"
    )
    assert entry.related_information_html == (
        '<p><a href="https://www.terrassa.cat/memoria" rel="noopener noreferrer">La memòria</a></p>'
    )


def test_a_hostile_text_is_stored_sanitised(client, technician_area3, seed_plan, entry_form):
    client.force_login(technician_area3)
    data = browser_data(client.get(entry_form))
    data["observations"] = HOSTILE
    assert client.post(entry_form, data).status_code == 302

    stored = Entry.objects.get(pk=seed_plan.entry_21.pk).observations_html
    assert "<strong>fet</strong>" in stored
    for hostile in ("<script", "javascript:", "onerror", "<img"):
        assert hostile not in stored
    # The page as sent (the history quotes the typed text, escaped).
    detail = client.get(reverse("commitments:detail", args=[seed_plan.commitment_21.pk]))
    html = detail.content.decode()
    assert "<script>alert(1)" not in html and '<img src=x onerror="alert(3)">' not in html
    assert "<strong>fet</strong>" in html


def test_the_imported_plan_stores_the_clean_html_of_its_entries(seed_plan):
    """The seeds come in through loaddata, which saves without the model's save."""
    entry = seed_plan.entry_21
    assert entry.observations
    assert entry.observations_html == render(entry.observations)
    assert all(
        stored == render(text)
        for text, stored in Entry.objects.values_list("observations", "observations_html")
    )


def test_a_second_load_of_the_seeds_keeps_the_clean_html(seed_plan):
    Entry.objects.update(observations_html="")
    call_command("loaddata", "mandate_plan", verbosity=0)
    entry = Entry.objects.get(pk=seed_plan.entry_21.pk)
    assert entry.observations_html == render(entry.observations)


def test_the_migration_fills_the_html_of_entries_saved_before(seed_plan):
    Entry.objects.update(observations_html="", related_information_html="")
    fill_stored_html(
        Entry,
        {"observations": "observations_html", "related_information": "related_information_html"},
        batch_size=2,
    )
    for entry in Entry.objects.all():
        assert entry.observations_html == render(entry.observations)
        assert entry.related_information_html == render(entry.related_information)


def test_a_save_of_only_the_observations_saves_their_html_too(seed_plan):
    entry = seed_plan.entry_21
    entry.observations = "Només **això**."
    entry.save(update_fields=["observations"])
    assert Entry.objects.get(pk=entry.pk).observations_html == "<p>Només <strong>això</strong>.</p>"


def test_the_html_is_kept_out_of_the_change_history(seed_plan):
    history_fields = {field.name for field in Entry.history.model._meta.fields}
    assert "observations" in history_fields
    assert "observations_html" not in history_fields
    assert "related_information_html" not in history_fields


def test_the_pages_and_the_balance_show_the_stored_html(client, director, seed_plan):
    """The stored HTML is what shows: changed in the database alone, the pages follow."""
    Entry.objects.filter(pk=seed_plan.entry_21.pk).update(
        observations_html="<p>Text <em>desat</em> a la base de dades</p>",
        related_information_html="<p>Informació <em>desada</em></p>",
    )
    client.force_login(director)
    pages = [
        reverse("commitments:detail", args=[seed_plan.commitment_21.pk]),
        reverse("commitments:balance", args=[seed_plan.open_period.pk]),
    ]
    for page in pages:
        html = markup(client.get(page))
        assert "<p>Text <em>desat</em> a la base de dades</p>" in html, page
        assert "<p>Informació <em>desada</em></p>" in html, page
