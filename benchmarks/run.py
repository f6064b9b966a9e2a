"""Time named pages with Django's test client on city-scale data.

Usage: `make bench` (or `python benchmarks/run.py --scale city --runs 7`).
Without DATABASE_URL it uses its own SQLite file, var/bench.sqlite3, loaded once
with `load_demo --scale city` (`--factor 3`: var/bench-x3.sqlite3, with three times
the data). `--compare-factor 3` times the pages at factor 1 and 3, each in a process
of its own, and prints each page's ratio and both query counts: a page that does not
grow with the data stays within 1.3x and runs the same queries.
It prints two tables: median and best server time of each page and the number of SQL
queries it ran; then whole PDF documents, each rendered through the PDF helper in a
process of its own (benchmarks/documents.py), with their pages per second against
WeasyPrint's floor (the same text as plain paragraphs) and the process's peak memory.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# What production runs, for every bench: DEBUG off, cached templates, collected static
# files (the host is the caller's to add).
PRODUCTION_ENVIRONMENT = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-" + "x" * 50,
    "SECURE_SSL_REDIRECT": "0",
    "SITE_URL": "http://127.0.0.1:8000",
    "ADMINS": "bench@example.org",
    "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
}


def manage(*command: str, **env: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        check=True,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        timeout=1800,
    )


# At three times the data, a page's median time stays within this of its time at 1x.
GROWTH_LIMIT = 1.3
# How many times each factor's pages are timed, in turns, for the comparison.
COMPARE_ROUNDS = 3
# A page's median is taken over at least `--runs` requests and at least this much of its
# time, as timeit's autorange does: the median of seven requests of a 3 ms page moved by
# a third between two runs of the same unchanged page.
MIN_SAMPLE_SECONDS = 0.5
MAX_RUNS = 200


def prepare(scale: str, factor: int = 1) -> None:
    # Time what production runs: DEBUG off, cached templates, collected static files.
    os.environ.update(PRODUCTION_ENVIRONMENT, ALLOWED_HOSTS="testserver")
    manage("migrate", "--no-input", "-v", "0")
    # load_demo creates demo users, which it does only in demo mode.
    manage("load_demo", "--scale", scale, "--factor", str(factor), DEBUG="1")
    subprocess.run(
        [sys.executable, "benchmarks/publish_current.py"], cwd=ROOT, check=True, timeout=1800
    )
    manage("collectstatic", "--no-input", "-v", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terrassa_plis.settings")
    import django

    django.setup()


def measure(pages, runs: int):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    users = {user.username: user for user in get_user_model().objects.all()}
    rows = []
    for page in pages:
        client = Client()
        if page.username:
            client.force_login(users[page.username])
        url = page.url() if callable(page.url) else page.url

        def ask(page=page, client=client, url=url):
            """The page's request, after its untimed preparation."""
            if page.before_each:
                page.before_each()
            started = time.perf_counter()
            if page.data is not None:
                response = client.post(url, page.data, secure=True)
            else:
                response = client.get(url, secure=True)
            return response, (time.perf_counter() - started) * 1000

        response, _ = ask()
        if response.status_code != page.status:
            print(f"{page.name}: {url} answered {response.status_code}, not timed")
            continue
        if page.before_each:
            page.before_each()
        with CaptureQueriesContext(connection) as queries:
            if page.data is not None:
                client.post(url, page.data, secure=True)
            else:
                client.get(url, secure=True)
        # Each request resets the query log, so count before the next one.
        query_count = len(queries)
        timings = sample(ask, page.runs or runs, fixed=bool(page.runs))
        # The process's peak resident memory so far: an upper bound for this page.
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append((page, url, statistics.median(timings), min(timings), query_count, peak_mb))
    return rows


def sample(ask, runs: int, *, fixed: bool) -> list[float]:
    """The timings of `runs` requests, or of more, up to MAX_RUNS, until they add up to
    MIN_SAMPLE_SECONDS; a page with its own number of runs (a slow report) keeps it."""
    timings = [ask()[1] for _ in range(runs)]
    while not fixed and sum(timings) < MIN_SAMPLE_SECONDS * 1000 and len(timings) < MAX_RUNS:
        timings.append(ask()[1])
    return timings


def forget_clicked_documents() -> None:
    """Each timed click on a document not made yet queued it for a worker, and none runs
    here: the queue is emptied, so the load bench's worker does not start on a backlog
    (nor `/health/` report tasks waiting for longer than it allows)."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.ready().delete()


def print_table(rows, runs: int) -> bool:
    header = f"{'page':<40} {'median ms':>10} {'best ms':>9} {'queries':>8} {'target':>8} "
    print(f"\n{header}{'peak MB':>8}")
    print("-" * 92)
    all_met = True
    for page, _url, median, best, queries, peak_mb in rows:
        target = f"{page.target_ms:.0f}" if page.target_ms else "-"
        verdict = ""
        if page.target_ms:
            met = median <= page.target_ms
            if page.target_peak_mb:
                met &= peak_mb <= page.target_peak_mb
            all_met &= met
            verdict = "ok" if met else "SLOW"
        print(
            f"{page.name:<40} {median:>10.1f} {best:>9.1f} {queries:>8} {target:>8} "
            f"{peak_mb:>8.0f}  {verdict}"
        )
    print(
        f"\nmedian of at least {runs} runs per page and {MIN_SAMPLE_SECONDS:g} s of them "
        f"(at most {MAX_RUNS}; reports: fewer), after one warm-up request"
    )
    return all_met


def measure_documents(documents, runs: int | None):
    """Each document in a child process, so that its peak memory is its own."""
    rows = []
    for document in documents:
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.documents",
                document.name,
                str(runs or document.runs),
            ],
            cwd=ROOT,
            env=os.environ,
            capture_output=True,
            text=True,
        )
        if child.returncode != 0:
            print(f"{document.name}: failed\n{child.stderr.strip()[-2000:]}")
            continue
        rows.append((document, json.loads(child.stdout.strip().splitlines()[-1])))
    return rows


def print_documents(rows) -> bool:
    from benchmarks.documents import FLOOR

    floor = next((result for document, result in rows if document.name == FLOOR), None)
    floor_rate = floor["pages"] / floor["median"] if floor else None
    header = (
        f"{'PDF document':<40} {'pages':>6} {'median s':>9} {'best s':>7} {'cpu s':>6} "
        f"{'pages/s':>8} "
    )
    print(f"\n{header}{'x floor':>8} {'target':>14} {'peak MB':>8}")
    print("-" * 114)
    all_met = True
    for document, result in rows:
        rate = result["pages"] / result["median"]
        ratio = rate / floor_rate if floor_rate else None
        targets, met = [], True
        if document.target_seconds:
            targets.append(f"{document.target_seconds:g} s")
            met &= result["median"] <= document.target_seconds
        if document.target_ratio:
            targets.append(f"x{document.target_ratio:g}")
            met &= ratio is not None and ratio >= document.target_ratio
        if document.target_peak_mb:
            targets.append(f"{document.target_peak_mb:g} MB")
            met &= result["peak_mb"] <= document.target_peak_mb
        verdict = ("ok" if met else "SLOW") if targets else ""
        all_met &= met
        ratio_text = f"{ratio:.2f}" if ratio is not None else "-"
        print(
            f"{document.name:<40} {result['pages']:>6} {result['median']:>9.2f} "
            f"{result['best']:>7.2f} {result['cpu']:>6.2f} {rate:>8.1f} {ratio_text:>8} "
            f"{', '.join(targets) or '-':>14} {result['peak_mb']:>8.0f}  {verdict}"
        )
    print(
        "\nmedian of each document's runs in a fresh process (stylesheet parsed first, as in a "
        "worker);\nx floor: pages/s over the floor's; peak MB: the whole process's"
    )
    return all_met


def compare_factors(args) -> bool:
    """The pages at factor 1 and at `args.compare_factor`, each in a child process with
    its own SQLite file; the table of ratios. True when every page stays within
    GROWTH_LIMIT and runs the same number of queries."""
    if os.environ.get("DATABASE_URL"):
        sys.exit("--compare-factor uses its own SQLite files, one per factor: unset DATABASE_URL")
    factors = [1, args.compare_factor]
    results: dict[int, dict[str, dict]] = {factor: {} for factor in factors}
    # The factors take turns, COMPARE_ROUNDS times, and each page keeps its best median:
    # a shared machine slows one run down now and then, and a single run of each factor
    # made ratios of 0.6 and 1.5 for the same unchanged page.
    for _round in range(COMPARE_ROUNDS):
        for factor in factors:
            out = ROOT / "var" / f"bench-pages-x{factor}.json"
            command = [sys.executable, "benchmarks/run.py", "--scale", args.scale]
            command += ["--runs", str(args.runs), "--factor", str(factor), "--skip-documents"]
            command += ["--json", str(out)] + (["--only", args.only] if args.only else [])
            # The child's verdict on targets is not this comparison's: its exit code is
            # ignored.
            subprocess.run(command, cwd=ROOT, env=os.environ, check=False)
            for row in json.loads(out.read_text()):
                kept = results[factor].get(row["name"])
                if kept is None or row["median"] < kept["median"]:
                    results[factor][row["name"]] = row
    low, high = factors
    header = f"{'page':<40} {'ms x1':>8} {f'ms x{high}':>8} {'ratio':>6} {'queries':>11}"
    print(f"\n{header}")
    print("-" * 80)
    all_met = True
    for name, one in results[low].items():
        more = results[high].get(name)
        if more is None:
            print(f"{name:<40} {one['median']:>8.1f} {'-':>8}")
            all_met = False
            continue
        ratio = more["median"] / one["median"] if one["median"] else float("inf")
        same_queries = more["queries"] == one["queries"]
        if one.get("download"):
            # A download's time is its size's: only its queries must stay the same.
            met, verdict = same_queries, "file" if same_queries else "GROWS"
        else:
            met = ratio <= GROWTH_LIMIT and same_queries
            verdict = "ok" if met else "GROWS"
        all_met &= met
        queries = f"{one['queries']} / {more['queries']}"
        print(
            f"{name:<40} {one['median']:>8.1f} {more['median']:>8.1f} {ratio:>6.2f} "
            f"{queries:>11}  {verdict}"
        )
    print(
        f"\nmedian server time at factor 1 and {high} (load_demo --factor); a page is ok within "
        f"{GROWTH_LIMIT}x with the same queries; «file»: a download (a stored file, a whole "
        "register's open data), whose time is its size's, with the same queries"
    )
    return all_met


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="city", choices=["demo", "city"])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--factor", type=int, default=1, help="times the city-scale data (load_demo --factor)"
    )
    parser.add_argument(
        "--compare-factor",
        type=int,
        help="time the pages at factor 1 and at this factor and print the ratios",
    )
    parser.add_argument("--json", help="also write the pages' timings to this file")
    parser.add_argument(
        "--only", help="time only pages and documents whose name contains this text"
    )
    parser.add_argument(
        "--document-runs", type=int, help="renders of each whole PDF document (default: its own)"
    )
    parser.add_argument(
        "--skip-documents", action="store_true", help="time the pages only, not whole PDFs"
    )
    args = parser.parse_args()

    os.chdir(ROOT)
    (ROOT / "var").mkdir(exist_ok=True)
    if args.compare_factor:
        sys.exit(0 if compare_factors(args) else 1)
    if not os.environ.get("DATABASE_URL"):
        name = "bench.sqlite3" if args.factor == 1 else f"bench-x{args.factor}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / name}"
    print(
        f"database: {os.environ['DATABASE_URL'].split('@')[-1]} · scale: {args.scale} · "
        f"factor: {args.factor}"
    )
    prepare(args.scale, args.factor)

    from benchmarks.documents import DOCUMENTS, FLOOR
    from benchmarks.pages import PAGES

    pages = [page for page in PAGES if not args.only or args.only in page.name]
    rows = measure(pages, args.runs) if pages else []
    forget_clicked_documents()
    all_met = print_table(rows, args.runs) if pages else True
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [
                    {
                        "name": page.name,
                        "median": median,
                        "best": best,
                        "queries": queries,
                        "download": page.download,
                    }
                    for page, _url, median, best, queries, _peak in rows
                ]
            )
        )
    # The floor comes with any whole document, since their ratios are to it.
    documents = [
        document
        for document in DOCUMENTS
        if document.name != FLOOR and (not args.only or args.only in document.name)
    ]
    documents = [*(d for d in DOCUMENTS if d.name == FLOOR), *documents] if documents else []
    if documents and not args.skip_documents:
        all_met &= print_documents(measure_documents(documents, args.document_runs))
    sys.exit(0 if all_met else 1)


if __name__ == "__main__":
    main()
