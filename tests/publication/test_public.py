"""The public transparency pages: anyone reads what was published, and only that.

The data is made as staff make it: a round opened with `open_round` and frozen with
`publish_round` (the seed's balance of the «Primer semestre de 2019», fixture `seed_plan`;
the charters' follow-up of 2021, `seed_charter`; both from tests/publication/conftest.py).
Every request here is anonymous unless it says otherwise.
"""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from commitments.operations import EntryData, FigureData, save_entry
from publication.models import ReportingRound, RoundKind
from publication.operations import move_to_review, open_round, publish_round
from tests.pages import page_links, pdf_text

NEW_OBSERVATIONS = "Text escrit després de publicar el balanç."


def deadline():
    return timezone.localdate() + timedelta(days=30)


@pytest.fixture
def balance_round(seed_plan, staff):
    return open_round(
        RoundKind.BALANCE, period=seed_plan.open_period, deadline=deadline(), acting_user=staff
    )


@pytest.fixture
def balance_v1(balance_round, staff):
    return publish_round(balance_round, acting_user=staff)


@pytest.fixture
def charters_v1(seed_charter, staff):
    round_ = open_round(RoundKind.CHARTERS, year=2021, deadline=deadline(), acting_user=staff)
    return publish_round(round_, acting_user=staff)


@pytest.fixture
def draft_round(seed_plan, staff):
    """A round of the previous semester, never published. Created directly: open_round
    refuses a closed period, and this round stands for one opened before it closed."""
    return ReportingRound.objects.create(
        kind=RoundKind.BALANCE, period=seed_plan.previous_period, deadline=deadline()
    )


def page_url(version):
    return reverse("publication:public_version", args=[version.round_id, version.number])


def pdf_url(version):
    return reverse("publication:public_pdf", args=[version.round_id, version.number])


def data_url(version, file_format):
    return reverse("publication:public_data", args=[version.round_id, version.number, file_format])


def latest_url(round_):
    return reverse("publication:public_page", args=[round_.pk])


def all_urls(round_pk, number=1):
    return [
        reverse("publication:public_page", args=[round_pk]),
        reverse("publication:public_version", args=[round_pk, number]),
        reverse("publication:public_pdf", args=[round_pk, number]),
        reverse("publication:public_data", args=[round_pk, number, "csv"]),
        reverse("publication:public_data", args=[round_pk, number, "json"]),
        reverse("publication:public_data", args=[round_pk, number, "xlsx"]),
    ]


def without_csrf_token(content: bytes) -> bytes:
    """The page with the language switch's CSRF token blanked: Django masks the token
    differently on every response, and it is the page's only moving part."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def edit_entry_21(seed, user):
    entry = seed.entry_21
    data = EntryData(
        status=entry.status,
        progress=entry.progress,
        reason=entry.reason,
        observations=NEW_OBSERVATIONS,
        related_information=entry.related_information,
        figures=tuple(
            FigureData(f.label, f.value, f.unit, f.women, f.men) for f in entry.figures.all()
        ),
    )
    save_entry(entry.node, entry.period, data, base_version=entry.version, acting_user=user)


# The index


def test_the_index_lists_each_published_round_newest_first(
    client, balance_v1, charters_v1, draft_round
):
    response = client.get(reverse("publication:public_index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Documents publicats" in html
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)
    assert len(rows) == 2  # the draft round is not listed
    charters_row, balance_row = rows
    assert f'href="{latest_url(charters_v1.round)}"' in charters_row
    assert charters_v1.title in charters_row
    assert "Seguiment anual de les cartes de serveis" in charters_row
    assert "<td>2021</td>" in charters_row
    assert f'href="{latest_url(balance_v1.round)}"' in balance_row
    assert "Balanç del Pla de Mandat 2015-2019 · Primer semestre de 2019" in balance_row
    assert "Balanç semestral del Pla de Mandat" in balance_row
    assert "Primer semestre de 2019 (2015-2019)" in balance_row
    assert '<td class="number">1</td>' in balance_row
    assert timezone.localtime(balance_v1.published_at).strftime("%d/%m/%Y") in balance_row
    assert reverse("publication:public_page", args=[draft_round.pk]) not in html


def test_the_index_says_when_nothing_is_published_yet(client, draft_round):
    response = client.get(reverse("publication:public_index"))

    assert response.status_code == 200
    assert "Encara no s'ha publicat cap document." in response.content.decode()


def test_the_index_shows_the_latest_version_of_a_round(client, balance_v1, staff):
    publish_round(balance_v1.round, note="Correcció de l'àrea 3.", acting_user=staff)

    html = client.get(reverse("publication:public_index")).content.decode()

    assert '<td class="number">2</td>' in html
    assert html.count(f'href="{latest_url(balance_v1.round)}"') == 1


# The page


def test_an_anonymous_visitor_reads_the_published_balance(client, balance_v1):
    response = client.get(latest_url(balance_v1.round))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Balanç del Pla de Mandat 2015-2019</h1>" in html
    assert "COMPROMÍS núm. 21" in html
    assert "344 tràmits" in html
    assert "Versió 1" in html
    assert "Aquesta és la versió" not in html
    assert f'href="{pdf_url(balance_v1)}"' in html
    assert f'href="{data_url(balance_v1, "csv")}"' in html
    assert f'href="{data_url(balance_v1, "json")}"' in html
    # The frozen document is shown as published, not escaped.
    assert "&lt;article" not in html
    # Nothing internal: no navigation, no user menu, no sign-out.
    assert 'class="site-nav"' not in html
    assert 'class="site-user"' not in html
    assert "Surt" not in html
    # The language switch is there, for anyone.
    assert 'action="/idioma/"' in html


def test_the_latest_version_has_its_own_address_too(client, balance_v1):
    latest = client.get(latest_url(balance_v1.round))
    numbered = client.get(page_url(balance_v1))

    assert numbered.status_code == 200

    # The same page, but for the address the language switch comes back to.
    def comparable(content):
        return re.sub(rb'name="next" value="[^"]*"', b"", without_csrf_token(content))

    assert comparable(numbered.content) == comparable(latest.content)


def test_an_anonymous_visitor_reads_the_published_charters_follow_up(client, charters_v1):
    response = client.get(latest_url(charters_v1.round))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{charters_v1.title}</h1>" in html
    assert "Servei de Solidaritat i Cooperació Internacional" in html
    assert "Seguiment anual de les cartes de serveis" in html


def test_the_pdf_is_the_published_file(client, balance_v1):
    response = client.get(pdf_url(balance_v1))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="balanc-del-pla-de-mandat-2015-2019-primer-semestre-de-2019-v1.pdf"'
    )
    content = b"".join(response.streaming_content)
    with balance_v1.pdf.open("rb") as stored:
        assert content == stored.read()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert "COMPROMÍS núm. 21" in text
    assert "344 tràmits" in text


def test_the_open_data_is_the_published_text(client, balance_v1):
    csv_response = client.get(data_url(balance_v1, "csv"))
    json_response = client.get(data_url(balance_v1, "json"))

    assert csv_response.status_code == 200
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    stem = "balanc-del-pla-de-mandat-2015-2019-primer-semestre-de-2019-v1"
    assert csv_response["Content-Disposition"] == f'attachment; filename="{stem}.csv"'
    # The byte order mark, so that spreadsheet programs read the accents right.
    assert csv_response.content == b"\xef\xbb\xbf" + balance_v1.csv.encode()
    assert "344 tràmits" in csv_response.content.decode("utf-8-sig")

    assert json_response.status_code == 200
    assert json_response["Content-Type"] == "application/json"
    assert json_response["Content-Disposition"] == f'attachment; filename="{stem}.json"'
    records = json.loads(json_response.content)
    assert json_response.content == balance_v1.json.encode()
    assert any("344 tràmits" in str(record.values()) for record in records)


def test_the_spreadsheet_says_what_the_published_csv_and_json_say(client, balance_v1):
    """The XLSX is written from the frozen texts: the CSV's cells, with the JSON's numbers
    as numbers, so a spreadsheet adds up the figures."""
    response = client.get(data_url(balance_v1, "xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stem = "balanc-del-pla-de-mandat-2015-2019-primer-semestre-de-2019-v1"
    assert response["Content-Disposition"] == f'attachment; filename="{stem}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = [list(values) for values in sheet.iter_rows(values_only=True)]
    assert header == next(csv.reader(io.StringIO(balance_v1.csv)))
    cells = dict(zip(header, row, strict=True))
    record = json.loads(balance_v1.json)[0]
    assert cells["Període"] == "Primer semestre de 2019"
    assert cells["Codi"] == "21"  # a code stays text
    assert cells["Estat"] == record["Estat"]
    assert cells["Observacions"] == record["Observacions"]
    assert "344 tràmits" in cells["Xifres"]
    assert "Memòria 2018" in cells["Informació relacionada"]


def test_the_public_page_offers_the_open_data_in_three_formats(client, balance_v1):
    response = client.get(latest_url(balance_v1.round))

    links = {name: url for name, url in page_links(response) if name.startswith("Dades obertes")}
    assert links == {
        "Dades obertes (CSV)": data_url(balance_v1, "csv"),
        "Dades obertes (XLSX)": data_url(balance_v1, "xlsx"),
        "Dades obertes (JSON)": data_url(balance_v1, "json"),
    }
    assert client.get(links["Dades obertes (XLSX)"]).status_code == 200


def test_the_charters_open_data(client, charters_v1):
    csv_response = client.get(data_url(charters_v1, "csv"))
    records = json.loads(client.get(data_url(charters_v1, "json")).content)

    assert csv_response.status_code == 200
    assert "Servei de Solidaritat i Cooperació Internacional" in csv_response.content.decode(
        "utf-8-sig"
    )
    assert len(records) == 7
    assert {record["year"] for record in records} == {2021}


# What is not published is not found


@pytest.mark.parametrize("in_review", [False, True])
def test_a_round_never_published_is_not_found_anywhere(client, draft_round, staff, in_review):
    if in_review:
        move_to_review(draft_round, acting_user=staff)
    for url in all_urls(draft_round.pk):
        assert client.get(url).status_code == 404, url


def test_an_unknown_round_is_not_found(client, balance_v1):
    for url in all_urls(balance_v1.round_id + 1000):
        assert client.get(url).status_code == 404, url


def test_a_version_not_published_is_not_found(client, balance_v1):
    for number in (0, 2):
        for url in all_urls(balance_v1.round_id, number)[1:]:
            assert client.get(url).status_code == 404, url


def test_an_unknown_data_format_is_not_found(client, balance_v1):
    assert client.get(data_url(balance_v1, "xml")).status_code == 404


def test_the_public_pages_only_read(client, balance_v1):
    assert client.post(latest_url(balance_v1.round)).status_code == 405
    assert client.head(pdf_url(balance_v1)).status_code == 200


# Versions


def test_publishing_again_changes_the_latest_and_keeps_the_old_address(
    client, balance_v1, seed_plan, technician_area3, staff
):
    edit_entry_21(seed_plan, technician_area3)
    v2 = publish_round(balance_v1.round, note="S'ha corregit el compromís 21.", acting_user=staff)

    latest = client.get(latest_url(balance_v1.round)).content.decode()
    assert "Versió 2" in latest
    assert NEW_OBSERVATIONS in latest
    assert "S&#x27;ha corregit el compromís 21." in latest  # the version's note
    assert "Aquesta és la versió" not in latest
    assert f'href="{pdf_url(v2)}"' in latest
    # The list of versions links the old one.
    assert f'href="{page_url(balance_v1)}"' in latest

    old = client.get(page_url(balance_v1)).content.decode()
    assert "Aquesta és la versió 1; la vigent és la versió 2." in old
    assert f'href="{latest_url(balance_v1.round)}"' in old
    assert NEW_OBSERVATIONS not in old
    assert "344 tràmits" in old
    assert f'href="{pdf_url(balance_v1)}"' in old
    old_pdf = b"".join(client.get(pdf_url(balance_v1)).streaming_content)
    assert NEW_OBSERVATIONS not in pdf_text(old_pdf)
    new_pdf = b"".join(client.get(pdf_url(v2)).streaming_content)
    assert NEW_OBSERVATIONS in pdf_text(new_pdf)


def test_editing_an_entry_after_publishing_changes_nothing_public(
    client, balance_v1, seed_plan, technician_area3, director
):
    urls = [latest_url(balance_v1.round), page_url(balance_v1)]
    pages_before = [without_csrf_token(client.get(url).content) for url in urls]
    pdf_before = b"".join(client.get(pdf_url(balance_v1)).streaming_content)
    data_before = [client.get(data_url(balance_v1, f)).content for f in ("csv", "json")]

    edit_entry_21(seed_plan, technician_area3)

    # The live balance shows the edit…
    client.force_login(director)
    live = client.get(reverse("commitments:balance", args=[seed_plan.open_period.pk]))
    assert NEW_OBSERVATIONS in live.content.decode()
    client.logout()
    # …and what was published stays byte for byte as it was.
    assert [without_csrf_token(client.get(url).content) for url in urls] == pages_before
    assert b"".join(client.get(pdf_url(balance_v1)).streaming_content) == pdf_before
    assert [client.get(data_url(balance_v1, f)).content for f in ("csv", "json")] == data_before


# Languages


@pytest.mark.parametrize(
    ("language", "notice", "download"),
    [
        ("es", "El documento se publica en catalán.", "Descarga el PDF"),
        ("en", "The document is published in Catalan.", "Download the PDF"),
    ],
)
def test_the_page_in_spanish_and_english(client, balance_v1, language, notice, download):
    url = latest_url(balance_v1.round)
    switched = client.post(reverse("set_language"), {"language": language, "next": url})
    assert switched.status_code == 302
    assert switched["Location"] == url

    html = client.get(url).content.decode()

    assert f'<html lang="{language}">' in html
    assert notice in html
    assert download in html
    # The document itself stays as published, in Catalan.
    assert '<div class="public-document" lang="ca">' in html
    assert "COMPROMÍS núm. 21" in html


def test_the_catalan_page_needs_no_language_notice(client, balance_v1):
    html = client.get(latest_url(balance_v1.round)).content.decode()

    assert "El document es publica en català." not in html


# Queries: a fixed number, whatever the number of rounds and versions.


@pytest.fixture
def more_published(balance_v1, charters_v1, staff):
    """The larger size: a second balance version, and the charters' round."""
    return publish_round(balance_v1.round, note="Segona versió.", acting_user=staff)


def assert_queries(django_assert_num_queries, client, url, count):
    with django_assert_num_queries(count):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200


@pytest.mark.parametrize("size", ["small", "larger"])
def test_query_counts(client, django_assert_num_queries, request, balance_v1, size):
    if size == "larger":
        request.getfixturevalue("more_published")
    # The rounds with their latest version's number, title and date, and their period;
    # the areas (each area's published picture, once both kinds are published).
    assert_queries(django_assert_num_queries, client, reverse("publication:public_index"), 2)
    # 1. the version with its round, period and mandate, and the latest number;
    # 2. its parts' keys and titles; 3. the part shown;
    # 4. the round's versions (number, date, note).
    assert_queries(django_assert_num_queries, client, latest_url(balance_v1.round), 4)
    assert_queries(django_assert_num_queries, client, page_url(balance_v1), 4)
    # The version (its frozen content deferred but the one served).
    assert_queries(django_assert_num_queries, client, pdf_url(balance_v1), 1)
    assert_queries(django_assert_num_queries, client, data_url(balance_v1, "csv"), 1)
    assert_queries(django_assert_num_queries, client, data_url(balance_v1, "json"), 1)
    assert_queries(django_assert_num_queries, client, data_url(balance_v1, "xlsx"), 1)
