"""Placeholder until this module is written: replace it whole."""

from django.http import Http404


def plan_dashboard(request, *args, **kwargs):
    raise Http404


def charters_dashboard(request, *args, **kwargs):
    raise Http404


def plis_dashboard(request, *args, **kwargs):
    raise Http404
