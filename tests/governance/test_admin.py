"""The organisation and the PLIS in the admin: roles by their names, pickers that list who
can hold the role, the PLIS documents one action away, each record linked to its page."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from governance.documents import ACTION_PLAN_PDF, BODY_PDF
from governance.models import (
    ActionImplementation,
    Agreement,
    Area,
    Body,
    BodyFunction,
    Meeting,
    Membership,
    Milestone,
    Person,
    Plan,
    PlanAction,
)
from governance.roles import Role
from terrassa_plis.models import GeneratedDocument
from tests.admin_actions import changelist_url, run_action
from tests.conftest import make_user
from tests.governance.conftest import OTL, TRANSVERSAL
from tests.pages import markup, text_of, visible_text


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def section_of(response, css_class: str) -> str:
    """The markup of the page's first <div> of class `css_class`."""
    found = re.search(rf'<div class="{css_class}">(.*?)</div>', markup(response), re.S)
    assert found, f"no {css_class}"
    return found[1]


def options_of(response, name: str) -> list[str]:
    """The texts of the options of the select `name`, in order."""
    page = markup(response)
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {name}"
    options = re.findall(r"<option[^>]*>(.*?)</option>", select[1], re.S)
    return [" ".join(text.split()) for text in options]


# Roles


def test_the_roles_are_listed_by_their_catalan_names(admin_client):
    for role in Role:
        role.group()
    page = visible_text(admin_client.get(changelist_url(Group)))
    for label in ("Personal tècnic", "Direcció", "Equip de publicació", "Administració"):
        assert label in page


def test_a_user_s_roles_are_picked_and_shown_by_their_names(admin_client, technician_area3, staff):
    form = admin_client.get(reverse("admin:auth_user_change", args=[technician_area3.pk]))
    assert {"Personal tècnic", "Equip de publicació"} <= set(options_of(form, "groups"))
    assert "technician" not in options_of(form, "groups")
    listing = admin_client.get(changelist_url(technician_area3.__class__))
    assert "Personal tècnic" in visible_text(listing)
    assert "Equip de publicació" in visible_text(listing)


def test_the_people_are_filtered_by_role(admin_client, technician_area3, director):
    users = changelist_url(technician_area3.__class__)
    technicians = Role.TECHNICIAN.group()
    page = visible_text(admin_client.get(users, {"rol": technicians.pk}))
    assert "Per rol" in page
    assert "marta" in page
    assert "directora" not in page


@pytest.mark.parametrize(("language", "label"), [("es", "Personal técnico"), ("en", "Technician")])
def test_the_roles_read_in_spanish_and_english_too(admin_client, settings, language, label):
    Role.TECHNICIAN.group()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    listing = admin_client.get(changelist_url(Group))
    assert label in visible_text(listing)


def test_a_role_keeps_its_code_the_guard_reads(admin_client, technician_area3):
    group = Role.TECHNICIAN.group()
    change_url = reverse("admin:auth_group_change", args=[group.pk])
    form = admin_client.get(change_url)
    assert 'name="name"' not in markup(form)
    assert "Personal tècnic" in text_of(section_of(form, "breadcrumbs"))
    assert "Personal tècnic | Modificar grup" in visible_text(form)
    history = admin_client.get(reverse("admin:auth_group_history", args=[group.pk]))
    assert "Historial de canvis: Personal tècnic" in visible_text(history)
    assert "technician" not in text_of(section_of(history, "breadcrumbs"))
    admin_client.post(change_url, {"name": "tecnics", "permissions": []})
    group.refresh_from_db()
    assert group.name == "technician"
    delete = admin_client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"})
    assert delete.status_code == 403
    # Nor from the list: Django asks the same permission of each group picked.
    bulk = run_action(admin_client, Group, "delete_selected", [group], post="yes")
    assert bulk.status_code == 403
    assert Group.objects.filter(name="technician").exists()


def test_another_group_is_named_and_deleted_as_usual(admin_client):
    group = Group.objects.create(name="Revisors")
    delete = admin_client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"})
    assert delete.status_code == 302
    assert not Group.objects.filter(pk=group.pk).exists()


def test_permissions_are_named_in_catalan(admin_client):
    form = admin_client.get(reverse("admin:auth_group_add"))
    options = options_of(form, "permissions")
    assert "Organització i PLIS | Àrea | Pot afegir" in options
    assert "Organització i PLIS | Acció del pla (historial) | Pot veure" in options
    assert "Organització i PLIS | Acció del pla · àrees responsables (historial) | Pot veure" in (
        options
    )
    english = [option for option in options if "Can " in option or "istorical" in option]
    assert not english
    assert len(options) == Permission.objects.count()


# Pickers


def test_the_technicians_picker_lists_only_technicians(
    admin_client, organisation, technician_area3, technician_other_area, director, staff
):
    area = organisation[3]
    inactive = make_user("retirada", Role.TECHNICIAN)
    inactive.is_active = False
    inactive.save()
    for url in (
        reverse("admin:governance_area_change", args=[area.pk]),
        reverse("admin:governance_area_add"),
        reverse("admin:governance_service_change", args=[area.services.first().pk]),
    ):
        options = options_of(admin_client.get(url), "technicians")
        assert options == ["jordi", "marta"], url


def test_someone_assigned_before_losing_the_role_stays_so_the_form_saves(
    admin_client, organisation, technician_area3, director
):
    area = organisation[3]
    area.technicians.add(director)
    change_url = reverse("admin:governance_area_change", args=[area.pk])
    assert options_of(admin_client.get(change_url), "technicians") == ["directora", "marta"]
    response = admin_client.post(
        change_url,
        {
            "number": area.number,
            "name": area.name,
            "technicians": [technician_area3.pk],
            "services-TOTAL_FORMS": "0",
            "services-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, visible_text(response)
    assert list(area.technicians.all()) == [technician_area3]


def test_a_picker_refuses_someone_without_the_role(admin_client, organisation, director):
    area = organisation[1]
    response = admin_client.post(
        reverse("admin:governance_area_change", args=[area.pk]),
        {
            "number": area.number,
            "name": area.name,
            "technicians": [director.pk],
            "services-TOTAL_FORMS": "0",
            "services-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Esculliu una opció vàlida" in visible_text(response)
    assert not area.technicians.exists()


# The PLIS documents


def test_the_body_action_downloads_its_composition_as_the_site_gives_it(
    admin_client, plis, no_worker
):
    body = plis.bodies[OTL]
    response = run_action(admin_client, Body, "download_composition", [body])
    assert response["Location"] == reverse("governance:body_pdf", args=[body.slug])
    admin_client.get(response["Location"])
    document = GeneratedDocument.objects.get()
    assert document.kind == BODY_PDF
    assert document.params["body"] == body.slug


def test_the_plan_action_downloads_the_action_plan(admin_client, plis, no_worker):
    response = run_action(admin_client, Plan, "download_action_plan", [plis.plan])
    assert response["Location"] == reverse("governance:actions_pdf")
    admin_client.get(response["Location"])
    assert GeneratedDocument.objects.get().kind == ACTION_PLAN_PDF


def test_a_plan_the_site_does_not_follow_has_no_action_plan_to_download(
    admin_client, plis, no_worker
):
    other = Plan.objects.create(name="Un altre pla", short_name="ALT", approved_on=date(2024, 1, 1))
    response = run_action(admin_client, Plan, "download_action_plan", [other])
    assert response["Location"] == changelist_url(Plan)
    assert "segueixen el pla vigent" in visible_text(admin_client.get(response["Location"]))
    assert not GeneratedDocument.objects.exists()


def test_the_composition_action_asks_for_one_body_at_a_time(admin_client, plis, no_worker):
    response = run_action(
        admin_client, Body, "download_composition", [plis.bodies[OTL], plis.bodies[TRANSVERSAL]]
    )
    assert response["Location"] == changelist_url(Body)
    assert "Trieu un sol element (òrgan)" in visible_text(admin_client.get(response["Location"]))
    assert not GeneratedDocument.objects.exists()


# View on site


def test_each_record_leads_to_a_page_a_reader_may_open(client, director, plis):
    body = plis.bodies[TRANSVERSAL]
    seat = plis.technicians_seat
    person = Person.objects.create(name="Núria Puig")
    membership = Membership.objects.create(person=person, seat=seat, start=date(2024, 1, 1))
    meeting = Meeting.objects.create(body=body, date=date(2024, 3, 12))
    action = PlanAction.objects.create(
        plan=plis.plan, code="1.1.1", title="Acció", axis="Eix 1", line="1.1"
    )
    records = [
        plis.plan,
        body,
        BodyFunction.objects.filter(body=body).first(),
        seat,
        membership,
        meeting,
        Agreement.objects.create(meeting=meeting, text="Convocar la taula"),
        action,
        ActionImplementation.objects.create(action=action, period="2024-S1", degree=40),
        Milestone.objects.create(plan=plis.plan, title="Diagnosi", planned_on=date(2024, 6, 1)),
    ]
    client.force_login(director)
    for record in records:
        assert client.get(record.get_absolute_url()).status_code == 200, record
    assert membership.get_absolute_url().endswith(f"#placa-{seat.pk}")
    assert f'id="placa-{seat.pk}"' in markup(client.get(body.get_absolute_url()))


def test_areas_and_people_have_no_page_of_their_own(organisation):
    assert not hasattr(Area, "get_absolute_url")
    assert not hasattr(Person, "get_absolute_url")


def test_implementation_periods_read_in_words_in_the_list_and_its_filter(admin_client, plis):
    action = PlanAction.objects.create(
        plan=plis.plan, code="1.1.1", title="Acció", axis="Eix 1", line="1.1"
    )
    ActionImplementation.objects.create(action=action, period="2024-S1", degree=40)
    ActionImplementation.objects.create(action=action, period="2026-S2", degree=60)

    response = admin_client.get(changelist_url(ActionImplementation))
    page = visible_text(response)

    assert "2n semestre 2026" in page and "1r semestre 2024" in page
    assert "2026-S2" not in page and "2024-S1" not in page
    filtered = admin_client.get(changelist_url(ActionImplementation) + "?period=2026-S2")
    assert "2n semestre 2026" in visible_text(filtered)
    results = re.search(r'<table id="result_list".*?</table>', markup(filtered), re.S)[0]
    assert "2n semestre 2026" in text_of(results) and "1r semestre 2024" not in text_of(results)
