"""Who may open what, and who may act: one table of rows (URL name with its arguments,
method, and the status every persona gets), run for every persona.

The table is complete and says so itself: `test_every_url_of_the_project_is_in_the_matrix`
walks the URL resolver and fails naming any pattern without a row. A row is one line:
when a view is split into one POST view per action, its new URL names get one row each.

GET rows check the status. POST rows post minimal (usually invalid) data so that no row
depends on another: a persona who may not act gets 403 (anonymous visitors the login
page) and the database reads the same afterwards; one who may gets past the guard (a form
with errors, or a redirect).

The seed data and the personas are built once for the module, inside a transaction
rolled back at its end; each test runs in its own savepoint.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from commitments.documents import BALANCE_PDF
from commitments.models import PlanNode, ReportingPeriod
from governance.models import Body, Meeting, PlanAction
from publication.models import RoundKind
from publication.operations import open_round, publish_round
from publication.snapshots import build_snapshot
from publication.versions import freeze_version
from relations.models import Relation
from service_charters.models import Charter, Indicator, Measurement
from terrassa_plis.models import GeneratedDocument
from tests.conftest import EVERY_PERSONA as PERSONAS
from tests.conftest import make_persona
from tests.governance.conftest import OTL, TRANSVERSAL, build_memberships

GET, POST = "GET", "POST"
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
# Sent to the login page (302 to /entrar/?next=…): how anonymous visitors are refused.
LOGIN = "login"


def expect(*statuses: int) -> dict[str, int]:
    assert len(statuses) == len(PERSONAS)
    return dict(zip(PERSONAS, statuses, strict=True))


# fmt: off
#                          anon   none  area3 other serv.  dir  staff admin
EVERYONE       = expect(   200,   200,  200,  200,  200,  200,  200,  200)
NOT_FOUND      = expect(   404,   404,  404,  404,  404,  404,  404,  404)
NOT_ALLOWED    = expect(   405,   405,  405,  405,  405,  405,  405,  405)
REDIRECTED     = expect(   302,   302,  302,  302,  302,  302,  302,  302)
SIGN_OUT       = expect( LOGIN,   302,  302,  302,  302,  302,  302,  302)
SIGN_OUT_BY_GET = expect(LOGIN,   405,  405,  405,  405,  405,  405,  405)
SIGNED_IN      = expect( LOGIN,   200,  200,  200,  200,  200,  200,  200)
READERS        = expect( LOGIN,   403,  200,  200,  200,  200,  200,  200)
READERS_302    = expect( LOGIN,   403,  302,  302,  302,  302,  302,  302)
READERS_400    = expect( LOGIN,   403,  400,  400,  400,  400,  400,  400)
STEERING       = expect( LOGIN,   403,  403,  403,  403,  200,  200,  200)
STEERING_400   = expect( LOGIN,   403,  403,  403,  403,  400,  400,  400)
STEERING_405   = expect( LOGIN,   403,  403,  403,  403,  405,  405,  405)
PUBLISHERS     = expect( LOGIN,   403,  403,  403,  403,  403,  200,  200)
PUBLISHERS_302 = expect( LOGIN,   403,  403,  403,  403,  403,  302,  302)
PUBLISHERS_400 = expect( LOGIN,   403,  403,  403,  403,  403,  400,  400)
PUBLISHERS_405 = expect( LOGIN,   403,  403,  403,  403,  403,  405,  405)
# Commitment 21 is area 3's: Marta's, not Laia's service's.
EDITORS_OF_21  = expect( LOGIN,   403,  200,  403,  403,  403,  403,  200)
# Its related items: its area's technicians, publication staff and administrators.
RELATORS_OF_21 = expect( LOGIN,   403,  200,  403,  403,  403,  200,  200)
RELATORS_OF_21_302 = expect(LOGIN, 403, 302,  403,  403,  403,  302,  302)
SIGNED_IN_405  = expect( LOGIN,   405,  405,  405,  405,  405,  405,  405)
# The seed charter is Laia's service's, in area 3.
CHARTER_EDITORS = expect(LOGIN,   403,  200,  403,  200,  403,  403,  200)
# An area's page: those who steer, and the technicians of that area (Marta, area 3).
AREA_3_READERS = expect( LOGIN,   403,  200,  403,  403,  200,  200,  200)
# Django's admin sends whoever is not staff (is_staff) to its own login page.
ADMIN_SITE     = expect(   302,   302,  302,  302,  302,  302,  302,  200)
# fmt: on
# Bodies' members and actions' implementation: publication staff and administrators.
MANAGERS = PUBLISHERS
# Actions' decisions: the transversal commission's members too, but no persona sits on it.
DECIDERS = PUBLISHERS


class Row(NamedTuple):
    """One line of the matrix: a URL (its name, and its arguments: the names of the
    module's seed objects, see `seed`, or literal values), the method, the status of
    every persona, and for a POST what it sends."""

    method: str
    name: str
    args: tuple
    expected: dict[str, int]
    data: dict | None = None

    def url(self, seed) -> str:
        return reverse(self.name, args=[seed.get(arg, arg) for arg in self.args])

    def __str__(self) -> str:
        args = ",".join(str(arg) for arg in self.args)
        intent = (self.data or {}).get("intent")
        return f"{self.method}-{self.name}({args})" + (f"[{intent}]" if intent else "")


# fmt: off
MATRIX = [
    # The project
    # Citizens get the public home, signed-in people their own.
    Row(GET,  "home", (), EVERYONE),
    Row(POST, "home", (), NOT_ALLOWED, {}),
    # Documents made in the background: whoever may read their kind follows them.
    Row(GET,  "document", ("document",), READERS),
    Row(GET,  "document_progress", ("document",), READERS),
    Row(POST, "document_retry", ("document",), READERS_302, {}),
    Row(GET,  "health", (), EVERYONE),
    Row(GET,  "login", (), EVERYONE),
    Row(POST, "login", (), EVERYONE, {"username": "", "password": ""}),
    Row(GET,  "logout", (), SIGN_OUT_BY_GET),
    Row(POST, "logout", (), SIGN_OUT, {}),
    Row(POST, "set_language", (), REDIRECTED, {"language": "es", "next": "/"}),
    Row(GET,  "admin:index", (), ADMIN_SITE),
    Row(GET,  "admin:governance_area_changelist", (), ADMIN_SITE),
    Row(GET,  "admin:commitments_entry_changelist", (), ADMIN_SITE),
    Row(GET,  "admin:service_charters_measurement_changelist", (), ADMIN_SITE),
    # Mandate Plan
    Row(GET,  "commitments:list", (), READERS),
    Row(GET,  "commitments:export", ("csv",), READERS),
    Row(GET,  "commitments:export", ("xlsx",), READERS),
    Row(GET,  "commitments:export", ("json",), READERS),
    Row(GET,  "commitments:detail", ("commitment_21",), READERS),
    Row(GET,  "commitments:mine", (), READERS),
    Row(GET,  "commitments:entry_edit", ("commitment_21", "open_period"), EDITORS_OF_21),
    Row(POST, "commitments:entry_edit", ("commitment_21", "open_period"), EDITORS_OF_21, {}),
    # The navigation's Balanç: the chosen (or latest reported) semester's balance.
    Row(GET,  "commitments:balance_choose", (), READERS_302),
    Row(GET,  "commitments:balance", ("open_period",), READERS),
    Row(GET,  "commitments:balance_pdf", ("open_period",), READERS),
    # Service charters
    Row(GET,  "service_charters:list", (), READERS),
    Row(GET,  "service_charters:year_report", (2021,), READERS),
    Row(GET,  "service_charters:year_report_pdf", (2021,), READERS),
    Row(GET,  "service_charters:shortfalls", (2021,), READERS),
    Row(GET,  "service_charters:year_export", (2021, "csv"), READERS),
    Row(GET,  "service_charters:year_export", (2021, "json"), READERS),
    Row(GET,  "service_charters:charter_report", ("charter", 2021), READERS),
    Row(GET,  "service_charters:charter_report_pdf", ("charter", 2021), READERS),
    Row(GET,  "service_charters:charter_export", ("charter", 2021, "xlsx"), READERS),
    Row(GET,  "service_charters:indicator_detail", ("indicator",), READERS),
    Row(GET,  "service_charters:results_edit", ("charter", 2021), CHARTER_EDITORS),
    Row(POST, "service_charters:results_edit", ("charter", 2021), CHARTER_EDITORS, {}),
    Row(GET,  "service_charters:import", (), PUBLISHERS),
    Row(POST, "service_charters:import", (), PUBLISHERS, {}),
    Row(POST, "service_charters:import_confirm", (), PUBLISHERS_302, {}),
    # PLIS
    Row(GET,  "governance:plan", (), READERS),
    Row(GET,  "governance:popolo", (), READERS),
    Row(GET,  "governance:body", (TRANSVERSAL,), READERS),
    Row(GET,  "governance:body_pdf", (OTL,), READERS),
    Row(GET,  "governance:membership_create", (TRANSVERSAL,), MANAGERS),
    Row(POST, "governance:membership_create", (TRANSVERSAL,), MANAGERS, {}),
    Row(GET,  "governance:membership_edit", ("membership",), MANAGERS),
    Row(POST, "governance:membership_edit", ("membership",), MANAGERS, {}),
    Row(GET,  "governance:meetings", (), READERS),
    Row(GET,  "governance:meeting", ("meeting",), READERS),
    Row(GET,  "governance:actions", (), READERS),
    Row(GET,  "governance:actions_pdf", (), READERS),
    Row(GET,  "governance:action", ("action",), READERS),
    # One POST view per action: a form with errors for those who may act.
    Row(POST, "governance:action_decision", ("action",), DECIDERS, {}),
    Row(POST, "governance:action_implementation", ("action",), MANAGERS, {}),
    Row(GET,  "governance:action_decision", ("action",), PUBLISHERS_405),
    Row(POST, "governance:action", ("action",), READERS_400, {}),
    # Related items of a plan's item (relations): its area decides. Adding with nothing
    # chosen is a form error; removing a relation that does not exist says so.
    Row(GET,  "relations:manage", ("commitment_21",), RELATORS_OF_21),
    Row(POST, "relations:add", ("commitment_21",), RELATORS_OF_21, {}),
    Row(GET,  "relations:add", ("commitment_21",), SIGNED_IN_405),
    Row(POST, "relations:remove", ("commitment_21", 999999), RELATORS_OF_21_302, {}),
    # Dashboards and rounds: those who steer
    Row(GET,  "publication:dashboard", (), STEERING),
    Row(GET,  "publication:charters_dashboard", (), STEERING),
    Row(GET,  "publication:plis_dashboard", (), STEERING),
    Row(GET,  "publication:rounds", (), STEERING),
    Row(POST, "publication:rounds", (), STEERING_405, {}),
    Row(POST, "publication:round_open", (), PUBLISHERS_400, {}),
    Row(GET,  "publication:round", ("open_round",), STEERING),
    Row(GET,  "publication:round", ("published_round",), STEERING),
    Row(POST, "publication:round", ("published_round",), STEERING_400, {}),
    # On a round published already: passing it to review refuses with a message,
    # publishing again without a note refuses next to the note.
    Row(POST, "publication:round_review", ("published_round",), PUBLISHERS_302, {}),
    Row(POST, "publication:round_publish", ("published_round",), PUBLISHERS_400, {}),
    Row(GET,  "publication:round_changes", ("open_round",), STEERING),
    Row(GET,  "publication:round_changes", ("republished_round",), STEERING),
    Row(POST, "publication:round_changes", ("republished_round",), STEERING_405, {}),
    # Public pages: no login, and nothing unpublished
    Row(GET,  "publication:public_index", (), EVERYONE),
    Row(GET,  "publication:public_page", ("published_round",), EVERYONE),
    Row(GET,  "publication:public_page", ("open_round",), NOT_FOUND),
    Row(POST, "publication:public_page", ("published_round",), NOT_ALLOWED, {}),
    Row(GET,  "publication:public_version", ("published_round", 1), EVERYONE),
    Row(GET,  "publication:public_version", ("published_round", 2), NOT_FOUND),
    Row(GET,  "publication:public_pdf", ("published_round", 1), EVERYONE),
    Row(GET,  "publication:public_changes", ("republished_round", 2), EVERYONE),
    Row(GET,  "publication:public_changes", ("published_round", 1), NOT_FOUND),
    Row(POST, "publication:public_changes", ("republished_round", 2), NOT_ALLOWED, {}),
    Row(GET,  "publication:public_data", ("published_round", 1, "csv"), EVERYONE),
    Row(GET,  "publication:public_data", ("published_round", 1, "json"), EVERYONE),
    Row(GET,  "publication:public_data", ("published_round", 1, "xlsx"), EVERYONE),
    # The PLIS in public: names only on elected posts (tests/publication/test_public_plis.py)
    Row(GET,  "publication:public_plis", (), EVERYONE),
    Row(GET,  "publication:public_body", (TRANSVERSAL,), EVERYONE),
    Row(GET,  "publication:public_body", ("no-existeix",), NOT_FOUND),
    Row(POST, "publication:public_body", (TRANSVERSAL,), NOT_ALLOWED, {}),
    Row(GET,  "publication:public_popolo", (), EVERYONE),
    # An area's published picture, from the latest published balance and follow-up
    Row(GET,  "publication:public_area", (3,), EVERYONE),
    Row(GET,  "publication:public_area", (9,), NOT_FOUND),
    # An area's picture across the instruments (overview); an area that does not exist
    Row(GET,  "overview:area", (3,), AREA_3_READERS),
    Row(GET,  "overview:area", (9,), expect(LOGIN, 403, 404, 404, 404, 404, 404, 404)),
    Row(POST, "overview:area", (3,), expect(LOGIN, 405, 405, 405, 405, 405, 405, 405), {}),
    # Search: everyone; who reads what is the search's own test (tests/search/)
    Row(GET,  "search:search", (), EVERYONE),
    Row(POST, "search:search", (), NOT_ALLOWED, {}),
]
# fmt: on

# Named patterns no row covers, each with its reason. Everything else must have a row.
EXCLUDED_NAMESPACES = {
    "admin": "Django's admin: is_staff and its model permissions, Django's own and tested "
    "there; the rows above check that only the administrator gets in",
}


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, media_root):
    """The published version's PDF is stored once for the module: every test reads it there."""
    settings.MEDIA_ROOT = media_root


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker, media_root):
    """The seeds, a membership, a meeting, an action, an open and a published round, and
    one user per persona, made once and rolled back when the module ends."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(MEDIA_ROOT=media_root),
    ):
        call_command(
            "loaddata", "organisation", "mandate_plan", "service_charters", "plis", verbosity=0
        )
        with override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
            users = {persona: make_persona(persona) for persona in PERSONAS}
        staff = users["staff"]
        deadline = timezone.localdate() + timedelta(days=30)
        open_period = ReportingPeriod.objects.get(is_open=True)
        published = open_round(RoundKind.CHARTERS, year=2021, deadline=deadline, acting_user=staff)
        publish_round(published, acting_user=staff)
        # A balance published too: each area's published picture needs both.
        # (A round opens only on a period open for entry: the past one is, for a moment.)
        previous_period = ReportingPeriod.objects.get(
            mandate=open_period.mandate, label="Segon semestre de 2018"
        )
        ReportingPeriod.objects.filter(pk=previous_period.pk).update(is_open=True)
        previous_period.refresh_from_db()
        published_balance = open_round(
            RoundKind.BALANCE, period=previous_period, deadline=deadline, acting_user=staff
        )
        publish_round(published_balance, acting_user=staff)
        ReportingPeriod.objects.filter(pk=previous_period.pk).update(is_open=False)
        # A round published twice, for «Què ha canviat»: one document, rendered once.
        republished = open_round(
            RoundKind.CHARTERS, year=2022, deadline=deadline, acting_user=staff
        )
        snapshot = build_snapshot(republished)
        for note in ("", "Segona versió."):
            freeze_version(republished, snapshot, note=note, acting_user=staff)
        # A result entered since: the round's «Què ha canviat» has something to show.
        Measurement.objects.create(
            indicator=Indicator.objects.order_by("pk").first(),
            year=2022,
            result=Decimal(1),
            observations="Resultat aportat després de publicar.",
        )
        transversal = Body.objects.get(slug=TRANSVERSAL)
        [membership] = build_memberships(transversal.seats.get(position=2), 1)
        ids = {
            "commitment_21": PlanNode.objects.get(
                level__depth=1, code="21", mandate__term="2015-2019"
            ).pk,
            "open_period": open_period.pk,
            "charter": Charter.objects.get().pk,
            "indicator": Indicator.objects.order_by("pk").first().pk,
            "membership": membership.pk,
            "meeting": Meeting.objects.create(body=transversal, date=date(2024, 3, 12)).pk,
            "action": PlanAction.objects.create(
                plan=transversal.plan, code="1.1.1", title="Acció", axis="Eix 1", line="1.1"
            ).pk,
            "open_round": open_round(
                RoundKind.BALANCE, period=open_period, deadline=deadline, acting_user=staff
            ).pk,
            "published_round": published.pk,
            "republished_round": republished.pk,
            # A balance PDF still waiting for a worker: its page shows the progress.
            "document": GeneratedDocument.objects.create(
                fingerprint="matrix",
                kind=BALANCE_PDF,
                params={"period": open_period.pk},
                language="ca",
                title="Balanç",
            ).pk,
        }
        # Commitment 21's related items, so that every page that lists them is checked
        # with them (tests/accessibility).
        Relation.objects.create(node_id=ids["commitment_21"], indicator_id=ids["indicator"])
        Relation.objects.create(node_id=ids["commitment_21"], action_id=ids["action"])
        yield {"ids": ids, "users": users}
        transaction.set_rollback(True)


def as_persona(client, seed, persona):
    user = seed["users"][persona]
    if user is not None:
        client.force_login(user)
    return client


def database_state() -> dict[str, list]:
    """Every row of every table but the sessions', to tell that nothing changed."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label != "sessions"
    }


def expand(matrix):
    for row in matrix:
        for persona in PERSONAS:
            yield pytest.param(row, persona, row.expected[persona], id=f"{row}-{persona}")


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona", "expected"), list(expand(MATRIX)))
def test_permission_matrix(client, seed, row, persona, expected):
    client = as_persona(client, seed, persona)
    url = row.url(seed["ids"])

    if row.method == GET:
        response = client.get(url)
    else:
        refused = expected in (403, LOGIN)
        before = database_state() if refused else None
        response = client.post(url, row.data)
        if refused:
            assert database_state() == before, "a refused POST changed the database"

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    else:
        assert response.status_code == expected


def named_patterns(patterns=None, namespace="", route=""):
    """Every pattern of the URLconf as (name with its namespaces, full route), recursively."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern.url_patterns, inner, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or ''}", route + str(pattern.pattern)


def test_every_url_of_the_project_is_in_the_matrix():
    in_matrix = {row.name for row in MATRIX}
    missing = sorted(
        f"{name or '(unnamed)'} {route}"
        for name, route in named_patterns()
        if name.split(":")[0] not in EXCLUDED_NAMESPACES and name not in in_matrix
    )
    assert not missing, "URL patterns without a row in the matrix: " + ", ".join(missing)


def test_every_row_names_a_url_and_a_status_for_every_persona():
    names = {name for name, _route in named_patterns()}
    assert {row.name for row in MATRIX} <= names
    assert all(set(row.expected) == set(PERSONAS) for row in MATRIX)
    assert all(row.method in (GET, POST) for row in MATRIX)
    # A POST row says what it sends; a GET row sends nothing.
    assert all((row.data is None) == (row.method == GET) for row in MATRIX)
    # A POST row has an allowed persona: it checks the guard lets someone through.
    for row in MATRIX:
        if row.method == POST:
            assert set(row.expected.values()) - {403, LOGIN}, row
        # Anonymous visitors are refused with the login page, everyone else with 403.
        assert row.expected["anonymous"] != 403, row
        assert LOGIN not in [row.expected[persona] for persona in PERSONAS[1:]], row


def test_anonymous_visitors_are_sent_to_the_login_page_and_back(client):
    # "/" is the citizens' home: an internal page stands for them all.
    url = reverse("commitments:list")
    response = client.get(url, follow=False)
    assert response["Location"] == f"/entrar/?next={url}"
