"""`python manage.py import_plan FILE --mandate 2019-2023`: load a plan from CSV or XLSX.

The columns are those of the list's export (docs/import_plan.md). Each row creates or
updates the mandate's node of its level (Nivell) with its code (Codi): codes repeat
across levels, as priority 2 and commitment 2 do. A file with any error imports
nothing: every error is printed, one per line, and the command exits with status 1.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commitments.models import Mandate
from commitments.plan_import import import_plan
from terrassa_plis import events
from terrassa_plis.history import importing_user
from terrassa_plis.imports import RefusedImport, read_import


class Command(BaseCommand):
    help = "Crea o actualitza els elements del pla d'un mandat a partir d'un fitxer CSV o XLSX."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The plan as CSV or XLSX, with the export's columns.")
        parser.add_argument("--mandate", required=True, help="The mandate's term, e.g. 2019-2023.")
        parser.add_argument(
            "--user", help="The username the history records as the importer of the changes."
        )

    def handle(self, *args, file, mandate, user=None, **options):
        try:
            importer = importing_user(user)
        except LookupError as error:
            raise CommandError(str(error)) from None
        try:
            plan_mandate = Mandate.objects.get(term=mandate)
        except Mandate.DoesNotExist:
            terms = ", ".join(Mandate.objects.values_list("term", flat=True)) or "—"
            raise CommandError(
                _("El mandat «%(term)s» no existeix (n'hi ha: %(terms)s).")
                % {"term": mandate, "terms": terms}
            ) from None
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("No es pot llegir el fitxer «%(file)s»: %(reason)s.")
                % {"file": file, "reason": error.strerror or error}
            ) from None
        try:
            rows = read_import(path.name, content)
        except RefusedImport as error:
            # The file could not be read at all: its one sentence says why.
            raise CommandError(" ".join(error.errors)) from None
        try:
            report = import_plan(rows, mandate=plan_mandate, user=importer, file_name=path.name)
        except RefusedImport as error:
            for message in error.errors:
                self.stderr.write(message)
            raise CommandError(str(error)) from None
        for line in report.change_lines():
            self.stdout.write(line)
        events.log_import(
            f"the plan of mandate {plan_mandate.term}",
            file_name=path.name,
            acting_user=importer,
            report=report,
        )
        self.stdout.write(report.summary())
