"""The colours of `static/css/palette.css`, for what Python draws (the SVG charts).

The stylesheet is the one definition: pages and PDFs use its custom properties with
`var(--name)`, and Python reads the same names here, so a colour never has two values.
SVG presentation attributes cannot hold `var()`, hence this reader.
"""

import re
from functools import cache
from pathlib import Path

PALETTE_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "palette.css"
_PROPERTY = re.compile(r"--([a-z0-9-]+)\s*:\s*(#[0-9a-fA-F]{6})\s*;")


@cache
def colours() -> dict[str, str]:
    """Every custom property of the palette, by name without its dashes."""
    return dict(_PROPERTY.findall(PALETTE_CSS.read_text(encoding="utf-8")))


def colour(name: str) -> str:
    """The palette's `--name`, as `#rrggbb`; a name it lacks is a KeyError at once."""
    return colours()[name]
