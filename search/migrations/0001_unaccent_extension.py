"""PostgreSQL's unaccent, so that a search without accents finds the texts with them
(`terrassa_plis.text_search`). A trusted extension: the database's owner may install
it. Nothing to do on SQLite, which folds the texts in Python."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [UnaccentExtension()]
