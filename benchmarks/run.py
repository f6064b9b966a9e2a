"""Time named pages with Django's test client on city-scale data.

Usage: `make bench` (or `python benchmarks/run.py --scale city --runs 7`).
Without DATABASE_URL it uses its own SQLite file, var/bench.sqlite3, loaded once
with `load_demo --scale city`. It prints one table: median and best server time
of each page and the number of SQL queries it ran.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def manage(*command: str, **env: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        check=True,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )


def prepare(scale: str) -> None:
    # Time what production runs: DEBUG off, cached templates, collected static files.
    os.environ.update(
        DEBUG="0",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(ROOT / "var" / "bench-static"),
    )
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
        response = client.get(url, secure=True)
        if response.status_code != 200:
            print(f"{page.name}: {url} answered {response.status_code}, not timed")
            continue
        with CaptureQueriesContext(connection) as queries:
            client.get(url, secure=True)
        # Each request resets the query log, so count before the next one.
        query_count = len(queries)
        timings = []
        for _ in range(page.runs or runs):
            started = time.perf_counter()
            client.get(url, secure=True)
            timings.append((time.perf_counter() - started) * 1000)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="city", choices=["demo", "city"])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", help="time only pages whose name contains this text")
    args = parser.parse_args()

    os.chdir(ROOT)
    if not os.environ.get("DATABASE_URL"):
        (ROOT / "var").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]} · scale: {args.scale}")
    prepare(args.scale)

    from benchmarks.pages import PAGES

    pages = [page for page in PAGES if not args.only or args.only in page.name]
    all_met = print_table(measure(pages, args.runs), args.runs)
    sys.exit(0 if all_met else 1)


if __name__ == "__main__":
    main()
