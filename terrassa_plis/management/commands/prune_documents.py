"""Delete the documents made in the background that nobody needs any more."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from terrassa_plis.models import GeneratedDocument


class Command(BaseCommand):
    help = (
        "Esborra els documents generats (PDF, exportacions) acabats fa més de --days dies, "
        "amb els seus fitxers: es tornen a fer si algú els demana. Per a un cron diari."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - timedelta(days=days)
        old = GeneratedDocument.objects.filter(finished_at__lt=cutoff)
        deleted = 0
        for document in old.iterator():
            # The file first: a row without its file is never served, a file without its
            # row would never be found again.
            if document.file:
                document.file.delete(save=False)
            document.delete()
            deleted += 1
        self.stdout.write(f"Documents esborrats: {deleted}.")
