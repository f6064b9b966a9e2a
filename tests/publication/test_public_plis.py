"""The PLIS as citizens read it: the bodies, their functions and composition with the
counts, and Popolo; people named only on elected posts, never a technician; the
internal pages keep every name."""

import json

import pytest
from django.urls import reverse

from governance.composition import build_composition
from governance.models import Body
from tests.governance.conftest import FOLLOW_UP, TRANSVERSAL, build_memberships
from tests.pages import page_links, visible_text


def body_url(slug):
    return reverse("publication:public_body", args=[slug])


@pytest.fixture
def seated(plis):
    """A councillor (seat 4 of the follow-up commission), a director (seat 5) and three
    technicians of the transversal commission."""
    [councillor] = build_memberships(plis.seat(FOLLOW_UP, 4), 1, first=1)
    [director] = build_memberships(plis.seat(FOLLOW_UP, 5), 1, first=2)
    technicians = build_memberships(plis.technicians_seat, 3, first=3)
    return councillor, director, technicians


def test_an_anonymous_visitor_reads_the_plan_and_its_bodies(client, plis, seated):
    response = client.get(reverse("publication:public_plis"))

    assert response.status_code == 200
    text = visible_text(response)
    assert "Comissió tècnica transversal 3 membres" in text
    links = dict(page_links(response))
    assert links["Comissió tècnica transversal"] == body_url(TRANSVERSAL)
    assert links["Dades obertes dels òrgans (Popolo, JSON)"] == reverse("publication:public_popolo")
    assert reverse("governance:plan") not in links.values()


def test_a_body_shows_its_functions_and_counts_but_names_only_elected_posts(client, plis, seated):
    councillor, director, technicians = seated

    follow_up = client.get(body_url(FOLLOW_UP))
    transversal = client.get(body_url(TRANSVERSAL))

    assert follow_up.status_code == transversal.status_code == 200
    text = visible_text(follow_up)
    assert "Seguiment del grau de compliment del calendari previst" in text
    assert "Els/les directors/res de les cinc àrees de l'Ajuntament" in text
    assert "5 previstos: 1 designat" in text
    assert councillor.person.name in text
    assert director.person.name not in text
    transversal_text = visible_text(transversal)
    assert "22 previstos: 3 designats" in transversal_text
    assert "Membres per àrea" in transversal_text
    assert not any(member.person.name in transversal_text for member in technicians)
    assert "Els noms del personal municipal no es publiquen" in transversal_text
    # Nothing to manage, nothing internal linked.
    assert not [url for _, url in page_links(transversal) if url.startswith("/plis/")]


def test_the_internal_page_keeps_every_name(reader, plis, seated):
    _, director, technicians = seated

    text = visible_text(reader.get(reverse("governance:body", args=[TRANSVERSAL])))

    assert all(member.person.name in text for member in technicians)
    assert director.person.name in visible_text(
        reader.get(reverse("governance:body", args=[FOLLOW_UP]))
    )


def test_the_public_popolo_names_only_elected_posts(client, reader, plis, seated):
    councillor, director, technicians = seated

    public = json.loads(client.get(reverse("publication:public_popolo")).content)
    internal = json.loads(reader.get(reverse("governance:popolo")).content)

    assert [person["name"] for person in public["persons"]] == [councillor.person.name]
    assert [item["post_id"] for item in public["memberships"]] == [f"placa-{councillor.seat_id}"]
    assert len(public["posts"]) == len(internal["posts"]) == 10
    assert {body["name"] for body in public["organizations"]} >= {"Comissió tècnica transversal"}
    assert len(internal["persons"]) == 5


def test_an_unknown_body_is_not_found(client, plis):
    assert client.get(body_url("no-existeix")).status_code == 404


def test_the_public_composition_counts_what_it_does_not_name(plis, seated):
    composition = build_composition(
        Body.objects.get(slug=TRANSVERSAL), seated[1].start, public=True
    )

    seat = composition.seats[1]
    assert (seat.members, seat.unnamed, seat.filled) == ([], 3, 3)
    assert sum(row.count for row in composition.area_counts) == 3


@pytest.mark.parametrize("size", [5, 60])
def test_public_plis_query_counts(client, plis, size, django_assert_num_queries):
    build_memberships(plis.technicians_seat, size)
    build_memberships(plis.seat(FOLLOW_UP, 4), size, first=1000)
    # 1 the plan, 2 its bodies with their member and seat counts.
    with django_assert_num_queries(2):
        assert client.get(reverse("publication:public_plis")).status_code == 200
    # 1 the body with its plan, 2 its functions, 3 its seats, 4 the memberships of the
    # day with their people, areas, services, groups and delegators, 5 the areas.
    with django_assert_num_queries(5):
        assert client.get(body_url(TRANSVERSAL)).status_code == 200
    # 1 plans, 2 bodies, 3 political groups, 4 seats, 5 memberships of elected posts.
    with django_assert_num_queries(5):
        assert client.get(reverse("publication:public_popolo")).status_code == 200


def test_a_delegate_on_a_spokesperson_s_seat_is_counted_not_named(client, plis, seated):
    """The seat is political, the person sitting in delegation may be an adviser or a
    member of staff: the public page and Popolo name only who holds the post."""
    spokespeople = plis.seat(FOLLOW_UP, 1)
    [spokesperson, delegate] = build_memberships(spokespeople, 2, first=20)
    delegate.delegate_of = spokesperson.person
    delegate.save()

    text = visible_text(client.get(body_url(FOLLOW_UP)))
    popolo = json.loads(client.get(reverse("publication:public_popolo")).content)

    assert spokesperson.person.name in text
    assert delegate.person.name not in text
    assert "I 1 persona més, en delegació, que no es publica." in text
    names = {person["name"] for person in popolo["persons"]}
    assert spokesperson.person.name in names and delegate.person.name not in names
