from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """An area's picture across the instruments: the Mandate Plan, the service charters
    and the PLIS, side by side. It only assembles what each domain summarises of itself
    (`commitments.area_summary`, `service_charters.area_summary`,
    `governance.area_summary`); the domains never depend on it."""

    name = "overview"
    verbose_name = _("Visió per àrea")
