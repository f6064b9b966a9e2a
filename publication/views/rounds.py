"""Placeholder until this module is written: replace it whole."""

from django.http import Http404


def round_list(request, *args, **kwargs):
    raise Http404


def round_detail(request, *args, **kwargs):
    raise Http404
