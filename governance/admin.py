from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from governance.models import Area, Service


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ["name"]
    extra = 0
    show_change_link = True


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "service_count"]
    search_fields = ["name"]
    filter_horizontal = ["technicians"]
    inlines = [ServiceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(service_total=Count("services"))

    @admin.display(description=_("serveis"), ordering="service_total")
    def service_count(self, obj):
        return obj.service_total


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    list_filter = ["area"]
    search_fields = ["name", "area__name"]
    list_select_related = ["area"]
    filter_horizontal = ["technicians"]
