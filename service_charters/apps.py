from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceChartersConfig(AppConfig):
    name = "service_charters"
    verbose_name = _("Cartes de serveis")
