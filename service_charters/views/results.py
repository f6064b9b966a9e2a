"""Placeholder until this module is written: replace it whole."""

from django.http import Http404


def results_edit(request, *args, **kwargs):
    raise Http404
