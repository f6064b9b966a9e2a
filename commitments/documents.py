"""The Mandate Plan's documents made in the background (`terrassa_plis.documents`)."""

from django.utils.translation import gettext as _

from commitments.balance import FilterOptions, build_balance, node_title
from commitments.models import ReportingPeriod
from governance.access import may_read_internal
from terrassa_plis.documents import document_kind
from terrassa_plis.exports import Export
from terrassa_plis.pdf import PDF_CONTENT_TYPE, render_pdf

BALANCE_PDF = "commitments.balance_pdf"


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
