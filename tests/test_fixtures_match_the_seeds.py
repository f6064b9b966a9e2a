"""Every text the fixtures quote from a seed document reads exactly as the seed prints it.

The seeds are kept as text beside the fixtures (`fixtures/seeds/`, copies of the
published documents); this reads them and each quoted field of the fixtures, so an
edited word, a dropped full stop or a «Garantir» for «Garantirem» fails here. Only the
layout is let go: runs of whitespace and the list marks (the seed's «•», the
Markdown «- » the fixtures use to render the same lists).
"""

import json
import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = FIXTURES / "seeds"

BALANCE = "balanc_2019_s1_compromis_21.txt"
PLIS = "plis_organs.txt"
CHARTER = "carta_solidaritat_seguiment_2021.txt"

# (seed, fixture, model, field, primary keys or None for every object of the model):
# the fixture fields that quote the seed. Texts the seeds do not print (the other
# four priorities, the figures' labels, the charter's title) are not listed.
QUOTED = [
    (BALANCE, "mandate_plan", "commitments.plannode", "text", [2, 6]),
    (BALANCE, "mandate_plan", "commitments.status", "label", [1, 2, 3, 4]),
    (BALANCE, "mandate_plan", "commitments.entry", "observations", None),
    (BALANCE, "mandate_plan", "commitments.entry", "related_information", None),
    (PLIS, "plis", "governance.body", "name", [1, 2, 3]),
    (PLIS, "plis", "governance.body", "purpose", [1, 2]),
    (PLIS, "plis", "governance.body", "functions_note", [1]),
    (PLIS, "plis", "governance.bodyfunction", "text", None),
    (PLIS, "plis", "governance.seat", "description", None),
    (CHARTER, "plis", "governance.body", "name", [4]),
    (CHARTER, "service_charters", "service_charters.offeredservice", "name", None),
    (CHARTER, "service_charters", "service_charters.objective", "text", None),
    (CHARTER, "service_charters", "service_charters.chartercommitment", "text", None),
    (CHARTER, "service_charters", "service_charters.indicator", "name", None),
    (CHARTER, "service_charters", "service_charters.indicator", "target_text", None),
    (CHARTER, "service_charters", "service_charters.measurement", "observations", None),
]

LIST_MARK = re.compile(r"(?m)^\s*[-•]\s+|•")


def layout_free(text: str) -> str:
    return " ".join(LIST_MARK.sub(" ", text).split())


def seed_text(name: str) -> str:
    return layout_free((SEEDS / name).read_text(encoding="utf-8"))


def quoted_texts(fixture: str, model: str, field: str, pks) -> list[tuple[int, str]]:
    objects = json.loads((FIXTURES / f"{fixture}.json").read_text(encoding="utf-8"))
    texts = [
        (obj["pk"], obj["fields"][field])
        for obj in objects
        if obj["model"] == model and (pks is None or obj["pk"] in pks)
    ]
    # A listed key that is gone from the fixture would pass silently otherwise.
    assert pks is None or sorted(pk for pk, _text in texts) == sorted(pks)
    return [(pk, text) for pk, text in texts if text.strip()]


def quoted_whole(seed: str, text: str) -> bool:
    """`text` is in `seed` with its own punctuation: a quote that stops before the seed's
    full stop (or comma, colon…) has dropped it."""
    return re.search(re.escape(layout_free(text)) + r"(?![.,;:])", seed) is not None


def not_in_seed(seed: str, texts: list[tuple[int, str]]) -> list[str]:
    return [f"pk {pk}: {text!r}" for pk, text in texts if not quoted_whole(seed, text)]


@pytest.mark.parametrize(
    ("seed", "fixture", "model", "field", "pks"),
    QUOTED,
    ids=[f"{model}.{field}" for _seed, _fixture, model, field, _pks in QUOTED],
)
def test_each_quoted_fixture_text_reads_as_in_its_seed(seed, fixture, model, field, pks):
    texts = quoted_texts(fixture, model, field, pks)

    assert texts
    assert not_in_seed(seed_text(seed), texts) == []


def test_priority_2_is_the_seeds_sentence_with_its_full_stop():
    ((_pk, text),) = quoted_texts("mandate_plan", "commitments.plannode", "text", [2])

    assert text == "Garantirem la qualitat de vida, la justícia social i el benestar per a tothom."


def test_a_text_reworded_from_the_seed_is_caught():
    seed = seed_text(BALANCE)
    reworded = [
        (2, "Garantir la qualitat de vida, la justícia social i el benestar per a tothom"),
        (3, "Garantirem la qualitat de vida, la justícia social i el benestar per a tothom"),
    ]

    assert len(not_in_seed(seed, reworded)) == 2


def test_the_seeds_list_layout_is_let_go_but_not_the_words():
    seed = seed_text(PLIS)

    assert (
        not_in_seed(
            seed,
            [
                (
                    5,
                    "Els/les directors/res de les cinc àrees de l'Ajuntament:\n"
                    "- Àrea 1- Territori i Sostenibilitat",
                )
            ],
        )
        == []
    )
    assert not_in_seed(seed, [(5, "Els directors de les cinc àrees de l'Ajuntament:")]) != []
