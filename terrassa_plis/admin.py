"""What every app's admin shares: the site's name, records shown but never edited there,
the one way an action downloads a document, the permissions named in the reader's
language, and the admin pages of the libraries the project uses, named in Catalan too."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

admin.site.site_header = _("Terrassa PLIS · Administració")
admin.site.site_title = _("Terrassa PLIS · Administració")
admin.site.index_title = _("Pla de Mandat, cartes de serveis i PLIS")


class HistoryAdmin(SimpleHistoryAdmin):
    """Every save here recorded in the model's history (who, when, before → after), which
    its «Historial» shows to whoever may read the history model (settings: only
    administrators). Going back to an old version is an edit: refused to whoever may not
    change the record and its history (the library saves a posted one for a reader)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not (
            self.has_change_permission(request) and self.has_change_history_permission(request)
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class RecordedOnThePagesAdmin:
    """Listed and shown in the admin, but added and changed only through the app's own
    forms and operations, which check what the admin's plain model forms would skip
    (the version that detects a concurrent edit, the history, the domain's rules)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(RecordedOnThePagesAdmin):
    """Not even deleted here: frozen records, or what only an operation may remove."""

    def has_delete_permission(self, request, obj=None):
        return False


def one_selected(model_admin, request, queryset):
    """The one record an action that downloads a document acts on, or None (and a message
    saying why) when none or several are selected: each document is made on its own."""
    records = list(queryset[:2])
    if len(records) != 1:
        model_admin.message_user(
            request,
            _("Trieu un sol element (%(model)s): cada document es prepara per separat.")
            % {"model": model_admin.opts.verbose_name},
            messages.WARNING,
        )
        return None
    return records[0]


# Django names the default permissions in English when it creates them («Can add àrea»),
# and stores the name: the pickers say them again in the reader's language.
PERMISSION_ACTIONS = {
    "add": _("Pot afegir"),
    "change": _("Pot modificar"),
    "delete": _("Pot eliminar"),
    "view": _("Pot veure"),
}


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, permission):
        action, _separator, model_name = permission.codename.partition("_")
        model = permission.content_type.model_class()
        if action not in PERMISSION_ACTIONS or model is None:
            return str(permission)
        if model._meta.model_name != model_name:
            return str(permission)
        app = capfirst(model._meta.app_config.verbose_name)
        return f"{app} | {model_label(model)} | {PERMISSION_ACTIONS[action]}"


def model_label(model) -> str:
    """The model's name; a history kept by django-simple-history, which names it «historical
    …» in English whatever the language, by the name of what it keeps the history of."""
    tracked = getattr(model, "instance_type", None)
    if tracked is None or tracked is model:
        return capfirst(model._meta.verbose_name)
    name = tracked._meta.verbose_name
    owner = tracked._meta.auto_created
    if owner:
        # The history of a many-to-many field, kept through Django's own table.
        field = owner._meta.get_field(model.__name__.partition("_")[2])
        name = f"{owner._meta.verbose_name} · {field.verbose_name}"
    return _("%(model)s (historial)") % {"model": capfirst(name)}


# The libraries' admin pages: their labels are translated in locale/; what they write as
# plain text is named again here.

apps.get_app_config("django_tasks_database").verbose_name = _("Tasques en segon pla")


class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "id",
        "task",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )

    @admin.display(description=_("tasca"))
    def task(self, obj):
        return obj.task_name

    @admin.display(description=_("traça de l'error"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("no abans de"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)


class AttemptAdmin(AccessAttemptAdmin):
    @admin.display(description=_("estat"))
    def status(self, obj):
        return super().status(obj)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AttemptAdmin)
