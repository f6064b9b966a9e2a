from django.urls import path

from relations import views

app_name = "relations"

urlpatterns = [
    path("<int:pk>/", views.manage, name="manage"),
    path("<int:pk>/afegeix/", views.add, name="add"),
    path("<int:pk>/<int:relation_pk>/treu/", views.remove, name="remove"),
]
