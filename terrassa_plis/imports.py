"""What every import (a plan, a charter's follow-up sheet) answers when a file is refused."""

from django.utils.translation import ngettext


class RefusedImport(Exception):
    """The file has errors; nothing was saved. `errors` holds one sentence each, in
    Catalan, naming the row and what is wrong with it."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(
            ngettext(
                "S'ha trobat %(count)s error; no s'ha importat res.",
                "S'han trobat %(count)s errors; no s'ha importat res.",
                len(errors),
            )
            % {"count": len(errors)}
        )
