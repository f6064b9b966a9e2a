from django.urls import path

from governance.views import bodies, work

app_name = "governance"

urlpatterns = [
    path("", bodies.plan_overview, name="plan"),
    path("popolo.json", bodies.popolo_export, name="popolo"),
    path("organs/<slug:slug>/", bodies.body_detail, name="body"),
    path("organs/<slug:slug>/pdf/", bodies.body_pdf, name="body_pdf"),
    path("organs/<slug:slug>/membres/nou/", bodies.membership_create, name="membership_create"),
    path("membres/<int:pk>/edita/", bodies.membership_edit, name="membership_edit"),
    path("reunions/", work.meeting_list, name="meetings"),
    path("reunions/<int:pk>/", work.meeting_detail, name="meeting"),
    path("accions/", work.action_plan, name="actions"),
    path("accions/pdf/", work.action_plan_pdf, name="actions_pdf"),
    path("accions/<int:pk>/", work.action_detail, name="action"),
]
