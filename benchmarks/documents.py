"""Whole PDF documents, timed through the project's PDF helper, each in a process of its own.

`make bench` runs `python -m benchmarks.documents NAME RUNS` once per document, as a
background worker renders them: a fresh process, the shared stylesheet parsed once, then
the document built and rendered RUNS times. The child prints one JSON line: pages,
median and best seconds, median CPU seconds, and its peak resident memory (a whole
worker's, Django included).

`floor` is WeasyPrint's floor for the balance: the 2015-2019 balance PDF's own lines of text
(its cover, summary rows and commitments), each line one plain paragraph
(benchmarks/templates/benchmarks/plain_pdf.html), same stylesheet, fonts and page size.
A document's pages per second over the floor's says how close its markup
is to plain text.
"""

import io
import json
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Document:
    name: str
    template: str
    term: str  # the mandate whose latest period with entries is rendered
    runs: int
    target_seconds: float | None = None
    target_peak_mb: float | None = None
    target_ratio: float | None = None  # of the floor's pages per second


FLOOR = "floor"
DOCUMENTS = [
    Document(FLOOR, "benchmarks/plain_pdf.html", "2015-2019", runs=3),
    Document(
        "balance PDF, whole 2015-2019",
        "commitments/balance_pdf.html",
        "2015-2019",
        runs=3,
        target_seconds=6,
        target_ratio=0.8,
    ),
    Document(
        "balance PDF, whole 2019-2023",
        "commitments/balance_pdf.html",
        "2019-2023",
        runs=2,
        target_seconds=25,
        target_peak_mb=400,
    ),
]


def _context(term: str) -> dict:
    from commitments.balance import build_balance
    from commitments.models import ReportingPeriod

    period = ReportingPeriod.objects.filter(mandate__term=term, entries__isnull=False).latest()
    return {"balance": build_balance(period), "period": period}


def measure(document: Document, runs: int) -> dict:
    """Render `document` `runs` times in this process; Django must be set up."""
    import copy

    from django.conf import settings
    from django.test.utils import override_settings
    from pypdf import PdfReader

    from terrassa_plis import pdf

    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES]
    with override_settings(TEMPLATES=templates):
        pdf._shared_style()  # parsed once per process, as in a worker
        timings, cpu = [], []
        for _ in range(runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            content = pdf.render_pdf(document.template, _context(document.term))
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
    return {
        "pages": len(PdfReader(io.BytesIO(content)).pages),
        "median": statistics.median(timings),
        "best": min(timings),
        # On a shared machine the CPU time says more than the wall clock.
        "cpu": statistics.median(cpu),
        "peak_mb": _peak_mb(),
    }


def _peak_mb() -> float:
    """This process's peak resident memory. Linux carries ru_maxrss over fork and exec, so a
    child would report its parent's peak; VmHWM is the child's own."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    import django

    name, runs = sys.argv[1], int(sys.argv[2])
    django.setup()
    from django.utils import translation

    translation.activate("ca")
    [document] = [document for document in DOCUMENTS if document.name == name]
    print(json.dumps(measure(document, runs)))


if __name__ == "__main__":
    main()
