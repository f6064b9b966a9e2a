"""The pages `make bench` times: name, how to build the URL, who asks, the target.

`url` is a path or a callable returning one, so it can look up ids in the
city-scale data once Django is set up. Targets are the issues' (milliseconds of
server time, median).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    url: str | Callable[[], str]
    username: str | None
    target_ms: float | None = None
    runs: int | None = None  # fewer runs for slow reports
    target_peak_mb: float | None = None
    # What the request answers when it works (a click on a document not made yet is a
    # redirect to its page), with POST data for a form.
    status: int = 200
    data: dict | None = None
    # Untimed, before each timed request: e.g. make the next click a new document.
    before_each: Callable[[], None] | None = None
    # A download (a stored file served as it is, the open data of a whole register): its
    # time is its size's, which grows with the data it holds; `--compare-factor` shows
    # its ratio apart.
    download: bool = False


def _period(term="2015-2019"):
    from commitments.models import ReportingPeriod

    return ReportingPeriod.objects.filter(mandate__term=term, entries__isnull=False).latest()


def _commitment_list():
    period = _period()
    return f"/pla-de-mandat/?mandate={period.mandate_id}&period={period.pk}"


def _commitment_detail():
    from commitments.models import PlanNode

    node = PlanNode.objects.get(mandate__term="2015-2019", level__depth=1, code="21")
    return f"/pla-de-mandat/compromisos/{node.pk}/"


def _action_detail():
    from commitments.models import PlanNode

    node = PlanNode.objects.get(mandate__term="2019-2023", level__depth=2, code="61.1")
    return f"/pla-de-mandat/compromisos/{node.pk}/"


PAGES = [
    Page("login page", "/entrar/", None),
    Page("home (director)", "/", "director"),
    Page("commitments list, 2015-2019", _commitment_list, "director", 150),
    Page(
        "commitments list, 2019-2023 actions",
        lambda: f"/pla-de-mandat/?mandate={_period('2019-2023').mandate_id}",
        "director",
        150,
    ),
    Page("commitment 21 detail", _commitment_detail, "director", 100),
    Page("action 61.1 detail (2019-2023)", _action_detail, "director", 100),
    Page("my commitments (tecnic)", "/pla-de-mandat/els-meus/", "tecnic"),
    Page(
        "entry form, commitment 21 (tecnic)",
        lambda: f"{_commitment_detail()}seguiment/{_period().pk}/",
        "tecnic",
    ),
    # The Balanç page shows one priority or objective (issue 14): 150 ms.
    Page(
        "balance HTML, priority 2",
        lambda: f"/pla-de-mandat/balanc/{_period().pk}/?priority=2",
        "director",
        150,
    ),
    Page(
        "balance HTML, 2019-2023 objective 6",
        lambda: f"/pla-de-mandat/balanc/{_period('2019-2023').pk}/?priority=6",
        "director",
        150,
    ),
    Page(
        "balance HTML, 2019-2023 without filter",
        lambda: f"/pla-de-mandat/balanc/{_period('2019-2023').pk}/",
        "director",
        150,
    ),
]


def _new_data_version():
    """As after any edit: the next click asks for a document that is not made yet."""
    from terrassa_plis.documents import DATA_APPS
    from terrassa_plis.models import DataVersion

    DataVersion.bump(DATA_APPS)


def _made(url: str, username: str) -> str:
    """`url`, once its document is made: a worker's work, done here beforehand."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from terrassa_plis.documents import make_document
    from terrassa_plis.models import DocumentStatus, GeneratedDocument

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(url, secure=True)
    if response.status_code == 302:
        document = GeneratedDocument.objects.get(pk=response["Location"].split("/")[-2])
        if document.status != DocumentStatus.READY:
            make_document.call(str(document.pk))
    return url


def _balance_pdf():
    return f"/pla-de-mandat/balanc/{_period().pk}/pdf/"


# Documents are made in the background: the click must answer at once (a redirect to
# the document's page, the task queued), and a document made already is served at once.
PAGES += [
    Page(
        "PDF click, whole 2015-2019 balance",
        _balance_pdf,
        "director",
        300,
        status=302,
        before_each=_new_data_version,
    ),
    Page(
        "stored PDF, whole 2015-2019 balance",
        lambda: _made(_balance_pdf(), "director"),
        "director",
        20,
        download=True,
    ),
]


def _charter():
    from service_charters.models import Charter

    return Charter.objects.filter(title__startswith="[Dades generades]").order_by("pk").first()


PAGES += [
    Page("charters index, 2021", "/cartes-de-serveis/?year=2021", "director"),
    Page(
        "charter follow-up HTML, 2021",
        lambda: f"/cartes-de-serveis/{_charter().pk}/seguiment/2021/",
        "director",
        150,
    ),
    Page(
        "charter results form, 2021",
        lambda: f"/cartes-de-serveis/{_charter().pk}/resultats/2021/",
        "admin",
    ),
    Page(
        "charters open data JSON click, 2021",
        "/cartes-de-serveis/seguiment/2021/exporta.json",
        "director",
        300,
        status=302,
        before_each=_new_data_version,
    ),
    Page(
        "stored charters open data JSON, 2021",
        lambda: _made("/cartes-de-serveis/seguiment/2021/exporta.json", "director"),
        "director",
        20,
        download=True,
    ),
    Page(
        "PDF click, charters full report 2021",
        "/cartes-de-serveis/seguiment/2021/pdf/",
        "director",
        300,
        status=302,
        before_each=_new_data_version,
    ),
]


PAGES += [
    Page("PLIS transversal commission", "/plis/organs/comissio-tecnica-transversal/", "director"),
    Page("PLIS action plan", "/plis/accions/", "director"),
    # A full axis: the third has 28 actions at both sizes of the data.
    Page("PLIS action plan, axis 3", "/plis/accions/?eix=3", "director"),
    Page("PLIS meetings", "/plis/reunions/", "director"),
    Page("PLIS Popolo JSON", "/plis/popolo.json", "director", download=True),
]


def _mandate_2015():
    from commitments.models import Mandate

    return Mandate.objects.get(term="2015-2019").pk


PAGES += [
    # Every dashboard: 100 ms (issue 14).
    Page("dashboard, latest period", "/quadre/", "director", 100),
    Page("dashboard, 2015-2019", lambda: f"/quadre/?mandate={_mandate_2015()}", "director", 100),
    Page("dashboard, service charters", "/quadre/cartes/", "director", 100),
    Page("dashboard, PLIS", "/quadre/plis/", "director", 100),
]


def _round(kind):
    from publication.models import ReportingRound

    return ReportingRound.objects.filter(kind=kind).latest("opened_at").pk


def _no_publication_under_way():
    """Each click asks for a publication of its own (none runs: no worker here)."""
    from publication.models import PublicationJob

    PublicationJob.objects.all().delete()


def _published(kind, suffix=""):
    from publication.models import PublishedVersion

    version = PublishedVersion.objects.filter(round__kind=kind).latest("published_at")
    return f"/publicat/{version.round_id}/v{version.number}/{suffix}"


PAGES += [
    Page(
        "round completion, balance (staff)",
        lambda: f"/rondes/{_round('balance')}/",
        "publicacio",
    ),
    Page(
        "publish click, balance round (staff)",
        lambda: f"/rondes/{_round('balance')}/publica/",
        "publicacio",
        300,
        status=302,
        data={"note": "Nova versió per a la prova de rendiment."},
        before_each=_no_publication_under_way,
    ),
    Page("public index (anonymous)", "/publicat/", None),
    Page(
        "published balance page (anonymous)",
        lambda: _published("balance"),
        None,
    ),
    Page(
        "published balance PDF, from storage",
        lambda: _published("balance", "pdf/"),
        None,
        download=True,
    ),
    Page(
        "published charters JSON",
        lambda: _published("charters", "dades.json"),
        None,
        download=True,
    ),
    # A word found in every instrument: each group fills up to its cap.
    Page("search (director)", "/cerca/?q=habitatge", "director"),
    Page("public search (anonymous)", "/cerca/?q=habitatge", None),
]
