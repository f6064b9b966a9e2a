from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    """Cross-app pages: directors' dashboards, reporting rounds, published snapshots and
    the public transparency pages. It may depend on both domain apps; they never
    depend on it."""

    name = "publication"
    verbose_name = _("Publicació i quadres de comandament")
