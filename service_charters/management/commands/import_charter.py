"""`python manage.py import_charter FILE --service NAME --year 2021`: load a follow-up sheet.

The sheet has the columns of the follow-up table (and of its open-data export). A
sheet with any error imports nothing: every error is printed, one per line, and the
command fails. Figures of the file that the rules contradict are printed as warnings.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from service_charters.charter_import import apply_sheet, find_service
from service_charters.followup_sheet import parse_sheet, read_sheet
from service_charters.years import FIRST_YEAR, LAST_YEAR
from terrassa_plis import events
from terrassa_plis.history import importing_user
from terrassa_plis.imports import RefusedImport


class Command(BaseCommand):
    help = "Importa el seguiment anual d'una carta de serveis des d'un fitxer CSV o XLSX."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The follow-up sheet as CSV or XLSX.")
        parser.add_argument(
            "--service",
            required=True,
            help="The service's name, with or without «Servei de ».",
        )
        parser.add_argument("--year", required=True, type=int, help="The year of the results.")
        parser.add_argument(
            "--user", help="The username the history records as the importer of the changes."
        )

    def handle(self, *args, file, service, year, user=None, **options):
        try:
            importer = importing_user(user)
        except LookupError as error:
            raise CommandError(str(error)) from None
        charter_service = find_service(service)
        if charter_service is None:
            raise CommandError(
                _("No hi ha cap servei que es digui «%(service)s».") % {"service": service}
            )
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError(_("L'any %(year)s no és vàlid.") % {"year": year})
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("No es pot llegir el fitxer «%(file)s»: %(reason)s.")
                % {"file": file, "reason": error.strerror or error}
            ) from None
        try:
            rows = read_sheet(path.name, content)
        except RefusedImport as error:
            # The file could not be read at all: its one sentence says why.
            raise CommandError(" ".join(error.errors)) from None
        try:
            parsed = parse_sheet(rows)
            report = apply_sheet(
                parsed,
                service=charter_service,
                year=year,
                acting_user=importer,
                file_name=path.name,
            )
        except RefusedImport as error:
            for message in error.errors:
                self.stderr.write(message)
            raise CommandError(str(error)) from None
        for number, changes in sorted(report.field_changes.items()):
            for change in changes:
                self.stdout.write(
                    _("Fila %(row)s: «%(column)s»: abans «%(old)s», ara «%(new)s».")
                    % {
                        "row": number,
                        "column": change.column,
                        "old": change.old or _("(buit)"),
                        "new": change.new or _("(buit)"),
                    }
                )
        events.log_import(
            f"the follow-up of charter {report.charter.pk} ({report.year})",
            file_name=path.name,
            acting_user=importer,
            report=report,
        )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(_("Avís: %(warning)s") % {"warning": warning}))
        self.stdout.write(report.summary())
