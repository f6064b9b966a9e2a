"""Shared fixtures: the city's organisation and the named personas of every test."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from governance.models import Area, Service
from governance.roles import Role


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Published PDFs go to storage: keep them out of the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def organisation(db):
    """The five areas and the seeds' services, from the fixture that load_demo uses."""
    call_command("loaddata", "organisation", verbosity=0)
    return {area.number: area for area in Area.objects.all()}


def make_user(username, role=None, *, areas=(), services=(), password="demo"):
    user = get_user_model().objects.create_user(
        username=username, password=password, first_name=username.title()
    )
    if role is not None:
        user.groups.add(role.group())
    if role == Role.ADMINISTRATOR:
        user.is_staff = user.is_superuser = True
        user.save()
    user.technician_areas.set(areas)
    user.technician_services.set(services)
    return user


@pytest.fixture
def technician_area3(organisation):
    """Marta, technician of area 3 (Drets Socials i Serveis a les Persones)."""
    return make_user("marta", Role.TECHNICIAN, areas=[organisation[3]])


@pytest.fixture
def technician_other_area(organisation):
    """Jordi, technician of area 1 (Territori i Sostenibilitat)."""
    return make_user("jordi", Role.TECHNICIAN, areas=[organisation[1]])


@pytest.fixture
def technician_of_service(organisation):
    """Laia, technician of the Solidaritat i Cooperació Internacional service only."""
    service = Service.objects.get(name="Servei de Solidaritat i Cooperació Internacional")
    return make_user("laia", Role.TECHNICIAN, services=[service])


@pytest.fixture
def director(organisation):
    return make_user("directora", Role.DIRECTOR)


@pytest.fixture
def staff(organisation):
    """Publication staff: checks, publishes and exports."""
    return make_user("publicacio", Role.PUBLICATION_STAFF)


@pytest.fixture
def administrator(organisation):
    return make_user("administradora", Role.ADMINISTRATOR)


@pytest.fixture
def user_without_role(organisation):
    return make_user("sensegrup")


PERSONAS = [
    "anonymous",
    "user_without_role",
    "technician_area3",
    "technician_other_area",
    "director",
    "staff",
    "administrator",
]


@pytest.fixture
def persona_client(db, client, request):
    """A test client signed in as the persona named by the test's parameter."""

    def sign_in(persona):
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return sign_in


@pytest.fixture
def reader(client, director):
    """A client signed in as the director: reads every internal page, edits nothing."""
    client.force_login(director)
    return client


@pytest.fixture
def manager(client, staff):
    """A client signed in as publication staff: manages the bodies' members and the rounds."""
    client.force_login(staff)
    return client


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations(django_db_blocker):
    """Tests read the interface in Catalan, Spanish and English: compile the .po files first."""
    call_command("compile_translations", verbosity=0)
