from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from publication.views.public import home
from terrassa_plis import views

urlpatterns = [
    # Citizens' home when nobody is signed in (publication's public pages), else the user's.
    path("", home, name="home"),
    path("health/", views.health, name="health"),
    path("documents/<uuid:pk>/", views.document, name="document"),
    path("documents/<uuid:pk>/progres/", views.document_progress, name="document_progress"),
    path("documents/<uuid:pk>/torna-ho-a-provar/", views.document_retry, name="document_retry"),
    path("entrar/", auth_views.LoginView.as_view(), name="login"),
    path("sortir/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch is offered on the login page too.
    path("idioma/", login_not_required(set_language), name="set_language"),
    path("pla-de-mandat/", include("commitments.urls")),
    path("cartes-de-serveis/", include("service_charters.urls")),
    path("plis/", include("governance.urls")),
    path("arees/", include("overview.urls")),
    path("cerca/", include("search.urls")),
    path("relacionats/", include("relations.urls")),
    path("", include("publication.urls")),
    path("admin/", admin.site.urls),
]
