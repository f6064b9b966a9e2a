"""Time named pages with Django's test client on city-scale data.

Usage: `make bench` (or `python benchmarks/run.py --scale city --runs 7`).
Without DATABASE_URL it uses its own SQLite file, var/bench.sqlite3, loaded once
with `load_demo --scale city`. It prints two tables: median and best server time
of each page and the number of SQL queries it ran; then whole PDF documents, each
rendered through the PDF helper in a process of its own (benchmarks/documents.py), with
their pages per second against WeasyPrint's floor (the same text as plain paragraphs)
and the process's peak memory.
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


def prepare(scale: str) -> None:
    # Time what production runs: DEBUG off, cached templates, collected static files.
    os.environ.update(PRODUCTION_ENVIRONMENT, ALLOWED_HOSTS="testserver")
    manage("migrate", "--no-input", "-v", "0")
    # load_demo creates demo users, which it does only in demo mode.
    manage("load_demo", "--scale", scale, DEBUG="1")
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
        timings = [ask()[1] for _ in range(page.runs or runs)]
        # The process's peak resident memory so far: an upper bound for this page.
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append((page, url, statistics.median(timings), min(timings), query_count, peak_mb))
    return rows


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
    print(f"\nmedian of {runs} runs per page (reports: fewer), after one warm-up request")
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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="city", choices=["demo", "city"])
    parser.add_argument("--runs", type=int, default=7)
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
    if not os.environ.get("DATABASE_URL"):
        (ROOT / "var").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]} · scale: {args.scale}")
    prepare(args.scale)

    from benchmarks.documents import DOCUMENTS, FLOOR
    from benchmarks.pages import PAGES

    pages = [page for page in PAGES if not args.only or args.only in page.name]
    all_met = print_table(measure(pages, args.runs), args.runs) if pages else True
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
