"""Placeholder until this module is written: replace it whole."""

from django.http import Http404


def published_index(request, *args, **kwargs):
    raise Http404


def published_page(request, *args, **kwargs):
    raise Http404


def published_pdf(request, *args, **kwargs):
    raise Http404


def published_data(request, *args, **kwargs):
    raise Http404
