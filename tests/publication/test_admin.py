"""The rounds and the published versions in the admin lead to their pages on the site: a
round to its internal page, a version to the public page citizens read."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from publication.models import PublishedVersion
from publication.operations import publish_round, request_publication


@pytest.fixture
def version(balance, staff):
    return publish_round(balance, acting_user=staff)


def test_a_round_and_its_publications_lead_to_the_round_s_page(client, balance, staff, no_worker):
    job = request_publication(balance, acting_user=staff)
    page = reverse("publication:round", args=[balance.pk])
    assert balance.get_absolute_url() == page
    assert job.get_absolute_url() == page
    client.force_login(staff)
    assert client.get(page).status_code == 200


def test_a_published_version_leads_to_its_public_page(client, version):
    assert version.get_absolute_url() == reverse(
        "publication:public_version", args=[version.round_id, version.number]
    )
    # Citizens read it without signing in.
    assert client.get(version.get_absolute_url()).status_code == 200


def test_the_admin_offers_view_on_site_for_a_version(client, administrator, version):
    client.force_login(administrator)
    change = client.get(reverse("admin:publication_publishedversion_change", args=[version.pk]))
    content_type = ContentType.objects.get_for_model(PublishedVersion)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, version.pk])
    assert f'href="{view_on_site}"' in change.content.decode()
