"""Shared fixtures: the city's organisation, the named personas of every test, and the
Chromium that browser tests and accessibility checks drive."""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from governance.models import Area, Service
from governance.roles import Role


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_in_the_request(settings):
    """Background tasks run at once, inside the request that enqueues them: a test sees
    their outcome without a worker. The tests of the workers themselves say otherwise."""
    settings.TASKS = IMMEDIATE_TASKS
    # A child process would not see the test's uncommitted data.
    settings.WORKER_ISOLATION = False


@pytest.fixture
def no_worker(settings):
    """Tasks wait in a queue nobody serves, as when every worker is busy: the documents
    and publications asked for stay under way. Returns the queue (its `results`)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import task_backends

    backend = task_backends["default"]
    backend.clear()
    return backend


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


def make_persona(persona: str):
    """The user of a named persona (None for the anonymous visitor), built on the loaded
    organisation: what each persona fixture below returns, and what a module that builds
    its data once (the permission matrix) signs in as."""
    if persona == "anonymous":
        return None
    if persona == "technician_area3":
        return make_user("marta", Role.TECHNICIAN, areas=[Area.objects.get(number=3)])
    if persona == "technician_other_area":
        return make_user("jordi", Role.TECHNICIAN, areas=[Area.objects.get(number=1)])
    if persona == "technician_of_service":
        service = Service.objects.get(name="Servei de Solidaritat i Cooperació Internacional")
        return make_user("laia", Role.TECHNICIAN, services=[service])
    roles = {
        "user_without_role": ("sensegrup", None),
        "director": ("directora", Role.DIRECTOR),
        "staff": ("publicacio", Role.PUBLICATION_STAFF),
        "administrator": ("administradora", Role.ADMINISTRATOR),
    }
    username, role = roles[persona]
    return make_user(username, role)


@pytest.fixture
def technician_area3(organisation):
    """Marta, technician of area 3 (Drets Socials i Serveis a les Persones)."""
    return make_persona("technician_area3")


@pytest.fixture
def technician_other_area(organisation):
    """Jordi, technician of area 1 (Territori i Sostenibilitat)."""
    return make_persona("technician_other_area")


@pytest.fixture
def technician_of_service(organisation):
    """Laia, technician of the Solidaritat i Cooperació Internacional service only."""
    return make_persona("technician_of_service")


@pytest.fixture
def director(organisation):
    return make_persona("director")


@pytest.fixture
def staff(organisation):
    """Publication staff: checks, publishes and exports."""
    return make_persona("staff")


@pytest.fixture
def administrator(organisation):
    return make_persona("administrator")


@pytest.fixture
def user_without_role(organisation):
    return make_persona("user_without_role")


# Every persona, in the permission matrix's column order.
EVERY_PERSONA = (
    "anonymous",
    "user_without_role",
    "technician_area3",
    "technician_other_area",
    "technician_of_service",
    "director",
    "staff",
    "administrator",
)
# The personas the modules' own who-may-read tests run for; Laia, technician of one
# service, appears in the matrix and in the charters' tests, where a service matters.
PERSONAS = [persona for persona in EVERY_PERSONA if persona != "technician_of_service"]


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


# Playwright drives Debian's Chromium; the project never downloads a browser. Without
# Chromium the tests that need it skip with the reason, except in CI (CI=true), where a
# missing browser is a failure.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

# Playwright's sync API runs an event loop in the test thread; the tests still
# touch the database synchronously to arrange data, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Flags that keep Chromium from reaching out to the network, which these machines refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (browser tests are required in CI)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
