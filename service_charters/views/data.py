"""Open data (the follow-up as CSV, XLSX and JSON) and the import of a follow-up sheet.

The exports write the follow-up table's columns (`followup.COLUMNS`) with every cell
filled, so a downloaded charter sheet, edited and uploaded here or given to
`manage.py import_charter`, updates the charter. The import previews first and saves
only on confirmation; between the two, the file waits in the session, never in the form.
"""

import base64
import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from governance.access import get_item_for_user, publisher_required, reader_required
from governance.models import Service
from service_charters.charter_import import (
    CharterImportError,
    RowChange,
    apply_sheet,
    preview_sheet,
)
from service_charters.documents import EXPORT_FORMATS, YEAR_EXPORT, open_data_export
from service_charters.followup import COLUMNS, load_rows
from service_charters.followup_sheet import parse_sheet, read_sheet
from service_charters.models import Charter
from service_charters.years import FIRST_YEAR, LAST_YEAR, check_year
from terrassa_plis import documents, events
from terrassa_plis.imports import RefusedImport, too_large, upload_size

SESSION_KEY = "service_charters.import"
# Resultat, Diferència and Grau de compliment: right-aligned figures in the preview.
FIGURE_COLUMNS = {5, 6, 7}
RESULT_COLUMN = 5
CHANGE_LABELS = {
    RowChange.CREATED: _("Nou"),
    RowChange.UPDATED: _("Canvia"),
    RowChange.UNCHANGED: _("Sense canvis"),
    RowChange.SKIPPED: _("D'un altre servei: no s'importa"),
}


# Open data ----------------------------------------------------------------------------


@reader_required
def year_export(request, year, file_format):
    """Every charter in force in `year`, made in the background (`service_charters.documents`)."""
    check_year(year)
    if file_format not in EXPORT_FORMATS:
        raise Http404
    title = _("Dades obertes del seguiment de les cartes de serveis %(year)s (%(format)s)") % {
        "year": year,
        "format": file_format.upper(),
    }
    params = {"year": year, "format": file_format}
    return documents.respond(request, YEAR_EXPORT, params, title=title)


def charter_export(request, pk, year, file_format):
    """One charter's sheet, the columns the import reads. Queries: the charter, rows (2)."""
    charter = get_item_for_user(request.user, Charter.objects.with_service(), pk=pk)
    check_year(year)
    if file_format not in EXPORT_FORMATS:
        raise Http404
    export = open_data_export(
        load_rows([charter], year),
        stem=slugify(f"seguiment {charter.service.short_name()} {year}"),
        file_format=file_format,
        year=year,
        with_service=False,
    )
    return export.as_response()


# Import -------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Full de seguiment (CSV o XLSX)"),
        help_text=_(
            "Amb les columnes del seguiment: Servei ofert, Objectiu, Compromís, Indicador, "
            "Indicador de mesura, Resultat, Diferència respecte la previsió, Grau de "
            "compliment i Observacions. Màxim %(size)s."
        ),
        # An empty file gets our own message below, not the generic one.
        allow_empty_file=True,
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.select_related("area"),
        label=_("Servei"),
        empty_label=_("Trieu el servei de la carta"),
    )
    year = forms.IntegerField(
        label=_("Any dels resultats"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text %= {"size": upload_size(settings.IMPORT_MAX_FILE_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise ValidationError(
                _("El fitxer ha de ser CSV o XLSX; «%(name)s» no ho és."),
                params={"name": upload.name},
            )
        if upload.size == 0:
            raise ValidationError(_("El fitxer «%(name)s» és buit."), params={"name": upload.name})
        if upload.size > settings.IMPORT_MAX_FILE_BYTES:
            # Before its bytes are read: the reader would refuse it with these words too.
            raise ValidationError(too_large(upload.name))
        return upload


def _preview(name: str, content: bytes, service: Service, year: int) -> dict:
    """Read and check the sheet, and say what importing it would change; saves nothing."""
    parsed = parse_sheet(read_sheet(name, content))
    errors = list(parsed.errors)
    report = None
    if not errors:
        try:
            report = preview_sheet(parsed, service=service, year=year)
        except CharterImportError as error:
            errors = error.errors
    replaced = report.replaced_results if report else {}
    kept = report.kept_results if report else {}
    rows = [
        {
            "number": row.number,
            "cells": [
                {
                    "text": text,
                    "figure": index in FIGURE_COLUMNS,
                    # So that a result saved since the sheet was made is not replaced,
                    # or kept for an empty cell, without the person seeing it.
                    "replaced": replaced.get(row.number) if index == RESULT_COLUMN else None,
                    "kept": kept.get(row.number) if index == RESULT_COLUMN else None,
                }
                for index, text in enumerate(row.cells())
            ],
            "change": CHANGE_LABELS[report.changes[row.number]] if report else "",
            # Every saved text the row replaces, so nothing is overwritten unseen.
            "field_changes": report.field_changes.get(row.number, []) if report else [],
        }
        for row in parsed.rows
    ]
    return {
        "file_name": name,
        "service": service,
        "year": year,
        "errors": errors,
        "warnings": report.warnings if report else parsed.warnings,
        "report": report,
        "rows": rows,
        "columns": COLUMNS,
    }


def _render(request, form, preview=None, token=None, status=200):
    return render(
        request,
        "service_charters/import.html",
        {"form": form, "preview": preview, "token": token},
        status=status,
    )


@publisher_required
def import_upload(request):
    """The import form, and the preview of an uploaded follow-up sheet; saves nothing.

    The sheet waits in the session until `import_confirm` saves it.
    """
    if request.method != "POST":
        # Results are entered the year after: last year is the usual one.
        return _render(request, ImportForm(initial={"year": timezone.localdate().year - 1}))

    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form)
    upload = form.cleaned_data["file"]
    service, year = form.cleaned_data["service"], form.cleaned_data["year"]
    content = upload.read()
    try:
        preview = _preview(upload.name, content, service, year)
    except RefusedImport as error:
        for message in error.errors:
            form.add_error("file", message)
        return _render(request, form)

    token = None
    request.session.pop(SESSION_KEY, None)
    if not preview["errors"]:
        # The confirmation imports these bytes, kept here: the browser only sends the token.
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {
            "token": token,
            "name": upload.name,
            "content": base64.b64encode(content).decode("ascii"),
            "service": service.pk,
            "year": year,
        }
    return _render(request, form, preview, token)


@publisher_required
@require_POST
def import_confirm(request):
    """Save the sheet of the preview the user confirms, kept in the session by
    `import_upload`; the browser sends only the preview's token."""
    stash = request.session.get(SESSION_KEY)
    valid = stash and constant_time_compare(request.POST.get("token", ""), stash["token"])
    service = Service.objects.filter(pk=stash["service"]).first() if valid else None
    if service is None:
        messages.error(
            request,
            _("Aquesta previsualització ja no és vàlida: torneu a pujar el fitxer."),
        )
        return redirect("service_charters:import")
    content = base64.b64decode(stash["content"])
    form = ImportForm(initial={"service": service, "year": stash["year"]})
    try:
        parsed = parse_sheet(read_sheet(stash["name"], content))
        report = apply_sheet(
            parsed,
            service=service,
            year=stash["year"],
            acting_user=request.user,
            file_name=stash["name"],
        )
    except RefusedImport as error:
        # Previewed without errors, the same bytes can only fail if the data moved meanwhile.
        preview = _preview(stash["name"], content, service, stash["year"])
        preview["errors"] = preview["errors"] or error.errors
        del request.session[SESSION_KEY]
        return _render(request, form, preview, status=400)
    del request.session[SESSION_KEY]
    events.log_import(
        f"the follow-up of charter {report.charter.pk} ({report.year})",
        file_name=stash["name"],
        acting_user=request.user,
        report=report,
    )
    messages.success(request, report.summary())
    return redirect("service_charters:charter_report", pk=report.charter.pk, year=report.year)
