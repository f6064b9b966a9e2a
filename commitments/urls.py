from django.urls import path

from commitments.views import balance, entries, lists

app_name = "commitments"

urlpatterns = [
    path("", lists.commitment_list, name="list"),
    path("exporta.<str:file_format>", lists.commitment_export, name="export"),
    path("compromisos/<int:pk>/", lists.commitment_detail, name="detail"),
    path("els-meus/", entries.my_commitments, name="mine"),
    path(
        "compromisos/<int:pk>/seguiment/<int:period_pk>/",
        entries.entry_edit,
        name="entry_edit",
    ),
    path("balanc/", balance.balance_choose, name="balance_choose"),
    path("balanc/<int:period_pk>/", balance.balance_page, name="balance"),
    path("balanc/<int:period_pk>/pdf/", balance.balance_pdf, name="balance_pdf"),
]
