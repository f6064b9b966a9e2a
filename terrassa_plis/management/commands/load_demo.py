"""Load the seed documents' content and the demo users; `--scale city` adds bulk data,
`--factor 3` three times as much of it (to check that pages do not grow with the data).

Each app contributes a `demo` module with `load(*, scale, stdout, factor)`; they run in
the order of INSTALLED_APPS, so the organisation (governance) comes first.
Running the command twice leaves the same data.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

SCALES = ("demo", "city")
# Where `make run` serves (the Makefile passes its own, PORT included).
DEFAULT_ADDRESS = "127.0.0.1:8000"


class Command(BaseCommand):
    help = "Carrega les dades de demostració (documents de mostra i usuaris de prova)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=SCALES,
            default="demo",
            help="demo: the seeds plus a few examples; city: city-sized data for benchmarks.",
        )
        parser.add_argument(
            "--factor",
            type=int,
            default=1,
            help="With --scale city: how many times the city-sized plans, charters and PLIS "
            "data to load (more top-level items of the same size, not bigger ones).",
        )
        parser.add_argument(
            "--address",
            default=DEFAULT_ADDRESS,
            help="The host:port the server listens on, for the sign-in address printed at the end.",
        )

    def handle(self, *args, scale, factor, address, **options):
        if factor < 1:
            raise CommandError("--factor ha de ser 1 o més.")
        if not settings.DEBUG:
            raise CommandError(
                "load_demo només funciona en mode de demostració (DEBUG activat): crea "
                "usuaris amb la contrasenya «demo»."
            )
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).load(scale=scale, stdout=self.stdout, factor=factor)
            refresh_planner_statistics()
        self.stdout.write(self.style.SUCCESS(demo_logins(address)))


def refresh_planner_statistics() -> None:
    """After a bulk load, PostgreSQL's planner believes the tables' sizes of its last
    look until autovacuum comes by, and joins thousands of rows as if they were a few:
    a city-scale query then ran for minutes. ANALYZE tells it now (it counts the rows
    of a transaction still open too, as a test's is)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def sign_in_url(address: str) -> str:
    """The page to open for `address` as runserver takes it: «8080», «0.0.0.0:8080»…

    A server listening on every interface is reached at 127.0.0.1 from the same machine.
    """
    host, _, port = address.rpartition(":")
    if host in ("", "0.0.0.0", "0", "[::]"):
        host = "127.0.0.1"
    return f"http://{host}:{port}/"


def demo_logins(address: str) -> str:
    return f"""
Dades de demostració carregades. Entreu a {sign_in_url(address)} amb la contrasenya «demo»:
  tecnic      tècnica de l'àrea 3 (Drets Socials i Serveis a les Persones)
  tecnic2     tècnic de l'àrea 1 (Territori i Sostenibilitat)
  director    direcció: ho llegeix tot
  publicacio  equip de publicació: revisa, publica i exporta
  admin       administració (administració de Django)
"""
