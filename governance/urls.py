from django.urls import path

from governance.views import action_plan, bodies, meetings

app_name = "governance"

urlpatterns = [
    path("", bodies.plan_overview, name="plan"),
    path("popolo.json", bodies.popolo_export, name="popolo"),
    path("organs/<slug:slug>/", bodies.body_detail, name="body"),
    path("organs/<slug:slug>/pdf/", bodies.body_pdf, name="body_pdf"),
    path("organs/<slug:slug>/membres/nou/", bodies.membership_create, name="membership_create"),
    path("membres/<int:pk>/edita/", bodies.membership_edit, name="membership_edit"),
    path("reunions/", meetings.meeting_list, name="meetings"),
    path("reunions/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("accions/", action_plan.action_plan, name="actions"),
    path("accions/pdf/", action_plan.action_plan_pdf, name="actions_pdf"),
    path("accions/<int:pk>/", action_plan.action_detail, name="action"),
    path("accions/<int:pk>/decisio/", action_plan.action_decision, name="action_decision"),
    path(
        "accions/<int:pk>/implementacio/",
        action_plan.action_implementation,
        name="action_implementation",
    ),
]
