from django.urls import path

from publication.views import changes, dashboards, public, public_plis, rounds

app_name = "publication"

urlpatterns = [
    path("quadre/", dashboards.plan_dashboard, name="dashboard"),
    path("quadre/cartes/", dashboards.charters_dashboard, name="charters_dashboard"),
    path("quadre/plis/", dashboards.plis_dashboard, name="plis_dashboard"),
    path("rondes/", rounds.round_list, name="rounds"),
    path("rondes/obre/", rounds.round_open, name="round_open"),
    path("rondes/<int:pk>/", rounds.round_detail, name="round"),
    path("rondes/<int:pk>/revisio/", rounds.round_review, name="round_review"),
    path("rondes/<int:pk>/publica/", rounds.round_publish, name="round_publish"),
    path("rondes/<int:pk>/canvis/", changes.round_changes, name="round_changes"),
    path("publicat/", public.published_index, name="public_index"),
    path("publicat/plis/", public_plis.public_plan, name="public_plis"),
    path("publicat/plis/popolo.json", public_plis.public_popolo, name="public_popolo"),
    path("publicat/plis/<slug:slug>/", public_plis.public_body, name="public_body"),
    path("publicat/arees/<int:number>/", public.public_area, name="public_area"),
    path("publicat/<int:round_pk>/", public.published_page, name="public_page"),
    path("publicat/<int:round_pk>/v<int:number>/", public.published_page, name="public_version"),
    path("publicat/<int:round_pk>/v<int:number>/pdf/", public.published_pdf, name="public_pdf"),
    path(
        "publicat/<int:round_pk>/v<int:number>/canvis/",
        changes.public_changes,
        name="public_changes",
    ),
    path(
        "publicat/<int:round_pk>/v<int:number>/dades.<str:file_format>",
        public.published_data,
        name="public_data",
    ),
]
