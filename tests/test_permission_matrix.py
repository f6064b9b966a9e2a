"""Who may open what: one table of (url, persona → expected status), run for every persona.

Later issues add their pages here; a page missing from the table is a page
nobody checked.
"""

import pytest

from tests.conftest import PERSONAS

LOGIN_REDIRECT = 302

# url: {persona: status}; personas not named get `default`.
MATRIX = [
    ("/", {"anonymous": LOGIN_REDIRECT}, 200),
    ("/entrar/", {}, 200),
    ("/health/", {}, 200),
    # The admin sends anyone who is not staff to its own login page.
    ("/admin/", {"administrator": 200}, 302),
    ("/admin/governance/area/", {"administrator": 200}, 302),
    ("/admin/governance/service/", {"administrator": 200}, 302),
]


def expand(matrix):
    for url, overrides, default in matrix:
        for persona in PERSONAS:
            yield pytest.param(url, persona, overrides.get(persona, default), id=f"{url}-{persona}")


@pytest.mark.parametrize(("url", "persona", "expected"), list(expand(MATRIX)))
def test_permission_matrix(persona_client, url, persona, expected):
    response = persona_client(persona).get(url)
    assert response.status_code == expected


def test_anonymous_visitors_are_sent_to_the_login_page_and_back(client):
    response = client.get("/", follow=False)
    assert response["Location"] == "/entrar/?next=/"
