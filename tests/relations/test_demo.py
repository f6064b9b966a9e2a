"""The demo, as `make run` loads it: commitment 21 related to the Solidaritat charter's
indicators and to area 3's PLIS actions, shown with their figures in the Balanç (page,
PDF) and in the version the demo publishes."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from commitments.models import PlanNode, ReportingPeriod
from publication.models import PublishedVersion
from relations import demo
from relations.models import Relation
from tests.pages import pdf_text, visible_text


@pytest.fixture
def demo_loaded(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_demo_relates_commitment_21_to_the_charter_and_the_plis(demo_loaded, client):
    commitment = PlanNode.objects.get(mandate__term="2015-2019", level__depth=1, code="21")
    relations = Relation.objects.filter(node=commitment)
    charters = {
        relation.indicator.commitment.objective.offered_service.charter.title
        for relation in relations.exclude(indicator=None)
    }
    assert charters == {demo.CHARTER}
    assert relations.exclude(indicator=None).count() == 7  # every indicator of the seed
    assert set(relations.exclude(action=None).values_list("action__code", flat=True)) == set(
        demo.ACTIONS
    )

    client.force_login(get_user_model().objects.get(username="director"))
    period = ReportingPeriod.objects.get(mandate__term="2015-2019", label="Primer semestre de 2019")
    balance = reverse("commitments:balance", args=[period.pk]) + "?priority=2"
    page = visible_text(client.get(balance))
    assert "Nombre de cicles realitzats" in page and "Compliment 2021: 75" in page
    assert "Cursos de competències digitals bàsiques als centres cívics" in page
    pdf = " ".join(
        pdf_text(client.get(f"/pla-de-mandat/balanc/{period.pk}/pdf/").getvalue()).split()
    )
    assert "Nombre de cicles realitzats" in pdf and "Grau d'implementació" in pdf
    published = PublishedVersion.objects.filter(round__period=period).get()
    assert "Nombre de cicles realitzats" in published.html


@pytest.mark.django_db
def test_loading_the_demo_twice_relates_nothing_more(demo_loaded):
    count = Relation.objects.count()

    demo.load(scale="demo", stdout=io.StringIO())

    assert Relation.objects.count() == count
