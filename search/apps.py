from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The search box of every page: finds the Mandate Plan's items, the charters'
    indicators and the PLIS's bodies and actions by their words. Each domain says what
    of it matches (`commitments.search`, `service_charters.search`, `governance.search`;
    `publication.public_search` for what was published); this app only assembles."""

    name = "search"
    verbose_name = _("Cerca")
