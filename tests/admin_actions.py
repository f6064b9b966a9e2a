"""Running an admin action as the changelist's form posts it."""

from django.contrib.admin import helpers
from django.urls import reverse


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def run_action(client, model, action: str, records, **fields):
    """Post the changelist's actions form: `action` on the selected `records`, with the
    action bar's other `fields` (a year)."""
    data = {
        "action": action,
        helpers.ACTION_CHECKBOX_NAME: [str(record.pk) for record in records],
        "index": "0",
        **fields,
    }
    return client.post(changelist_url(model), data)
