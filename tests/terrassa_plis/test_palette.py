"""One palette: the stylesheet defines each colour, and Python reads the same names."""

import re
from pathlib import Path

from terrassa_plis import palette

ROOT = Path(__file__).resolve().parents[2]
CODE_FOLDERS = ["terrassa_plis", "commitments", "service_charters", "governance", "publication"]


def test_python_reads_the_colours_the_stylesheet_defines():
    assert palette.colour("band-met") == "#2e7d32"
    assert palette.colour("no-entry") == "#7b8794"
    assert len(palette.colours()) >= 20


def test_no_stylesheet_or_module_writes_a_colour_of_its_own():
    """A hexadecimal colour outside palette.css is a second definition waiting to drift."""
    offenders = []
    paths = [ROOT / "static/css/app.css", ROOT / "static/css/print.css"]
    for folder in CODE_FOLDERS:
        paths += [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # A status's colour is data: the admin's help text shows its shape.
            if re.search(r"#[0-9a-fA-F]{6}\b", line) and "help_text" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
