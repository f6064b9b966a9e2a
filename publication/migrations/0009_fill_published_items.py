import json
from datetime import date

from django.db import migrations
from django.db.models import Max


def fill_items(apps, schema_editor):
    """The searchable items of the latest version of every round published before
    publishing stored them, from its frozen open data and parts."""
    from publication.public_search import item_rows

    PublishedVersion = apps.get_model("publication", "PublishedVersion")
    PublishedItem = apps.get_model("publication", "PublishedItem")
    Service = apps.get_model("governance", "Service")
    area_of_service = {
        service.name: service.area.name for service in Service.objects.select_related("area")
    }
    latest = PublishedVersion.objects.values("round_id").annotate(number=Max("number"))
    for row in latest:
        version = PublishedVersion.objects.select_related("round__period").get(
            round_id=row["round_id"], number=row["number"]
        )
        round = version.round
        places = {
            item: f"?part={part.key}#{anchor}"
            for part in version.parts.all()
            for item, anchor in part.anchors.items()
        }
        mandate_id = round.period.mandate_id if round.period_id else None
        rows = item_rows(
            round.kind, mandate_id, json.loads(version.json or "[]"), places, area_of_service
        )
        PublishedItem.objects.bulk_create(
            (
                PublishedItem(
                    version=version,
                    position=position,
                    kind=round.kind,
                    subject_start=round.period.start if round.period_id else date(round.year, 1, 1),
                    **fields,
                )
                for position, fields in enumerate(rows, start=1)
            ),
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("publication", "0008_published_items_for_search"),
        ("governance", "0009_stored_clean_html_of_rich_texts"),
    ]

    operations = [migrations.RunPython(fill_items, migrations.RunPython.noop)]
