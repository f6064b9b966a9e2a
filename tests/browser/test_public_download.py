"""A citizen, not signed in, finds the published balance and downloads its PDF."""

from datetime import timedelta

import pytest
from django.utils import timezone

from publication.models import RoundKind
from publication.operations import open_round, publish_round
from tests.commitments import conftest as commitment_fixtures

# The seed plan fixture lives with the commitments tests; offer it here too.
seed_plan = commitment_fixtures.seed_plan


@pytest.fixture
def published_balance(seed_plan, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    round_ = open_round(
        RoundKind.BALANCE,
        period=seed_plan.open_period,
        deadline=timezone.localdate() + timedelta(days=30),
        acting_user=staff,
    )
    return publish_round(round_, acting_user=staff)


def test_an_anonymous_visitor_downloads_the_published_balance(page, published_balance):
    page.goto("/publicat/")
    assert page.get_by_role("heading", level=1).inner_text() == "Documents publicats"
    # Nothing internal for a visitor who is not signed in.
    assert page.get_by_role("navigation", name="Navegació principal").count() == 0

    page.get_by_role("link", name=published_balance.title).click()
    page.wait_for_url(f"**/publicat/{published_balance.round_id}/")
    assert page.get_by_role("heading", level=1).first.inner_text() == (
        "Balanç del Pla de Mandat 2015-2019"
    )
    assert page.get_by_text("COMPROMÍS núm. 21").first.is_visible()

    link = page.get_by_role("link", name="Descarrega el PDF")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    with published_balance.pdf.open("rb") as stored:
        assert response.body() == stored.read()

    # Everything loads from the app itself, within the content security policy.
    assert page.console_errors == []
