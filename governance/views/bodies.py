"""Placeholder until this module is written: replace it whole."""

from django.http import Http404


def plan_overview(request, *args, **kwargs):
    raise Http404


def popolo_export(request, *args, **kwargs):
    raise Http404


def body_detail(request, *args, **kwargs):
    raise Http404


def body_pdf(request, *args, **kwargs):
    raise Http404


def membership_create(request, *args, **kwargs):
    raise Http404


def membership_edit(request, *args, **kwargs):
    raise Http404
