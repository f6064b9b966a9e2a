"""Pages under load: 20 people signed in, then 20 citizens on the public pages, with Locust.

Usage: `make bench` (its load part), or `python benchmarks/users.py --duration 40`.
The issue's targets, on two cores with production settings and city-scale data:

- 20 signed-in users (directors and technicians, `benchmarks/locustfile.py`): no error,
  p95 ≤ 500 ms, at least 60 requests a second;
- 20 anonymous visitors on the public pages: p95 ≤ 100 ms, at least 300 requests a second.

It starts the app as production runs it (gunicorn with the README's 3 workers and one
`db_worker`, DEBUG=0, the database cache) on a free port of 127.0.0.1, as
`benchmarks/load.py` does, writes the mixes (the paths each kind of user clicks, with the
ids of the data, only those its users may open) to var/bench-users.json, and runs Locust
headless on each phase. Without DATABASE_URL it uses var/bench.sqlite3, which
`make bench` fills (or pass --load). It prints one table and exits 1 when a target is
missed. The client runs on the same processors as the server: on a shared machine the
figures are the machine's, not the app's.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import Services, Session, free_port, prepare  # noqa: E402

LOCUSTFILE = ROOT / "benchmarks" / "locustfile.py"
MIX_FILE = ROOT / "var" / "bench-users.json"
PASSWORD = "demo"
USERNAMES = {"director": ["director", "publicacio"], "technician": ["tecnic", "tecnic2"]}
# What each kind of user clicks, by the names of `benchmarks/pages.py`.
DIRECTOR_PAGES = [
    "home (director)",
    "commitments list, 2015-2019",
    "commitments list, 2019-2023 actions",
    "commitment 21 detail",
    "action 61.1 detail (2019-2023)",
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
TECHNICIAN_PAGES = [
    "home (director)",
    "my commitments (tecnic)",
    "commitments list, 2015-2019",
    "commitments list, 2019-2023 actions",
    "commitment 21 detail",
    "action 61.1 detail (2019-2023)",
    "charters index, 2021",
    "charter follow-up HTML, 2021",
    "PLIS action plan",
    "PLIS meetings",
]


@dataclass(frozen=True)
class Phase:
    name: str
    user_classes: list[str]
    max_p95_ms: float
    min_rps: float


PHASES = [
    Phase("signed in: directors and technicians", ["DirectorUser", "TechnicianUser"], 500, 60),
    Phase("anonymous: public pages", ["PublicVisitor"], 100, 300),
]


def paths_of(names: list[str]) -> list[str]:
    from benchmarks.pages import PAGES

    return [page.url() if callable(page.url) else page.url for page in PAGES if page.name in names]


def public_paths() -> list[str]:
    from governance.models import Body
    from publication.models import PublishedPart, PublishedVersion
    from publication.public import published_rounds

    rounds = list(published_rounds().values_list("pk", flat=True)[:4])
    versions = PublishedVersion.objects.filter(round_id__in=rounds).values_list(
        "round_id", "number"
    )
    # A visitor reads a document a part at a time: the last two parts of each round's
    # latest version besides the first, which its page opens on.
    parts = [
        (pk, key)
        for pk in rounds
        for key in PublishedPart.objects.filter(version__round_id=pk)
        .order_by("-version__number", "-position")
        .values_list("key", flat=True)[:2]
    ]
    bodies = Body.objects.values_list("slug", flat=True)[:3]
    return [
        "/",
        "/publicat/",
        *(f"/publicat/{pk}/" for pk in rounds),
        *(f"/publicat/{pk}/?part={key}" for pk, key in parts),
        *(f"/publicat/{pk}/v{number}/" for pk, number in versions),
        "/publicat/plis/",
        *(f"/publicat/plis/{slug}/" for slug in bodies),
    ]


def readable(port: int, usernames: list[str | None], paths: list[str]) -> list[str]:
    """The paths every one of `usernames` (None: a visitor) may open; a technician sees
    fewer pages. These first visits also warm each gunicorn worker up."""
    kept = list(paths)
    for username in usernames:
        session = Session(port, username or "")
        if username:
            session.log_in()
        kept = [path for path in kept if session.get(path).status == 200]
    if not kept:
        raise SystemExit(f"{usernames} may open none of the pages")
    return kept


def write_mix(port: int) -> None:
    mix = {
        "director": readable(port, USERNAMES["director"], paths_of(DIRECTOR_PAGES)),
        "technician": readable(port, USERNAMES["technician"], paths_of(TECHNICIAN_PAGES)),
        "public": readable(port, [None], public_paths()),
        "usernames": USERNAMES,
        "password": PASSWORD,
    }
    MIX_FILE.write_text(json.dumps(mix, indent=2), encoding="utf-8")


def run_phase(phase: Phase, port: int, args) -> dict:
    prefix = ROOT / "var" / f"bench-users-{phase.user_classes[0].lower()}"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.users),
        # A bound on the whole run, sign-ins included; the measured window is the
        # locustfile's (PLIS_BENCH_SECONDS once every user has signed in).
        "--run-time",
        f"{int(args.duration + args.sign_in_allowance)}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *phase.user_classes,
    ]
    environment = {
        **os.environ,
        "PLIS_BENCH_MIX": str(MIX_FILE),
        "PLIS_BENCH_SECONDS": str(args.duration),
    }
    with open(ROOT / "var" / "bench-users-locust.log", "a") as log:
        result = subprocess.run(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, check=False
        )
    if result.returncode == 2:
        raise SystemExit(f"{phase.name}: a user could not sign in (see var/bench-users-locust.log)")
    return aggregated(Path(f"{prefix}_stats.csv"))


def aggregated(stats: Path) -> dict:
    """Locust's «Aggregated» row: every request of the measured window."""
    with stats.open(encoding="utf-8") as file:
        row = next(row for row in csv.DictReader(file) if row["Name"] == "Aggregated")
    return {
        "n": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=40, help="measured seconds per phase")
    parser.add_argument(
        "--sign-in-allowance", type=float, default=60, help="most seconds for the sign-ins"
    )
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--load", action="store_true", help="run load_demo --scale city first")
    args = parser.parse_args()

    os.chdir(ROOT)
    (ROOT / "var").mkdir(exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    print(
        f"database: {os.environ['DATABASE_URL'].split('@')[-1]} · {args.users} users a phase · "
        f"{args.web_workers} web workers + 1 db_worker · {os.cpu_count()} cores"
    )
    prepare(args.load)

    results = []
    with Services(free_port(), args.web_workers) as services:
        write_mix(services.port)
        for phase in PHASES:
            results.append((phase, run_phase(phase, services.port, args), os.getloadavg()[0]))
    return report(args, results)


def report(args, results) -> int:
    print(
        f"\n{'phase':<38} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6} {'load':>5}  target"
    )
    print("-" * 120)
    missed = False
    for phase, row, load in results:
        met = not row["errors"] and row["p95"] <= phase.max_p95_ms and row["rps"] >= phase.min_rps
        missed |= not met
        print(
            f"{phase.name:<38} {row['n']:>8} {row['rps']:>7.1f} {row['p50']:>7.0f} "
            f"{row['p95']:>7.0f} {row['p99']:>7.0f} {row['errors']:>6} {load:>5.1f}  "
            f"0 errors, p95 ≤ {phase.max_p95_ms:.0f} ms, ≥ {phase.min_rps:.0f} req/s: "
            + ("ok" if met else "MISSED")
        )
    print(
        f"\n{args.users} users a phase for {args.duration:.0f} s once all have signed in; "
        "signed-in users pause 0.05-0.35 s between clicks, visitors not at all; load: the "
        "1-minute load average as the phase ended. Per page: var/bench-users-*_stats.csv"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
