"""The service charters' documents made in the background (`terrassa_plis.documents`)."""

from django.utils.translation import gettext as _

from governance.access import may_read_internal
from service_charters.followup_document import build_report
from service_charters.models import Charter
from terrassa_plis.documents import document_kind
from terrassa_plis.exports import Export
from terrassa_plis.pdf import PDF_CONTENT_TYPE, render_pdf

FOLLOW_UP_PDF = "service_charters.followup_pdf"


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
