"""The service charters' documents made in the background (`terrassa_plis.documents`)."""

from django.utils.text import slugify
from django.utils.translation import gettext as _

from governance.access import may_read_internal
from service_charters.followup import FollowUpRow, load_rows, open_data_table
from service_charters.followup_document import build_report
from service_charters.models import Charter
from terrassa_plis.documents import document_kind
from terrassa_plis.exports import Export, csv_export, json_export, xlsx_export
from terrassa_plis.pdf import PDF_CONTENT_TYPE, render_pdf

FOLLOW_UP_PDF = "service_charters.followup_pdf"
YEAR_EXPORT = "service_charters.year_export"
EXPORT_FORMATS = ("csv", "xlsx", "json")


@document_kind(FOLLOW_UP_PDF, may_read=may_read_internal, steps=2)
def follow_up_pdf(params: dict, progress) -> Export:
    """The follow-up of one year, of every charter in force or of one (`charter`)."""
    progress.step(_("S'estan reunint els resultats"))
    charter = None
    if params.get("charter") is not None:
        charter = Charter.objects.with_service().get(pk=params["charter"])
    report = build_report(params["year"], charter=charter)
    progress.step(_("S'estan compaginant les pàgines"))
    content = render_pdf("service_charters/report_pdf.html", {"report": report})
    return Export(report.pdf_filename, PDF_CONTENT_TYPE, content)


def open_data_export(
    rows: list[FollowUpRow], *, stem: str, file_format: str, year: int, with_service: bool
) -> Export:
    """The follow-up's rows as CSV, XLSX or JSON, with the columns the import reads."""
    # The app's own downloads carry «Versió», so an edited sheet cannot silently undo a
    # change saved since it was made; JSON is read by machines, not imported.
    header, table, records = open_data_table(
        rows, year, with_service=with_service, with_version=file_format != "json"
    )
    if file_format == "json":
        return json_export(stem, records)
    if file_format == "csv":
        return csv_export(stem, header, table)
    return xlsx_export(stem, header, table, sheet_title=f"Seguiment {year}")


def year_export_stem(year: int) -> str:
    return slugify(f"seguiment cartes {year}")


@document_kind(YEAR_EXPORT, may_read=may_read_internal, steps=1)
def year_export(params: dict, progress) -> Export:
    """Every charter in force in the year, first column «Servei»."""
    progress.step(_("S'estan reunint els resultats"))
    year = params["year"]
    rows = load_rows(Charter.objects.in_force(year), year)
    return open_data_export(
        rows,
        stem=year_export_stem(year),
        file_format=params["format"],
        year=year,
        with_service=True,
    )
