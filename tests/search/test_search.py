"""The search box, as people use it: a director finds what mentions refugees across the
instruments, without typing accents; a visitor finds only what was published; a search
too long is refused next to its field; the results stay bounded, and so do the queries.

The same tests run on SQLite (the accent-folding fallback) and on PostgreSQL (full-text
search over unaccent), whichever DATABASE_URL names."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.models import Entry
from governance.models import PlanAction
from publication.models import PublishedItem, RoundKind
from publication.operations import open_round, publish_round
from search.results import MAX_RESULTS
from service_charters.models import Measurement
from tests.commitments.conftest import build_commitments
from tests.pages import page_links, section, text_of, visible_text
from tests.service_charters.conftest import build_charters

SEARCH_URL = reverse("search:search")
REFUGEE_TABLE_INDICATOR = "Nombre de convocatòries de la Taula Local per a les Persones Refugiades"


@pytest.fixture
def everything(seed_plan, seed_charter, plis):
    return seed_plan


def search(client, query):
    return client.get(SEARCH_URL, {"q": query})


def publish_charters_2021(staff):
    deadline = timezone.localdate() + timedelta(days=30)
    round_ = open_round(RoundKind.CHARTERS, year=2021, deadline=deadline, acting_user=staff)
    publish_round(round_, acting_user=staff)
    return round_


def test_the_header_has_a_search_box_for_everyone(client, reader, organisation):
    for page in (client.get(reverse("home")), reader.get(reverse("commitments:list"))):
        content = page.content.decode()
        assert f'action="{SEARCH_URL}"' in content
        assert '<label for="site-search-q"' in content


def test_refugiades_finds_the_charter_indicator_and_the_refugee_table(reader, everything):
    response = search(reader, "refugiades")

    assert response.status_code == 200
    indicators = text_of(section(response, "cerca-indicadors"))
    assert REFUGEE_TABLE_INDICATOR in indicators
    # Beside it, its area and the band of its latest result.
    assert "Àrea: Drets Socials i Serveis a les Persones" in indicators
    assert "Estat: No assolit (2021)" in indicators
    bodies = text_of(section(response, "cerca-organs"))
    assert "Taula Local per a les Persones Refugiades" in bodies


def test_refugiades_finds_a_commitment_and_an_action_that_mention_refugees(
    reader, everything, plis
):
    entry = Entry.objects.get(pk=everything.entry_21.pk)
    entry.observations = "Acollida de 12 persones refugiades."
    entry.save()
    PlanAction.objects.create(
        plan=plis.plan, code="3.1.1", title="Acompanyament a les persones refugiades"
    )

    response = search(reader, "refugiades")

    plan = text_of(section(response, "cerca-pla-de-mandat"))
    assert "Compromís 21 · 2015-2019" in plan
    assert "Estat: Completat o en execució dins les previsions (Primer semestre de 2019)" in plan
    actions = text_of(section(response, "cerca-accions"))
    assert "Acció 3.1.1 Acompanyament a les persones refugiades" in actions
    assert "Estat: Proposada" in actions


def test_participacio_without_accent_finds_participacio(reader, everything):
    # Commitment 21's observations: «Participació en 10 taules i plans estratègics».
    response = search(reader, "PARTICIPACIO taules")

    plan = text_of(section(response, "cerca-pla-de-mandat"))
    assert "Compromís 21" in plan
    assert "Oficina tècnica local" not in visible_text(response)  # «taules»: not in its text


def test_every_word_must_appear(reader, everything):
    response = search(reader, "refugiades inexistentissim")

    assert "0 resultats per «refugiades inexistentissim»." in visible_text(response)


def test_a_visitor_finds_only_what_was_published(client, everything, staff):
    before = search(client, "refugiades")

    assert before.status_code == 200
    text = visible_text(before)
    assert "La cerca pública només inclou el que s'ha publicat" in text
    assert REFUGEE_TABLE_INDICATOR not in text
    # The PLIS bodies are public pages: found, and linked to their public page.
    assert reverse("publication:public_body", args=["taula-local-persones-refugiades"]) in (
        section(before, "cerca-organs")
    )

    publish_charters_2021(staff)
    after = search(client, "refugiades")

    indicators = text_of(section(after, "cerca-indicadors"))
    assert REFUGEE_TABLE_INDICATOR in indicators
    assert "Seguiment de les cartes de serveis 2021" in indicators
    assert "Estat: No assolit" in indicators


def test_a_visitor_never_sees_what_was_changed_after_publication(client, everything, staff):
    publish_charters_2021(staff)
    Entry.objects.filter(pk=everything.entry_21.pk).update(observations="Text refugiades nou")

    response = search(client, "refugiades")

    # No balance was published: the entry's new words are not public.
    assert "Compromís 21" not in visible_text(response)
    assert REFUGEE_TABLE_INDICATOR in visible_text(response)


def test_a_user_without_role_searches_only_what_was_published(persona_client, everything):
    response = search(persona_client("user_without_role"), "refugiades")

    assert "La cerca pública només inclou el que s'ha publicat" in visible_text(response)
    assert REFUGEE_TABLE_INDICATOR not in visible_text(response)


def test_a_search_too_long_is_refused_next_to_the_field_and_kept(reader, organisation):
    query = "refugiades " * 30

    response = search(reader, query)

    assert response.status_code == 400
    text = visible_text(response)
    assert "La cerca pot tenir com a màxim 200 caràcters" in text
    assert 'value="refugiades refugiades' in response.content.decode()


def test_a_search_of_no_words_says_what_to_type(reader, organisation):
    response = search(reader, "¿? …")

    assert response.status_code == 200
    assert "Escriviu alguna paraula amb lletres o xifres." in visible_text(response)


def test_each_group_shows_at_most_its_cap_and_says_there_are_more(reader, everything):
    build_commitments(everything, MAX_RESULTS + 5)  # «Compromís de prova 100…»

    response = search(reader, "prova")

    plan = section(response, "cerca-pla-de-mandat")
    assert plan.count("<li>") == MAX_RESULTS
    assert "hi ha més resultats" in text_of(plan)


@pytest.mark.parametrize("size", [3, 40])
def test_the_search_runs_the_same_queries_whatever_the_data(
    reader, everything, plis, size, django_assert_num_queries
):
    build_commitments(everything, size)  # «Compromís de prova …»
    build_charters(everything.commitment_21.area.services.get(name__contains="Solidaritat"), 2)
    for index in range(size):
        PlanAction.objects.create(plan=plis.plan, code=f"9.{index}", title="Acció de prova")
    # 1 session, 2 user, 3 the user's groups (roles), 4 the plan's items, 5 the
    # indicators, 6 the bodies, 7 the actions, 8 the actions' areas.
    with django_assert_num_queries(8):
        response = search(reader, "prova")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 40])
def test_the_public_search_runs_the_same_queries_whatever_the_data(
    client, everything, staff, size, django_assert_num_queries
):
    build_commitments(everything, size)
    publish_balance(staff, everything.open_period)
    publish_charters_2021(staff)
    # 1 the latest published versions, with the bounds of their items; 2 the published
    # balances' first matching items; 3 the published follow-ups'; 4 the bodies.
    with django_assert_num_queries(4):
        response = search(client, "refugiades")
    assert response.status_code == 200


def publish_balance(staff, period):
    deadline = timezone.localdate() + timedelta(days=30)
    round_ = open_round(RoundKind.BALANCE, period=period, deadline=deadline, acting_user=staff)
    publish_round(round_, acting_user=staff)
    return round_


def test_the_public_search_names_each_item_once_newest_first_in_the_documents_order(
    client, everything, staff
):
    build_commitments(everything, 3)  # «Compromís de prova 100…», in every semester
    newer = publish_balance(staff, everything.open_period)
    # Published after the newer one: what counts is the semester, not when it came out.
    everything.previous_period.is_open = True
    everything.previous_period.save()
    older = publish_balance(staff, everything.previous_period)
    Entry.objects.filter(node__code="101", period=everything.previous_period).update(
        observations="Només el semestre anterior parlava del xilòfon."
    )
    publish_round(older, note="Observacions revisades.", acting_user=staff)

    found = section(search(client, "prova"), "cerca-pla-de-mandat")

    newest_items = PublishedItem.objects.filter(version__round=newer, text__contains="prova")
    titles = [item.title for item in newest_items.order_by("position")]
    assert len(titles) == 3
    hits = found.split("<li>")[1:]
    assert [next(t for t in titles if t in hit) for hit in hits] == titles
    assert all(newer.versions.get().title in hit for hit in hits)
    # An item only the older semester mentions is found there.
    xylophone = section(search(client, "xilofon"), "cerca-pla-de-mandat")
    assert xylophone.count("<li>") == 1
    assert older.versions.get(number=2).title in text_of(xylophone)


def test_a_published_result_links_to_its_place_in_the_published_page(client, everything, staff):
    publish_charters_2021(staff)

    indicators = section(search(client, "refugiades"), "cerca-indicadors")
    href = next(href for text, href in page_links(indicators) if REFUGEE_TABLE_INDICATOR in text)
    path, anchor = href.split("#")
    # The follow-up is published a charter a part: the link opens the Solidaritat one.
    assert "?part=" in path
    page = client.get(path).content.decode()
    assert f'id="{anchor}"' in page
    assert REFUGEE_TABLE_INDICATOR in page


def test_a_new_version_replaces_what_the_search_finds_of_its_round(client, everything, staff):
    round_ = publish_charters_2021(staff)
    Measurement.objects.filter(indicator__name=REFUGEE_TABLE_INDICATOR, year=2021).update(
        observations="Es va reunir al xilòfon municipal."
    )
    assert REFUGEE_TABLE_INDICATOR not in visible_text(search(client, "xilofon"))

    publish_round(round_, note="Observacions revisades.", acting_user=staff)

    found = section(search(client, "xilofon"), "cerca-indicadors")
    assert REFUGEE_TABLE_INDICATOR in text_of(found)
    # The round's first version is no longer what the search reads: each item once.
    refugees = section(search(client, "refugiades"), "cerca-indicadors")
    assert text_of(refugees).count(REFUGEE_TABLE_INDICATOR) == 1
    assert set(PublishedItem.objects.values_list("version__number", flat=True)) == {2}
