from django.db import migrations, models

# The apps whose data pages and documents show (`terrassa_plis.documents.DATA_APPS` when
# this was written): each gets its counter, from the single one's value.
DATA_APPS = ["commitments", "governance", "publication", "service_charters"]


def one_counter_per_app(apps, schema_editor):
    DataVersion = apps.get_model("terrassa_plis", "DataVersion")
    value = DataVersion.objects.values_list("value", flat=True).first() or 0
    DataVersion.objects.all().delete()
    DataVersion.objects.bulk_create(
        DataVersion(app_label=label, value=value) for label in DATA_APPS
    )


def one_counter(apps, schema_editor):
    DataVersion = apps.get_model("terrassa_plis", "DataVersion")
    value = max(DataVersion.objects.values_list("value", flat=True), default=0)
    DataVersion.objects.all().delete()
    DataVersion.objects.create(pk=1, app_label="", value=value)


class Migration(migrations.Migration):
    dependencies = [("terrassa_plis", "0002_catalan_labels")]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="app_label",
            field=models.CharField(default="", max_length=100, verbose_name="aplicació"),
            preserve_default=False,
        ),
        migrations.RunPython(one_counter_per_app, one_counter),
        migrations.AlterField(
            model_name="dataversion",
            name="app_label",
            field=models.CharField(max_length=100, unique=True, verbose_name="aplicació"),
        ),
    ]
