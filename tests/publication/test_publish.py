"""Publishing a round freezes a numbered version: the document's HTML, its PDF and its
open data, exactly as they were; later edits of the entries never reach it."""

import csv
import io
import json
import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from commitments.models import Status, StatusCategory
from commitments.operations import EntryData, FigureData, save_entry
from publication.models import PublishedVersion, RoundKind, RoundStatus
from publication.operations import open_round, publish_round
from terrassa_plis.richtext import plain_text
from tests.pages import pdf_text, visible_text


@pytest.fixture
def charters(seed_charter, staff):
    deadline = timezone.localdate() + timedelta(days=14)
    return open_round(RoundKind.CHARTERS, year=2021, deadline=deadline, acting_user=staff)


def stored_pdf(version: PublishedVersion) -> bytes:
    with version.pdf.open("rb") as handle:
        return handle.read()


def round_url(round):
    return reverse("publication:round", args=[round.pk])


def publish_url(round):
    return reverse("publication:round_publish", args=[round.pk])


# The first version


def test_publishing_creates_version_1_with_the_balance_and_its_pdf(balance, staff):
    version = publish_round(balance, acting_user=staff)

    assert version.number == 1
    assert version.title == "Balanç del Pla de Mandat 2015-2019 · Primer semestre de 2019"
    assert version.published_by == staff
    assert version.note == ""
    assert "COMPROMÍS núm. 21" in version.html
    assert "<nav" not in version.html and "site-header" not in version.html  # the document only
    assert version.pdf.name.endswith(".pdf")
    text = pdf_text(stored_pdf(version))
    assert "COMPROMÍS núm. 21" in text
    assert "Primer semestre de 2019" in text


def test_the_balance_open_data_has_a_row_per_commitment_in_csv_and_json(balance, seed_plan, staff):
    version = publish_round(balance, acting_user=staff)

    rows = list(csv.reader(io.StringIO(version.csv)))
    records = json.loads(version.json)
    assert rows[0] == [
        "Període",
        "Nivell",
        "Codi",
        "Codi superior",
        "Text",
        "Àrea",
        "Servei",
        "ODS",
        "Estat",
        "% execució",
        "Xifres",
        "Xifres: total",
        "Xifres: dones",
        "Xifres: homes",
        "Relacionats",
        "Observacions",
        "Informació relacionada",
    ]
    assert len(rows) == 2 and len(records) == 1
    cells, record = dict(zip(rows[0], rows[1], strict=True)), records[0]
    assert cells["Període"] == "Primer semestre de 2019"
    assert (cells["Nivell"], cells["Codi"], cells["Codi superior"]) == ("Compromís", "21", "2")
    assert cells["Àrea"] == "Drets Socials i Serveis a les Persones"
    assert cells["Estat"] == "Completat o en execució dins les previsions"
    assert cells["Observacions"] == plain_text(seed_plan.entry_21.observations)
    assert "**" not in cells["Observacions"]
    assert cells["Xifres"].startswith("Tràmits vinculats a la Llei d'estrangeria: 344 tràmits")
    # The figures with a women/men split, summed: 144 (121 + 23) and 230 (175 + 55).
    assert (cells["Xifres: total"], cells["Xifres: dones"], cells["Xifres: homes"]) == (
        "374",
        "296",
        "78",
    )
    assert record["Xifres: dones"] == 296
    assert "Memòria 2018" in cells["Informació relacionada"]
    assert list(record) == rows[0]
    assert record["Període"] == "Primer semestre de 2019"
    assert record["Xifres"][0] == {
        "concepte": "Tràmits vinculats a la Llei d'estrangeria",
        "valor": 344,
        "unitat": "tràmits",
        "dones": None,
        "homes": None,
    }


def test_the_balance_open_data_adds_up_the_figures_split_by_sex(balance, seed_plan, staff):
    """144 participants (121 women, 23 men) and 20 more (12 women, no men given) add up;
    the procedures, counted without a split, are not people to add."""
    entry = seed_plan.entry_21
    entry.figures.all().delete()
    entry.figures.create(position=1, label="Tràmits", value=344, unit="tràmits")
    entry.figures.create(
        position=2, label="Formacions", value=144, unit="participants", women=121, men=23
    )
    entry.figures.create(position=3, label="Tallers", value=20, unit="participants", women=12)

    version = publish_round(balance, acting_user=staff)

    rows = list(csv.reader(io.StringIO(version.csv)))
    cells = dict(zip(rows[0], rows[1], strict=True))
    record = json.loads(version.json)[0]
    assert cells["Xifres"].split("; ") == [
        "Tràmits: 344 tràmits",
        "Formacions: 144 participants (121 dones i 23 homes)",
        "Tallers: 20 participants (12 dones)",
    ]
    assert (record["Xifres: total"], record["Xifres: dones"], record["Xifres: homes"]) == (
        164,
        133,
        23,
    )
    assert [figure["dones"] for figure in record["Xifres"]] == [None, 121, 12]


def test_observations_become_plain_text():
    typed = "Fet:\r\n* **7** formacions\n- vegeu [la memòria](https://govern.obert/m.pdf)"

    assert plain_text(typed) == (
        "Fet:\n- 7 formacions\n- vegeu la memòria (https://govern.obert/m.pdf)"
    )


def test_a_charters_round_publishes_the_follow_up_of_every_charter_in_force(charters, staff):
    version = publish_round(charters, acting_user=staff)

    assert version.title == "Seguiment de les cartes de serveis 2021"
    assert "SOLIDARITAT I COOPERACIÓ INTERNACIONAL" in version.html
    assert "Seguiment de les cartes de serveis 2021" in pdf_text(stored_pdf(version))
    rows = list(csv.reader(io.StringIO(version.csv)))
    records = json.loads(version.json)
    assert rows[0][:2] == ["Servei", "Servei ofert"]
    assert rows[0][-1] == "Observacions"
    assert len(rows) == 8 and len(records) == 7
    assert {row[0] for row in rows[1:]} == {"Servei de Solidaritat i Cooperació Internacional"}
    assert records[0]["Servei"] == "Servei de Solidaritat i Cooperació Internacional"
    assert records[0]["year"] == 2021
    assert {record["band"] for record in records} <= {
        "met",
        "partly_met",
        "not_met",
        "not_assessed",
    }


def test_the_version_is_written_in_catalan_whatever_the_publisher_reads(balance, staff):
    with translation.override("en"):
        version = publish_round(balance, acting_user=staff)

    assert version.title.startswith("Balanç del Pla de Mandat")
    assert "ESTAT DE COMPLIMENT" in version.html


# Publishing again


def test_publishing_again_needs_a_note(balance, staff):
    publish_round(balance, acting_user=staff)

    with pytest.raises(ValidationError) as error:
        publish_round(balance, note="   ", acting_user=staff)

    assert error.value.message_dict == {"note": ["Expliqueu què canvia en aquesta versió."]}
    assert PublishedVersion.objects.count() == 1


def test_publishing_again_creates_version_2_and_keeps_version_1(client, balance, staff):
    first = publish_round(balance, acting_user=staff)
    first_pdf = stored_pdf(first)

    second = publish_round(balance, note="Corregit el compromís 21.", acting_user=staff)

    assert second.number == 2
    assert second.note == "Corregit el compromís 21."
    assert second.pdf.name != first.pdf.name
    first.refresh_from_db()
    assert stored_pdf(first) == first_pdf
    assert "COMPROMÍS núm. 21" in pdf_text(stored_pdf(first))
    # Still downloadable from its public address, byte for byte.
    response = client.get(reverse("publication:public_pdf", args=[balance.pk, 1]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == first_pdf


def test_a_version_stays_as_published_after_the_entry_changes(balance, seed_plan, staff):
    """Snapshot immutability: the frozen HTML and PDF bytes are the published ones."""
    version = publish_round(balance, acting_user=staff)
    html, pdf = version.html, stored_pdf(version)
    delayed = Status.objects.get(mandate=seed_plan.mandate, category=StatusCategory.DELAYED)
    entry = seed_plan.entry_21

    save_entry(
        seed_plan.commitment_21,
        seed_plan.open_period,
        EntryData(
            status=delayed,
            progress=None,
            reason="",
            observations="Text nou després de publicar: 999 tallers.",
            related_information="",
            figures=(FigureData("tallers", Decimal(999)),),
        ),
        base_version=entry.version,
        acting_user=staff,
    )

    version = PublishedVersion.objects.get(pk=version.pk)
    assert version.html == html
    assert stored_pdf(version) == pdf
    assert "999 tallers" not in version.html
    republished = publish_round(balance, note="Nou estat del compromís 21.", acting_user=staff)
    assert "999 tallers" in republished.html
    assert "999 tallers" in pdf_text(stored_pdf(republished))


def test_a_failed_publication_leaves_no_file_behind(balance, staff, settings, monkeypatch):
    import publication.operations as operations

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disc ple")

    monkeypatch.setattr(operations.PublishedVersion, "save", broken_save)

    with pytest.raises(RuntimeError):
        publish_round(balance, acting_user=staff)

    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


# Through the round's page


def test_staff_publish_from_the_round_page_and_see_the_version_listed(client, balance, staff):
    client.force_login(staff)

    response = client.post(publish_url(balance), {"note": ""})

    assert response.status_code == 302
    version = PublishedVersion.objects.get()
    balance.refresh_from_db()
    assert balance.status == RoundStatus.PUBLISHED
    page = client.get(round_url(balance))
    text = visible_text(page)
    assert (
        "S'ha publicat la versió 1 de «Balanç del Pla de Mandat 2015-2019 · Primer semestre "
        "de 2019»." in text
    )
    assert "Pàgina pública de la versió 1" in text
    content = page.content.decode()
    assert reverse("publication:public_version", args=[balance.pk, 1]) in content
    assert reverse("publication:public_pdf", args=[balance.pk, 1]) in content
    assert (
        version.published_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y")
        in text
    )


def test_publishing_again_from_the_page_without_a_note_says_why(client, balance, staff):
    publish_round(balance, acting_user=staff)
    client.force_login(staff)

    response = client.post(publish_url(balance), {"note": ""})

    assert response.status_code == 400
    text = visible_text(response)
    assert "No s'ha publicat: corregiu els camps marcats." in text
    assert "Expliqueu què canvia en aquesta versió." in text
    assert PublishedVersion.objects.count() == 1


def test_both_versions_are_listed_with_their_notes(client, balance, staff):
    publish_round(balance, acting_user=staff)
    client.force_login(staff)

    client.post(publish_url(balance), {"note": "Afegides les xifres."})

    text = visible_text(client.get(round_url(balance)))
    assert "Afegides les xifres." in text
    assert "Pàgina pública de la versió 2" in text
    assert "PDF de la versió 1" in text
    assert [v.number for v in PublishedVersion.objects.order_by("number")] == [1, 2]


# The admin


def test_the_admin_shows_rounds_and_versions_but_never_changes_a_version(
    client, balance, staff, administrator
):
    version = publish_round(balance, acting_user=staff)
    client.force_login(administrator)
    change_url = reverse("admin:publication_publishedversion_change", args=[version.pk])

    assert client.get(reverse("admin:publication_reportinground_changelist")).status_code == 200
    assert (
        client.get(
            reverse("admin:publication_reportinground_change", args=[balance.pk])
        ).status_code
        == 200
    )
    assert client.get(reverse("admin:publication_publishedversion_changelist")).status_code == 200
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"title": "Un altre títol"}).status_code == 403
    assert client.get(reverse("admin:publication_publishedversion_add")).status_code == 403
    version.refresh_from_db()
    assert version.title == "Balanç del Pla de Mandat 2015-2019 · Primer semestre de 2019"


def test_publishing_leaves_one_line_saying_who_published_what(balance, staff, caplog):
    with caplog.at_level(logging.INFO, logger="terrassa_plis.publication"):
        publish_round(balance, acting_user=staff)

    assert [r.getMessage() for r in caplog.records if r.name == "terrassa_plis.publication"] == [
        f"Published version 1 of round {balance.pk} "
        f"(«{balance}») by user {staff.get_username()!r} (id {staff.pk})."
    ]
