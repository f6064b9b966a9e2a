"""An area's published picture, as a citizen reads it: only what the latest published
balance and follow-up say, never later edits; not found until both are published; the
queries it runs do not grow with the publications."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.models import Entry, ReportingPeriod, Status, StatusCategory
from publication.models import RoundKind
from publication.operations import open_round, publish_round
from service_charters.models import Measurement
from tests.commitments.conftest import build_commitments
from tests.pages import section, text_of, visible_text

AREA_3_URL = reverse("publication:public_area", args=[3])


def publish(staff, **subject):
    """Publish a balance (`period=`) or a follow-up (`year=`). A round opens only on a
    period open for entry: a past semester is opened for the round, then closed."""
    kind = RoundKind.BALANCE if "period" in subject else RoundKind.CHARTERS
    deadline = timezone.localdate() + timedelta(days=30)
    period = subject.get("period")
    was_open = period is None or period.is_open
    if not was_open:
        ReportingPeriod.objects.filter(pk=period.pk).update(is_open=True)
        period.refresh_from_db()
    round_ = open_round(kind, deadline=deadline, acting_user=staff, **subject)
    publish_round(round_, acting_user=staff)
    if not was_open:
        ReportingPeriod.objects.filter(pk=period.pk).update(is_open=False)
    return round_


@pytest.fixture
def published(seed_plan, seed_charter, staff):
    publish(staff, period=seed_plan.previous_period)
    publish(staff, period=seed_plan.open_period)
    publish(staff, year=2021)
    return seed_plan


def test_not_found_until_a_balance_and_a_follow_up_are_published(
    client, seed_plan, seed_charter, staff
):
    assert client.get(AREA_3_URL).status_code == 404
    publish(staff, year=2021)
    assert client.get(AREA_3_URL).status_code == 404
    publish(staff, period=seed_plan.open_period)
    assert client.get(AREA_3_URL).status_code == 200


def test_a_citizen_reads_area_3_as_published(client, published):
    response = client.get(AREA_3_URL)

    assert response.status_code == 200
    plan = text_of(section(response, "public-area-plan-title"))
    assert "Primer semestre de 2019" in plan
    assert "Completat o en execució dins les previsions 1 100 %" in plan
    charters = text_of(section(response, "public-area-charters-title"))
    assert "Assolits 4 66,7 %" in charters
    assert "No assolits 1 16,7 %" in charters


def test_what_changed_and_what_is_late_between_two_published_balances(
    client, seed_plan, seed_charter, staff
):
    delayed = Status.objects.get(mandate=seed_plan.mandate, category=StatusCategory.DELAYED)
    build_commitments(seed_plan, 3)  # area 3's, reported in the semester before
    publish(staff, period=seed_plan.previous_period)
    Entry.objects.filter(pk=seed_plan.entry_21.pk).update(status=delayed)
    publish(staff, period=seed_plan.open_period)
    publish(staff, year=2021)

    response = client.get(AREA_3_URL)

    changes = text_of(section(response, "public-area-changes-title"))
    assert "Compromís 21" in changes
    assert "En execució però amb retard · abans:" in changes
    late = text_of(section(response, "public-area-late-title"))
    assert "Compromís 21" in late


def test_later_edits_do_not_change_the_published_picture(client, published):
    Measurement.objects.filter(year=2021).update(result=None)

    response = client.get(AREA_3_URL)

    assert "Assolits 4 66,7 %" in text_of(section(response, "public-area-charters-title"))


def test_the_published_index_lists_the_areas_once_both_are_published(client, published):
    response = client.get(reverse("publication:public_index"))

    assert f'href="{AREA_3_URL}"' in response.content.decode()
    assert "Per àrees" in visible_text(response)


@pytest.mark.parametrize("balances", [1, 3])
def test_the_published_picture_runs_the_same_queries_whatever_was_published(
    client, seed_plan, seed_charter, staff, balances, django_assert_num_queries
):
    periods = list(seed_plan.mandate.periods.order_by("-start")[:balances])
    for period in reversed(periods):
        publish(staff, period=period)
    publish(staff, year=2021)
    # 1 the area, 2 the latest published versions, 3 the statuses of the balance's
    # mandate, 4 the area's services.
    with django_assert_num_queries(4):
        response = client.get(AREA_3_URL)
    assert response.status_code == 200
