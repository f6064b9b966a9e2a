"""The one way every search matches words: accents and case folded, every word needed,
the search bounded."""

from terrassa_plis.text_search import (
    MAX_QUERY_LENGTH,
    MAX_WORDS,
    fold,
    search_words,
    searched_text,
)


def test_accents_and_case_are_folded():
    assert fold("Participació, ÀREA, col·laboració") == "participacio, area, col·laboracio"


def test_the_words_are_folded_each_once_and_bounded():
    assert search_words("  Refugiades, refugiades! Taula ") == ["refugiades", "taula"]
    assert len(search_words(" ".join(f"p{n}" for n in range(50)))) == MAX_WORDS
    assert search_words("x" * (MAX_QUERY_LENGTH + 50)) == ["x" * MAX_QUERY_LENGTH]
    assert search_words("¿? …") == []


def test_the_stored_text_keeps_each_field_on_its_own_line():
    # A word is `\w+`: it cannot be found across two fields.
    assert searched_text(["Participació en", None, "10 TAULES", ""]) == "participacio en\n10 taules"
