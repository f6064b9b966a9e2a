"""The four roles of the app, stored as Django groups named by their code."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TECHNICIAN = "technician", _("Personal tècnic")
    DIRECTOR = "director", _("Direcció")
    PUBLICATION_STAFF = "publication_staff", _("Equip de publicació")
    ADMINISTRATOR = "administrator", _("Administració")

    def group(self) -> Group:
        """The Django group that carries this role (made by a data migration, kept if lost)."""
        return Group.objects.get_or_create(name=self.value)[0]
