from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class TerrassaPlisConfig(AppConfig):
    name = "terrassa_plis"
    verbose_name = _("Terrassa PLIS")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules
        from django_tasks.signals import task_finished

        from terrassa_plis.cache import prepare_cache
        from terrassa_plis.documents import on_model_change
        from terrassa_plis.events import on_task_finished
        from terrassa_plis.text_search import ensure_search_indexes

        # Any change to the data a document shows makes the next document new.
        for change in (post_save, post_delete, m2m_changed):
            change.connect(on_model_change, dispatch_uid=f"documents-{change}")
        # Every failed background task leaves a line in the log (and an e-mail to ADMINS).
        task_finished.connect(on_task_finished, dispatch_uid="events-task-finished")
        # Every migrate makes the database cache's table and forgets the pages kept before.
        post_migrate.connect(prepare_cache, sender=self, dispatch_uid="cache-prepare")
        # And makes sure every searched table has its index (`text_search`).
        post_migrate.connect(ensure_search_indexes, sender=self, dispatch_uid="search-indexes")
        # Each app declares its kinds of document in its own `documents.py`.
        autodiscover_modules("documents")
