import pytest

from governance.access import editable_q, may_edit, may_publish, may_read_internal, roles_of
from governance.models import Area, Service
from governance.roles import Role


@pytest.fixture
def citizenship(organisation):
    return Service.objects.get(name="Servei de Ciutadania")


def test_technician_edits_items_of_their_area_only(technician_area3, organisation, citizenship):
    assert may_edit(technician_area3, organisation[3].id)
    assert may_edit(technician_area3, organisation[3].id, citizenship.id)
    assert not may_edit(technician_area3, organisation[1].id)


def test_service_technician_edits_that_service_but_not_the_rest_of_its_area(
    technician_of_service, organisation, citizenship
):
    cooperation = Service.objects.get(name="Servei de Solidaritat i Cooperació Internacional")
    assert may_edit(technician_of_service, organisation[3].id, cooperation.id)
    assert not may_edit(technician_of_service, organisation[3].id, citizenship.id)
    assert not may_edit(technician_of_service, organisation[3].id)


@pytest.mark.parametrize("persona", ["director", "staff", "user_without_role"])
def test_readers_and_publishers_edit_nothing(request, persona, organisation):
    user = request.getfixturevalue(persona)
    assert not any(may_edit(user, area.id) for area in organisation.values())


def test_administrator_edits_everything(administrator, organisation):
    assert all(may_edit(administrator, area.id) for area in organisation.values())
    assert Role.ADMINISTRATOR in roles_of(administrator)


def test_editable_q_filters_a_queryset_like_may_edit(technician_area3, organisation):
    editable = Service.objects.filter(editable_q(technician_area3, area="area", service="pk"))
    assert set(editable.values_list("area__number", flat=True)) == {3}
    assert Area.objects.filter(editable_q(technician_area3, area="pk", service=None)).count() == 1


def test_editable_q_of_a_director_matches_nothing(director, organisation):
    assert not Area.objects.filter(editable_q(director, area="pk", service=None)).exists()


@pytest.mark.parametrize(
    ("persona", "reads", "publishes"),
    [
        ("user_without_role", False, False),
        ("technician_area3", True, False),
        ("director", True, False),
        ("staff", True, True),
        ("administrator", True, True),
    ],
)
def test_reading_and_publishing_by_role(request, persona, reads, publishes):
    user = request.getfixturevalue(persona)
    assert may_read_internal(user) is reads
    assert may_publish(user) is publishes
