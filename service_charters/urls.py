from django.urls import path

from service_charters.views import data, reports, results

app_name = "service_charters"

urlpatterns = [
    path("", reports.charter_list, name="list"),
    path("seguiment/<int:year>/", reports.year_report, name="year_report"),
    path("seguiment/<int:year>/pdf/", reports.year_report_pdf, name="year_report_pdf"),
    path("seguiment/<int:year>/no-assolits/", reports.shortfalls, name="shortfalls"),
    path("seguiment/<int:year>/exporta.<str:file_format>", data.year_export, name="year_export"),
    path("<int:pk>/seguiment/<int:year>/", reports.charter_report, name="charter_report"),
    path(
        "<int:pk>/seguiment/<int:year>/pdf/", reports.charter_report_pdf, name="charter_report_pdf"
    ),
    path(
        "<int:pk>/seguiment/<int:year>/exporta.<str:file_format>",
        data.charter_export,
        name="charter_export",
    ),
    path("<int:pk>/resultats/<int:year>/", results.results_edit, name="results_edit"),
    path("indicadors/<int:pk>/", reports.indicator_detail, name="indicator_detail"),
    path("importa/", data.import_upload, name="import"),
    path("importa/confirma/", data.import_confirm, name="import_confirm"),
]
