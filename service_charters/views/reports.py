"""Placeholder until this module is written: replace it whole."""

from django.http import Http404


def charter_list(request, *args, **kwargs):
    raise Http404


def year_report(request, *args, **kwargs):
    raise Http404


def year_report_pdf(request, *args, **kwargs):
    raise Http404


def charter_report(request, *args, **kwargs):
    raise Http404


def charter_report_pdf(request, *args, **kwargs):
    raise Http404


def indicator_detail(request, *args, **kwargs):
    raise Http404
