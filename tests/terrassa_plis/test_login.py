import pytest
from django.test import Client

from tests.conftest import make_user


def test_the_login_page_speaks_catalan(client):
    response = client.get("/entrar/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="ca">' in page
    assert "Entrada" in page
    assert "Nom d&#x27;usuari" in page or "Nom d'usuari" in page


def test_signing_in_leads_home_with_the_role_shown(client, technician_area3):
    response = client.post("/entrar/", {"username": "marta", "password": "demo"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Hi accediu com a: Personal tècnic." in response.content.decode()


def test_a_wrong_password_is_answered_in_catalan_and_keeps_the_username(client, organisation):
    make_user("pere")
    response = client.post("/entrar/", {"username": "pere", "password": "dolenta"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "introduïu un nom d&#x27;usuari i clau correctes" in page
    assert 'value="pere"' in page


def test_failed_logins_lock_the_username_and_address_pair_only(organisation):
    make_user("pere")
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    for _ in range(5):
        attacker.post("/entrar/", {"username": "pere", "password": "dolenta"})
    locked = attacker.post("/entrar/", {"username": "pere", "password": "demo"})
    assert locked.status_code == 429
    assert "Accés bloquejat temporalment" in locked.content.decode()

    # Pere, at his own desk, still gets in: the lock is for that address only.
    colleague = Client(REMOTE_ADDR="10.0.0.12")
    response = colleague.post("/entrar/", {"username": "pere", "password": "demo"})
    assert response.status_code == 302


def test_signing_out_needs_a_post_and_ends_the_session(client, director):
    client.force_login(director)
    client.post("/sortir/")
    assert client.get("/pla-de-mandat/").status_code == 302
    # The home is the citizens' one again.
    assert "Entrada del personal municipal" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("language", "greeting"), [("es", "Entrada"), ("en", "Sign in"), ("ca", "Entrada")]
)
def test_the_language_switch_changes_the_interface(client, language, greeting):
    client.post("/idioma/", {"language": language, "next": "/entrar/"})
    page = client.get("/entrar/").content.decode()
    assert f'<html lang="{language}">' in page
    assert greeting in page


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/entrar/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_catalan_comes_first_whatever_the_browser_asks(client):
    page = client.get("/entrar/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="ca">' in page
