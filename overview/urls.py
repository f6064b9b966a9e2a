from django.urls import path

from overview import views

app_name = "overview"

urlpatterns = [
    path("<int:number>/", views.area_page, name="area"),
]
