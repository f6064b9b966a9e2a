import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from commitments.models import Entry, PlanNode
from governance.access import may_edit, roles_of
from governance.models import Area
from governance.roles import Role


@pytest.fixture
def demo_mode(settings):
    settings.DEBUG = True


def test_load_demo_creates_the_demo_users_with_their_roles(db, demo_mode, capsys):
    call_command("load_demo")

    users = {user.username: user for user in get_user_model().objects.all()}
    assert set(users) == {"tecnic", "tecnic2", "director", "publicacio", "admin"}
    assert all(user.check_password("demo") for user in users.values())
    assert roles_of(users["tecnic"]) == {Role.TECHNICIAN}
    assert may_edit(users["tecnic"], Area.objects.get(number=3).pk)
    assert not may_edit(users["tecnic2"], Area.objects.get(number=3).pk)
    assert users["admin"].is_superuser
    assert "tecnic2" in capsys.readouterr().out


def test_load_demo_twice_leaves_the_same_data(db, demo_mode):
    call_command("load_demo")
    counts = (PlanNode.objects.count(), Entry.objects.count(), get_user_model().objects.count())
    call_command("load_demo")
    assert (
        PlanNode.objects.count(),
        Entry.objects.count(),
        get_user_model().objects.count(),
    ) == counts


def test_load_demo_holds_the_seed_commitment_and_marked_demo_commitments(db, demo_mode):
    call_command("load_demo")
    commitment_21 = PlanNode.objects.get(mandate__term="2015-2019", level__depth=1, code="21")
    assert commitment_21.parent.code == "2"
    assert commitment_21.area.name == "Drets Socials i Serveis a les Persones"
    demo = PlanNode.objects.filter(text__startswith="[Demostració]")
    assert demo.filter(area__number=3).exists() and demo.filter(area__number=1).exists()


def test_load_demo_refuses_to_run_in_production_mode(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="només funciona en mode de demostració"):
        call_command("load_demo")
    assert not get_user_model().objects.exists()


def test_load_demo_says_where_to_sign_in_at_the_address_it_is_given(db, demo_mode, capsys):
    call_command("load_demo", address="127.0.0.1:8123")
    out = capsys.readouterr().out
    assert "Entreu a http://127.0.0.1:8123/ amb la contrasenya «demo»" in out
    assert "8000" not in out


def test_load_demo_sends_a_server_on_every_interface_to_the_local_address(db, demo_mode, capsys):
    call_command("load_demo", address="0.0.0.0:8080")
    assert "Entreu a http://127.0.0.1:8080/ " in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_gives_load_demo_the_address_it_serves():
    commands = subprocess.run(
        ["make", "--dry-run", "run", "PORT=8123"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "load_demo --address 127.0.0.1:8123" in commands
    assert "runserver 127.0.0.1:8123" in commands


def test_load_demo_reports_what_it_loaded_in_catalan(db, demo_mode, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out

    assert "governance: 5 àrees, 5 usuaris de demostració." in out
    assert "elements a seguir" in out and "seguiments." in out
    assert "cartes" in out and "rondes" in out
