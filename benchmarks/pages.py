"""The pages `make bench` times: name, how to build the URL, who asks, the target.

`url` is a path or a callable that receives nothing and returns a path, so it
can look up ids in the city-scale data after Django is set up. Each issue adds
its pages and reports here, with the target its text names (milliseconds of
server time, median).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    url: str | Callable[[], str]
    username: str | None
    target_ms: float | None = None


PAGES = [
    Page("login page", "/entrar/", None),
    Page("home (director)", "/", "director"),
    Page("health", "/health/", None),
]
