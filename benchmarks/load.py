"""Pages under load while a whole-plan PDF is being made.

Usage: `make bench-load` (or `python benchmarks/load.py --users 20 --duration 30`).
The issue's target: while a worker makes the whole 2019-2023 Balanç PDF, 20 logged-in
users browsing see a p95 within 1.5x of the p95 without it (2 cores, city scale,
production settings).

It starts the app as production runs it (gunicorn with 3 workers, DEBUG=0, and one
`manage.py db_worker`) on a free port of 127.0.0.1, logs the users in through /entrar/
as a browser does, and has each loop over list, detail, dashboard and Balanç pages
(those of `benchmarks/pages.py`) with a short pause between clicks. Phase A measures
them alone; phase B the same while the PDF is made, from the moment the worker takes it
until it is done (or the phase's duration has passed). It prints one table and exits 1
when the ratio misses the target. Without DATABASE_URL it uses var/bench.sqlite3, as
`make bench` does; run `make bench` once first (or pass --load) to fill it.

The web processes and the worker share this script's session, as under `make run`; with
--apart each has one of its own, as separate services are scheduled (see `Services`). The
latencies are the clients' (this script runs on the same processors), not the server's.
"""

import argparse
import contextlib
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import PRODUCTION_ENVIRONMENT, manage  # noqa: E402

TARGET_RATIO = 1.5
PASSWORD = "demo"
# The sessions' users, in turn: mostly readers of everything, as the people who browse
# the plan are; technicians see fewer pages (those of their area).
USERNAMES = ["director", "publicacio", "tecnic", "director", "tecnic2"]
# What people browse: lists, details, dashboards and the Balanç on screen. No PDF or
# export (those are the background work), no form that writes.
BROWSED = [
    "home (director)",
    "commitments list, 2015-2019",
    "commitments list, 2019-2023 actions",
    "commitment 21 detail",
    "action 61.1 detail (2019-2023)",
    "my commitments (tecnic)",
    "balance HTML, priority 2",
    "balance HTML, 2019-2023 objective 6",
    "charters index, 2021",
    "charter follow-up HTML, 2021",
    "PLIS action plan",
    "dashboard, latest period",
    "dashboard, 2015-2019",
    "dashboard, service charters",
    "dashboard, PLIS",
]
REQUEST_TIMEOUT = 60  # seconds; a request past this counts as an error


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(load: bool) -> None:
    # What production runs, as `make bench` sets it; documents go to a folder of their own.
    os.environ.update(
        PRODUCTION_ENVIRONMENT,
        ALLOWED_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
    )
    manage("migrate", "--no-input", "-v", "0")
    if load:
        # load_demo creates demo users, which it does only in demo mode.
        manage("load_demo", "--scale", "city", DEBUG="1")
    manage("collectstatic", "--no-input", "-v", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terrassa_plis.settings")
    import django

    django.setup()


class Services:
    """gunicorn and one db_worker, each in a process group of its own, so stopping them
    also stops gunicorn's workers and the worker's document child.

    By default both stay in this script's session, as under `make run`. `apart` gives
    each a session of its own, as separate services are scheduled: Linux's autogroup
    shares the processors between sessions first, which the document child answers by
    lowering a session of its own (`terrassa_plis.isolation.yield_to_web_processes`)."""

    def __init__(self, port: int, web_workers: int, apart: bool = False):
        self.port = port
        self.web_workers = web_workers
        self.apart = apart
        self.processes: list[subprocess.Popen] = []
        self.log = open(ROOT / "var" / "bench-load.log", "w")  # noqa: SIM115

    def __enter__(self):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self._start(
            [
                str(gunicorn),
                "terrassa_plis.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.web_workers),
            ]
        )
        self._start([sys.executable, "manage.py", "db_worker", "--no-reload"])
        self._wait_until_up()
        return self

    def _start(self, command):
        self.processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=self.log,
                stderr=subprocess.STDOUT,
                start_new_session=self.apart,
                process_group=None if self.apart else 0,
            )
        )

    def _wait_until_up(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                break
            try:
                if request("GET", self.port, "/health/", {}, timeout=5).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the app did not start: see {self.log.name}")

    def __exit__(self, *exc):
        for process in self.processes:
            _signal_group(process, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=15)
        self.log.close()


def _signal_group(process: subprocess.Popen, signum) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def request(method, port, path, cookies, *, body=None, headers=None, timeout=REQUEST_TIMEOUT):
    """One request on a new connection (gunicorn's sync workers close each one), as plain
    HTTP: the cookies are kept by hand, since the app marks them Secure for the TLS
    proxy that production has in front."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        all_headers = dict(headers or {})
        if cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read())
    finally:
        connection.close()
    for header in answer.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            cookies[name] = morsel.value
    return answer


class Session:
    """One logged-in person, as a browser holds it: its cookies."""

    def __init__(self, port: int, username: str):
        self.port = port
        self.username = username
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Answer:
        return request("GET", self.port, path, self.cookies)

    def log_in(self) -> None:
        form = self.get("/entrar/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
        if form.status != 200 or token is None:
            raise SystemExit(f"/entrar/ answered {form.status} without a CSRF token")
        origin = f"http://127.0.0.1:{self.port}"
        answer = request(
            "POST",
            self.port,
            "/entrar/",
            self.cookies,
            body=urlencode(
                {
                    "username": self.username,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token.group(1).decode(),
                }
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}/entrar/",
            },
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{self.username} could not log in: {answer.status}")


@dataclass
class Sample:
    started: float  # time.monotonic() when the request was sent
    ms: float
    ok: bool


@dataclass
class Browsing:
    """The users' threads: each loops over its pages until told to stop, pausing
    `think` seconds on average between clicks; every request is recorded with the
    moment it was sent, so a phase is a window of time over the same run."""

    sessions: list[tuple[Session, list[str]]]
    think: float
    until: float  # time.monotonic() past which every thread stops whatever happens
    samples: list[Sample] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self):
        self.threads = [
            threading.Thread(target=self._browse, args=(n, session, paths), daemon=True)
            for n, (session, paths) in enumerate(self.sessions)
        ]
        for thread in self.threads:
            thread.start()

    def _browse(self, n, session, paths):
        chooser = random.Random(n)  # the same walk on every run
        while not self.stop.is_set() and time.monotonic() < self.until:
            path = chooser.choice(paths)
            started = time.monotonic()
            try:
                ok = session.get(path).status == 200
            except OSError:
                ok = False
            self.samples.append(Sample(started, (time.monotonic() - started) * 1000, ok))
            if self.think:
                self.stop.wait(chooser.uniform(0.5, 1.5) * self.think)

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)

    def window(self, start: float, end: float) -> list[Sample]:
        return [sample for sample in list(self.samples) if start <= sample.started < end]


def figures(samples: list[Sample], seconds: float) -> dict:
    timings = sorted(sample.ms for sample in samples if sample.ok)
    if len(timings) < 2:
        return {"rps": 0.0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "errors": len(samples), "n": 0}
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {
        "rps": len(samples) / seconds,
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "errors": sum(not sample.ok for sample in samples),
        "n": len(samples),
    }


def browsed_paths():
    """The paths of BROWSED, with their ids looked up in the data."""
    from benchmarks.pages import PAGES

    return [
        page.url() if callable(page.url) else page.url for page in PAGES if page.name in BROWSED
    ]


def whole_plan_pdf_path() -> str:
    from benchmarks.pages import _period

    return f"/pla-de-mandat/balanc/{_period('2019-2023').pk}/pdf/"


def log_in_all(port: int, users: int, paths: list[str]):
    """The sessions and, for each, the pages its user may see (a technician sees the
    plan of its area only); these first visits also warm each gunicorn worker up."""
    sessions = []
    for n in range(users):
        session = Session(port, USERNAMES[n % len(USERNAMES)])
        session.log_in()
        allowed = [path for path in paths if session.get(path).status == 200]
        if not allowed:
            raise SystemExit(f"{session.username} may see none of the browsed pages")
        sessions.append((session, allowed))
    return sessions


def watch_document(document_pk, take_within: float, duration: float):
    """Poll the document's row while the users browse: the moments (time.monotonic())
    the worker took it and it finished. Stop `duration` seconds after it was taken, or
    when nobody took it within `take_within` seconds; a moment that did not happen is
    None."""
    from terrassa_plis.models import DocumentStatus, GeneratedDocument

    asked = time.monotonic()
    taken = None
    while True:
        status = GeneratedDocument.objects.values_list("status", flat=True).get(pk=document_pk)
        now = time.monotonic()
        if taken is None and status != DocumentStatus.WAITING:
            taken = now
        if status in (DocumentStatus.READY, DocumentStatus.FAILED):
            return taken, now
        if (taken is None and now > asked + take_within) or (
            taken is not None and now >= taken + duration
        ):
            return taken, None
        time.sleep(0.2)


def wait_for_document(document_pk, seconds: float):
    from terrassa_plis.models import GeneratedDocument

    deadline = time.monotonic() + seconds
    while True:
        document = GeneratedDocument.objects.get(pk=document_pk)
        if document.is_finished or time.monotonic() > deadline:
            return document
        time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30, help="seconds of each phase")
    parser.add_argument("--warmup", type=float, default=5, help="seconds before phase A")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between clicks")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--pdf-wait", type=float, default=300, help="most seconds to wait for it")
    parser.add_argument("--load", action="store_true", help="run load_demo --scale city first")
    parser.add_argument(
        "--apart",
        action="store_true",
        help="web and worker in sessions of their own, scheduled apart as separate services",
    )
    args = parser.parse_args()

    os.chdir(ROOT)
    (ROOT / "var").mkdir(exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    print(
        f"database: {os.environ['DATABASE_URL'].split('@')[-1]} · {args.users} users · "
        f"{args.web_workers} web workers + 1 db_worker"
        f"{' (apart)' if args.apart else ''} · {os.cpu_count()} cores"
    )
    prepare(args.load)

    from django_tasks_db.models import DBTaskResult

    from terrassa_plis.documents import DATA_APPS
    from terrassa_plis.models import DataVersion, DocumentStatus

    # `make bench` times clicks on PDF links with no worker running: the tasks they
    # queued would be the worker's first work here, ahead of the one this script times.
    DBTaskResult.objects.ready().delete()
    paths = browsed_paths()
    pdf_path = whole_plan_pdf_path()
    # As after any edit: the next click on the PDF link makes a new document.
    DataVersion.bump(DATA_APPS)

    with Services(free_port(), args.web_workers, args.apart) as services:
        port = services.port
        sessions = log_in_all(port, args.users, paths)
        director = Session(port, "director")
        director.log_in()
        # However the phases go, every thread has stopped by then.
        hard_stop = time.monotonic() + args.warmup + 2 * args.duration + args.pdf_wait + 60
        browsing = Browsing(sessions, args.think, hard_stop)
        # The 1-minute load average as each phase ends: on a shared machine, a high one
        # in one phase only says the comparison is not to be trusted.
        a, b = {}, {}
        browsing.start()
        try:
            time.sleep(args.warmup)
            a_start = time.monotonic()
            time.sleep(args.duration)
            a_end = time.monotonic()
            a["load"] = os.getloadavg()[0]

            clicked = time.monotonic()
            click = director.get(pdf_path)
            click_ms = (time.monotonic() - clicked) * 1000
            location = click.headers.get("Location", "")
            match = re.search(r"/documents/([0-9a-f-]{36})/", location)
            if click.status != 302 or match is None:
                raise SystemExit(
                    f"the PDF link answered {click.status} {location!r}, not a new document's page"
                )
            document_pk = match.group(1)
            # Phase B is the time the worker spends on the document, at most `duration`.
            taken, finished = watch_document(document_pk, take_within=30, duration=args.duration)
            if taken is None:
                raise SystemExit("no worker took the document within 30 s: see var/bench-load.log")
            b_start, b_end = taken, finished or time.monotonic()
            b["load"] = os.getloadavg()[0]
        finally:
            browsing.finish()

        # The document's own time, from the worker's clock; wait for it without load.
        document = wait_for_document(document_pk, args.pdf_wait)
        served_ms = None
        if document.status == DocumentStatus.READY:
            timings = []
            for _ in range(3):
                started = time.monotonic()
                answer = director.get(pdf_path)
                timings.append((time.monotonic() - started) * 1000)
                if answer.status != 200 or not answer.body.startswith(b"%PDF"):
                    raise SystemExit(f"the stored PDF answered {answer.status}")
            served_ms = statistics.median(timings)

    a |= figures(browsing.window(a_start, a_end), a_end - a_start)
    b |= figures(browsing.window(b_start, b_end), b_end - b_start)
    return report(args, a, b, a_end - a_start, b_end - b_start, document, click_ms, served_ms)


def report(args, a, b, a_seconds, b_seconds, document, click_ms, served_ms) -> int:
    print(
        f"\n{'phase':<34} {'s':>5} {'requests':>8} {'req/s':>6} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7} {'errors':>6} {'load':>5}"
    )
    print("-" * 94)
    for name, row, seconds in (
        ("A: browsing only", a, a_seconds),
        ("B: while the whole-plan PDF is made", b, b_seconds),
    ):
        print(
            f"{name:<34} {seconds:>5.0f} {row['n']:>8} {row['rps']:>6.1f} {row['p50']:>7.0f} "
            f"{row['p95']:>7.0f} {row['p99']:>7.0f} {row['errors']:>6} {row['load']:>5.1f}"
        )
    ratio = b["p95"] / a["p95"] if a["p95"] else float("inf")
    met = ratio <= TARGET_RATIO and not a["errors"] and not b["errors"]
    verdict = "ok" if met else "MISSED"
    print(f"\np95(B) / p95(A) = {ratio:.2f} (target ≤ {TARGET_RATIO}): {verdict}")
    took = (
        f"{(document.finished_at - document.started_at).total_seconds():.1f} s"
        if document.started_at and document.finished_at
        else "-"
    )
    print(
        f"whole 2019-2023 Balanç PDF: {document.status}, made in {took} by the worker"
        + (f" ({document.error.splitlines()[0]})" if document.error else "")
    )
    print(f"the PDF click answered in {click_ms:.0f} ms (302 to the document's page)")
    print(
        "the stored PDF is served in "
        + (f"{served_ms:.0f} ms (median of 3)" if served_ms is not None else "- (not ready)")
    )
    print(
        f"\n{args.users} users, a pause of {args.think:.1f} s on average between clicks, "
        f"{args.warmup:.0f} s of warm-up; phase B lasts while the worker makes the PDF, "
        f"at most {args.duration:.0f} s; load: the 1-minute load average as it ended"
    )
    return 0 if met and document.status == "ready" else 1


if __name__ == "__main__":
    sys.exit(main())
