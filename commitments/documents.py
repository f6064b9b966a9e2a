"""The Mandate Plan's documents made in the background (`terrassa_plis.documents`)."""

from django.http import QueryDict
from django.utils.text import slugify
from django.utils.translation import gettext as _

from commitments.balance import FilterOptions, build_balance, node_title
from commitments.filters import CommitmentFilter
from commitments.models import ReportingPeriod
from commitments.plan_io import export_table
from governance.access import may_read_internal
from terrassa_plis.documents import document_kind
from terrassa_plis.exports import Export, csv_export, json_export, json_number, xlsx_export
from terrassa_plis.pdf import PDF_CONTENT_TYPE, render_pdf


def _json_table(stem: str, header, rows) -> Export:
    """The table as a list of objects keyed by the columns' names."""
    return json_export(
        stem, [dict(zip(header, map(json_number, row), strict=True)) for row in rows]
    )


BALANCE_PDF = "commitments.balance_pdf"
PLAN_EXPORT = "commitments.plan_export"
EXPORTERS = {"csv": csv_export, "xlsx": xlsx_export, "json": _json_table}


def balance_document_title(period: ReportingPeriod, filters: dict, options: FilterOptions) -> str:
    """«Balanç del Pla de Mandat 2015-2019 · Primer semestre de 2019 · PRIORITAT núm. 2»."""
    parts = [
        _("Balanç del %(plan)s") % {"plan": period.mandate.name},
        period.label,
    ]
    if filters.get("priority"):
        top = options.top_node(filters["priority"])
        parts.append(node_title(top.level, top))
    if filters.get("area") is not None:
        parts.append(str(options.area(filters["area"])))
    return " · ".join(parts)


@document_kind(BALANCE_PDF, may_read=may_read_internal, steps=2)
def balance_pdf(params: dict, progress) -> Export:
    """The balance of a period (of one top-level node and/or area, if given) as a PDF."""
    progress.step(_("S'estan reunint les dades del balanç"))
    period = ReportingPeriod.objects.select_related("mandate").get(pk=params["period"])
    balance = build_balance(period, top_code=params.get("priority"), area_number=params.get("area"))
    progress.step(_("S'estan compaginant les pàgines"))
    content = render_pdf("commitments/balance_pdf.html", {"period": period, "balance": balance})
    return Export(balance.pdf_filename, PDF_CONTENT_TYPE, content)


def plan_export_name(filterset: CommitmentFilter) -> str:
    """«compromisos-2015-2019-primer-semestre-de-2019»: what the file holds."""
    parts = ["compromisos"]
    if filterset.mandate:
        parts.append(filterset.mandate.term)
    if filterset.period:
        parts.append(filterset.period.label)
    return slugify(" ".join(parts))


@document_kind(PLAN_EXPORT, may_read=may_read_internal, steps=1)
def plan_export(params: dict, progress) -> Export:
    """The list's commitments, filtered as the list was, with the import's columns."""
    progress.step(_("S'estan reunint els compromisos"))
    query = QueryDict(mutable=True)
    for name, values in params["filters"].items():
        query.setlist(name, values)
    filterset = CommitmentFilter(query)
    # CSV and XLSX are edited and imported again: «Versió» keeps an import from undoing
    # what was saved since.
    header, rows = export_table(
        filterset.qs.select_related("parent", "service"),
        filterset.period,
        with_version=params["format"] != "json",
    )
    return EXPORTERS[params["format"]](plan_export_name(filterset), header, rows)
