"""Placeholder until this module is written: replace it whole."""

from django.http import Http404


def year_export(request, *args, **kwargs):
    raise Http404


def charter_export(request, *args, **kwargs):
    raise Http404


def import_upload(request, *args, **kwargs):
    raise Http404
