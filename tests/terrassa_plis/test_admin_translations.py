"""The admin reads in Spanish and English too: every name it shows of the project's models,
fields, columns and actions has its translation."""

import pytest
from django.contrib import admin
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import trans_real

PROJECT_APPS = {"terrassa_plis", "governance", "commitments", "service_charters", "publication"}


def admin_labels():
    """Every translatable name of the project's admin pages, as its msgid."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        yield model._meta.verbose_name
        yield model._meta.verbose_name_plural
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            yield field.verbose_name
        for name in [*model_admin.list_display, *(model_admin.actions or [])]:
            function = getattr(model_admin, name, None) if isinstance(name, str) else name
            description = getattr(function, "short_description", None)
            if description is not None:
                yield description
    yield admin.site.site_header
    yield admin.site.index_title


def msgid(label) -> str | None:
    """The source text of a lazy translation, None for a plain string (a field's name)."""
    if isinstance(label, Promise):
        return label._args[0]
    return None


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_admin_label_of_the_project_is_translated(language):
    catalog = trans_real.translation(language)._catalog
    missing = sorted({text for text in map(msgid, admin_labels()) if text and text not in catalog})
    assert not missing, f"without a translation into {language}: {missing}"


def test_a_label_without_its_translation_is_noticed(monkeypatch):
    monkeypatch.setattr(admin.site, "index_title", _("Una etiqueta que ningú no ha traduït"))
    catalog = trans_real.translation("es")._catalog
    assert "Una etiqueta que ningú no ha traduït" not in catalog
    assert "Una etiqueta que ningú no ha traduït" in {msgid(label) for label in admin_labels()}
