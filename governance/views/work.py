"""Placeholder until this module is written: replace it whole."""

from django.http import Http404


def meeting_list(request, *args, **kwargs):
    raise Http404


def meeting_detail(request, *args, **kwargs):
    raise Http404


def action_plan(request, *args, **kwargs):
    raise Http404


def action_plan_pdf(request, *args, **kwargs):
    raise Http404


def action_detail(request, *args, **kwargs):
    raise Http404
