"""A published document is read a part at a time: the balance a top-level node (a
priority), the follow-up a charter, under the document's beginning (title, summary) and
a chooser of every part. No public page carries a whole city's plan; the PDF does.

Anonymous requests, as a citizen reads them.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from publication.models import PublishedPart, PublishedVersion, RoundKind
from publication.operations import open_round, publish_round
from tests.commitments.conftest import build_commitments
from tests.pages import markup, page_links, text_of, visible_text


@pytest.fixture
def balance_v1(seed_plan, staff):
    build_commitments(seed_plan, 6)
    round_ = open_round(
        RoundKind.BALANCE,
        period=seed_plan.open_period,
        deadline=timezone.localdate() + timedelta(days=30),
        acting_user=staff,
    )
    return publish_round(round_, acting_user=staff)


@pytest.fixture
def charters_v1(seed_charter, staff):
    round_ = open_round(
        RoundKind.CHARTERS,
        year=2021,
        deadline=timezone.localdate() + timedelta(days=30),
        acting_user=staff,
    )
    return publish_round(round_, acting_user=staff)


def page(client, version, part=None):
    url = reverse("publication:public_version", args=[version.round_id, version.number])
    return client.get(url, {"part": part} if part else {})


def chooser(response) -> list[tuple[str, str]]:
    content = response.content.decode()
    nav = re.search(
        r'<nav[^>]*aria-labelledby="document-parts-title"[^>]*>(.*?)</nav>', content, re.S
    )
    assert nav, "no chooser of parts"
    return page_links(nav.group(1))


def test_the_balance_opens_on_its_first_priority_with_a_chooser_of_every_priority(
    client, balance_v1, seed_plan
):
    parts = list(balance_v1.parts.all())
    priorities = seed_plan.mandate.nodes.filter(parent=None).order_by("path")
    assert [part.key for part in parts] == [f"prioritat-{node.code}" for node in priorities]

    response = page(client, balance_v1)

    text = visible_text(response)
    # The document's beginning: its title and its summary of every priority.
    assert "Balanç del Pla de Mandat" in text
    assert "Resum de l'estat de compliment" in text
    assert [label for label, _ in chooser(response)] == [part.title for part in parts]
    assert [href for _, href in chooser(response)] == [f"?part={part.key}" for part in parts]
    assert 'aria-current="page">' + parts[0].title in markup(response)
    assert "PRIORITAT núm. 1" in text
    assert "PRIORITAT núm. 2" not in text.split("Parts del document")[1]


def test_another_part_shows_its_commitments_and_not_the_first_ones(client, balance_v1, seed_plan):
    response = page(client, balance_v1, "prioritat-2")

    document = text_of(response.content.decode().split('id="document-parts-title"')[1])
    assert "PRIORITAT núm. 2" in document
    assert "COMPROMÍS núm. 21" in document
    assert "PRIORITAT núm. 1" not in document
    labels = [label for label, _ in page_links(response)]
    assert any(label.startswith("Part anterior: Prioritat 1.") for label in labels)


def test_the_parts_together_are_the_whole_published_document(balance_v1):
    parts = [text_of(part.html) for part in balance_v1.parts.all()]
    assert text_of(balance_v1.html) == " ".join([text_of(balance_v1.intro), *parts])


def test_an_unknown_part_is_not_found(client, balance_v1):
    assert page(client, balance_v1, "prioritat-99").status_code == 404


def test_the_follow_up_is_read_a_charter_at_a_time(client, charters_v1, seed_charter):
    response = page(client, charters_v1)

    assert response.status_code == 200
    assert [label for label, _ in chooser(response)] == [seed_charter.charter.title]
    assert "Resum del grau de compliment dels compromisos" in visible_text(response)
    assert "SEGUIMENT DELS COMPROMISOS DE LES CARTES DE SERVEIS 2021" in visible_text(response)


def test_a_version_published_before_parts_shows_its_whole_document(client, balance_v1):
    """Versions frozen before the parts existed keep only their whole HTML."""
    PublishedPart.objects.filter(version=balance_v1).delete()
    PublishedVersion.objects.filter(pk=balance_v1.pk).update(intro="")

    response = page(client, balance_v1)

    assert response.status_code == 200
    assert "Parts del document" not in visible_text(response)
    assert "PRIORITAT núm. 1" in visible_text(response)
    assert "COMPROMÍS núm. 21" in visible_text(response)
    assert page(client, balance_v1, "prioritat-1").status_code == 404


@pytest.mark.parametrize("extra", [0, 30])
def test_a_part_costs_the_same_queries_whatever_the_plan(
    client, seed_plan, staff, extra, django_assert_num_queries
):
    build_commitments(seed_plan, extra)
    round_ = open_round(
        RoundKind.BALANCE,
        period=seed_plan.open_period,
        deadline=timezone.localdate() + timedelta(days=30),
        acting_user=staff,
    )
    version = publish_round(round_, acting_user=staff)
    # 1 the version, 2 its parts' keys and titles, 3 the part shown, 4 the versions.
    with django_assert_num_queries(4):
        response = page(client, version, "prioritat-2")
    assert response.status_code == 200
