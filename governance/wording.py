"""Catalan's «de» before a number, for the PLIS sentences that count things.

«de» elides when the number is read with a vowel: «1 membre d'1 previst», «3 membres
d'11 previstos», but «2 membres de 4 previstos» and «de 1.000» (read «mil»). The
sentences that need it keep both forms as messages of their own, beside the builder
that says them, so that other languages translate each with their plain «of»; how the
number itself is written is `terrassa_plis.formatting`'s.
"""


def elides_de(number: int) -> bool:
    """Whether «de» becomes «d'» before `number` as Catalan reads it aloud: «un»,
    «onze», «onze mil», «un milió», «onze milions»… all start with a vowel."""
    number = abs(int(number))
    if number >= 1_000_000:
        return elides_de(number // 1_000_000)
    if number >= 1_000:
        thousands = number // 1_000
        # «mil», not «un mil».
        return thousands != 1 and elides_de(thousands)
    return number in (1, 11)
