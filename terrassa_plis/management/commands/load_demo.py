"""Load the seed documents' content and the demo users; `--scale city` adds bulk data.

Each app contributes a `demo` module with `load(*, scale, stdout)`; they run in
the order of INSTALLED_APPS, so the organisation (governance) comes first.
Running the command twice leaves the same data.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

SCALES = ("demo", "city")


class Command(BaseCommand):
    help = "Carrega les dades de demostració (documents de mostra i usuaris de prova)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=SCALES,
            default="demo",
            help="demo: the seeds plus a few examples; city: city-sized data for benchmarks.",
        )

    def handle(self, *args, scale, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo only runs in demo mode (DEBUG on): it creates users whose "
                "password is 'demo'."
            )
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).load(scale=scale, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(DEMO_LOGINS))


DEMO_LOGINS = """
Demo data loaded. Sign in at http://127.0.0.1:8000/ with password «demo»:
  tecnic      technician of area 3 (Drets Socials i Serveis a les Persones)
  tecnic2     technician of area 1 (Territori i Sostenibilitat)
  director    director: reads everything
  publicacio  publication staff: checks, publishes, exports
  admin       administrator (Django admin)
"""
