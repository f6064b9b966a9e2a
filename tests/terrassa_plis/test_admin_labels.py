"""The admin reads in Catalan: every changelist and every add and change form, walked as an
administrator reads them, has no English label left.

What a forgotten label looks like is known: Django makes it from the code's own name, the
field `body` becomes the column «Body» and the filter «Per body», the model `PlanNode` the
title «plan node». So the words to look for are those of the code: every word of every
field's and model's name of every model the admin shows, and the few English words of the
admin's own pages. A word the two languages share («text», «error») is left out.
"""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.text import camel_case_to_spaces
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from commitments.models import Entry, ReportingPeriod
from governance.models import (
    ActionImplementation,
    Agreement,
    Meeting,
    Membership,
    Milestone,
    Person,
    PlanAction,
    PoliticalGroup,
    Seat,
)
from publication.models import PublicationJob, PublishedVersion, ReportingRound, RoundKind
from tests.conftest import make_persona
from tests.pages import text_of, visible_text

# Words of the code that Catalan writes the same way, and the names of HTTP («Dades GET»,
# «Capçalera HTTP Accept»): no sign of a forgotten label.
SHARED_WORDS = {
    "a", "accept", "agenda", "agent", "causes", "color", "csv", "data", "de", "error", "get",
    "hash", "html", "http", "id", "ip", "json", "no", "ods", "on", "pdf", "per", "plural",
    "post", "text", "total", "url",
}  # fmt: skip
# The English words of the admin's own pages (its buttons, headings and filters), should
# one of them come without its translation.
ADMIN_WORDS = {
    "action", "actions", "add", "administration", "all", "and", "by", "change", "delete",
    "filter", "go", "history", "home", "is", "log", "of", "recent", "save", "search",
    "select", "show", "site", "the", "to", "view", "welcome", "with", "yes",
}  # fmt: skip
WORD = re.compile(r"[^\W\d_]+")


def code_words() -> set[str]:
    """Every word of the names of the admin's models and of their fields."""
    words = set(ADMIN_WORDS)
    for model in admin.site._registry:
        words.update(camel_case_to_spaces(model.__name__).split())
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            words.update(field.name.split("_"))
    return {word.lower() for word in words} - SHARED_WORDS


def is_label(tag: str, attrs: dict, ancestors: list[str]) -> bool:
    """Whether an element is a label: the name of a field, a column, a filter, a
    fieldset, an inline, a model or an app, an action, the page's title. Not the records'
    own texts, which are data (an object's name in the breadcrumbs, a cell of the list)."""
    if tag in ("label", "legend", "caption", "summary", "h1"):
        return True
    if tag == "h2":
        # The subtitle is the record's name; fieldsets and inlines have a class.
        return "class" in attrs
    if tag == "th":
        return "thead" in ancestors or attrs.get("scope") == "row"
    return tag == "option" and "select:action" in ancestors


class LabelText(HTMLParser):
    """The text of the page's labels (`is_label`)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__()
        self.labels: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        ancestors = [name for name, _label in self.stack]
        inside = any(label for _name, label in self.stack)
        name = f"select:{attrs.get('name')}" if tag == "select" else tag
        self.stack.append((name, inside or is_label(tag, attrs, ancestors)))

    def handle_endtag(self, tag):
        # Close up to the matching element (HTML lets some end tags be left out).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0].split(":")[0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if self.stack and self.stack[-1][1]:
            self.labels.append(data)


def english_words(response, vocabulary: set[str], record=None) -> set[str]:
    """The words of `vocabulary` in the page's labels; the record's own name, which the
    history's title quotes («Historial de canvis: Access Log for …»), is data."""
    reader = LabelText()
    reader.feed(response.content.decode())
    text = " ".join(" ".join(reader.labels).split())
    if record is not None:
        text = text.replace(str(record), "")
    return {word for word in WORD.findall(text.lower()) if word in vocabulary}


@pytest.fixture
def every_kind_of_record(organisation, settings):
    """One record at least of each model the admin shows, so that each change form is read."""
    # A task's result is read back through the backend that keeps it, the database's.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("loaddata", "mandate_plan", "service_charters", "plis", verbosity=0)
    administrator = make_persona("administrator")
    make_persona("technician_area3")
    seat = Seat.objects.select_related("body__plan").order_by("pk").first()
    body = seat.body
    person = Person.objects.create(name="Núria Puig", user=administrator)
    group = PoliticalGroup.objects.create(name="Grup Municipal de Prova")
    Membership.objects.create(
        person=person, seat=seat, political_group=group, start=date(2024, 1, 1)
    )
    meeting = Meeting.objects.create(body=body, date=date(2024, 3, 12), agenda="Ordre del dia")
    meeting.attendees.add(person)
    Agreement.objects.create(meeting=meeting, text="Convocar la taula", owner=person)
    action = PlanAction.objects.create(
        plan=body.plan, code="1.1.1", title="Acció de prova", axis="Eix 1", line="1.1"
    )
    ActionImplementation.objects.create(action=action, period="2024-S1", degree=50)
    Milestone.objects.create(plan=body.plan, title="Diagnosi", planned_on=date(2024, 6, 1))
    period = ReportingPeriod.objects.get(is_open=True)
    balance_round = ReportingRound.objects.create(
        kind=RoundKind.BALANCE,
        period=period,
        deadline=timezone.localdate() + timedelta(days=30),
        opened_by=administrator,
    )
    job = PublicationJob.objects.create(round=balance_round, requested_by=administrator)
    version = PublishedVersion.objects.create(
        round=balance_round,
        number=1,
        title="Balanç de prova",
        html="<p>Balanç</p>",
        csv="Codi\n21\n",
        json="[]",
        published_by=administrator,
    )
    job.version = version
    job.save()
    AccessAttempt.objects.create(
        username="intrus", ip_address="10.0.0.1", user_agent="Navegador", failures_since_start=1
    )
    AccessLog.objects.create(username="intrus", ip_address="10.0.0.1", user_agent="Navegador")
    AccessFailureLog.objects.create(
        username="intrus", ip_address="10.0.0.1", user_agent="Navegador", locked_out=False
    )
    DBTaskResult.objects.create(
        task_path="terrassa_plis.documents.make_document",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
    )
    assert Entry.objects.exists()
    # The fixtures are loaded without history: a save gives each first record a version.
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, SimpleHistoryAdmin):
            first = model._default_manager.order_by("pk").first()
            if first is not None and not first.history.exists():
                first.save()
    return administrator


def admin_pages(user):
    """Every changelist, and for each model its add form (when one may add), the change
    (or view) form of its first record and its history (with a version of it, where the
    history is kept); each page with the record it shows."""
    request = type("Request", (), {"user": user})()
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info)), None
        if model_admin.has_add_permission(request):
            yield reverse("admin:{}_{}_add".format(*info)), None
        first = model._default_manager.order_by("pk").first()
        assert first is not None, f"no {model._meta.label} to open: create one in the fixture"
        yield reverse("admin:{}_{}_change".format(*info), args=[first.pk]), first
        yield reverse("admin:{}_{}_history".format(*info), args=[first.pk]), first
        if isinstance(model_admin, SimpleHistoryAdmin):
            version = first.history.order_by("pk").first()
            assert version is not None, f"no history of {first!r} to open"
            url = reverse(
                "admin:{}_{}_simple_history".format(*info), args=[first.pk, version.history_id]
            )
            yield url, first


def test_every_admin_page_reads_in_catalan(client, settings, every_kind_of_record):
    client.force_login(every_kind_of_record)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ca"
    vocabulary = code_words()
    english = {}
    pages = [(reverse("admin:index"), None), *admin_pages(every_kind_of_record)]
    for url, record in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if words := english_words(response, vocabulary, record):
            english[url] = sorted(words)
    assert not english, f"English left in the admin: {english}"


def test_the_walk_notices_a_label_left_in_english(client, every_kind_of_record, monkeypatch):
    """The check above can fail: a field whose name was forgotten is caught."""
    field = Meeting._meta.get_field("body")
    monkeypatch.setattr(field, "verbose_name", "body")
    client.force_login(every_kind_of_record)
    response = client.get(reverse("admin:governance_meeting_changelist"))
    assert "body" in english_words(response, code_words())


def test_the_admin_bears_the_project_s_name(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:index"))
    branding = re.search(r'<div id="site-name">(.*?)</div>', page.content.decode(), re.S)[1]
    assert text_of(branding) == "Terrassa PLIS · Administració"
    assert "Django" not in visible_text(page)
    assert "Pla de Mandat, cartes de serveis i PLIS" in visible_text(page)
