from django import forms
from django.utils.translation import gettext_lazy as _

from terrassa_plis.text_search import MAX_QUERY_LENGTH, search_words


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cerca"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        error_messages={
            "max_length": _(
                "La cerca pot tenir com a màxim %(limit_value)d caràcters (n'hi ha "
                "%(show_value)d): escriviu només les paraules que busqueu."
            ),
        },
    )

    def words(self) -> list[str]:
        """The folded words to look for; none until the form is valid."""
        if not self.is_valid():
            return []
        return search_words(self.cleaned_data["q"])
