"""Benchmark of the upload check against hostile PDFs: seconds and peak memory per file.

Run from the project root with the project's virtualenv:

    .venv/bin/python bench/pdf_hostile.py [--runs 3]

For each file of ``tests/calls/hostile_pdfs.HOSTILE`` (decompression bombs in object and
content streams, whitespace bombs, looping page trees; built in memory, no database) and,
for comparison, for the valid 10 MB upload of ``bench/pdf_bench.py``, it prints:

- **seconds**: median wall-clock time of ``calls.pdfcheck.inspect_pdf``, the real path of
  an upload (hash, then the parse in a child of the forkserver with the ceilings of
  ``PDF_CHECK_MAX_SECONDS`` / ``PDF_CHECK_MAX_MEMORY_MB``), after one warm-up;
- **peak extra MB**: how much memory the parse needs above the process it starts from.
  The same child function, with the same limits, runs in a child forked directly from this
  process, whose peak resident memory the kernel reports on exit (``wait4``); the figure is
  that peak minus the child's resident memory when it started;
- the verdict (the refusal code, or "accepted").

Rows are sorted by seconds, worst case last. **Targets: every file under 2 s and under
200 MB extra.** Exit status: 0 met, 1 missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0
TARGET_EXTRA_MB = 200
TEN_MB = 10 * 1024 * 1024
MB = 1024 * 1024


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coalition.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()


def resident() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def peak_extra(data: bytes) -> int:
    """Peak resident bytes of the bounded parse above what its process held when it
    started, in a child forked from here (the kernel reports its peak to `wait4`)."""
    from calls import pdfinspect
    from calls.pdfsafety import apply_limits, limits_from_settings

    limits = limits_from_settings()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: same limits, same function, then out without cleanup
        os.close(read_end)
        os.write(write_end, resident().to_bytes(8, "big"))
        os.close(write_end)
        code = 0
        try:
            apply_limits(limits)
            pdfinspect.inspect_document(data, None, (), None, True)
        except BaseException:  # a ceiling reached is a result here too
            code = 1
        os._exit(code)
    os.close(write_end)
    start = int.from_bytes(os.read(read_end, 8), "big")
    os.close(read_end)
    _pid, _status, usage = os.wait4(pid, 0)
    return max(0, usage.ru_maxrss * 1024 - start)


def verdict(data: bytes, name: str, temporary: bool) -> tuple[str, float]:
    from calls.pdfcheck import PdfRefused, inspect_pdf
    from tests.calls import pdfs

    upload = pdfs.as_upload(data, name, temporary=temporary)
    started = time.perf_counter()
    try:
        inspect_pdf(upload, max_bytes=TEN_MB, max_pages=None)
        outcome = "accepted"
    except PdfRefused as error:
        outcome = error.code
    finally:
        upload.close()
    return outcome, time.perf_counter() - started


def measure(label: str, data: bytes, runs: int, *, temporary: bool = False) -> dict:
    verdict(data, "warm-up.pdf", temporary)
    seconds, outcome = [], ""
    for _run in range(runs):
        outcome, elapsed = verdict(data, "file.pdf", temporary)
        seconds.append(elapsed)
    return {
        "label": label,
        "size": len(data),
        "seconds": statistics.median(seconds),
        "extra": peak_extra(data),
        "outcome": outcome,
    }


def line(row: dict) -> str:
    met = row["seconds"] < TARGET_SECONDS and row["extra"] < TARGET_EXTRA_MB * MB
    return (
        f"{row['label']:<52} {row['size'] / MB:6.2f} MB  {row['seconds']:6.3f} s  "
        f"{row['extra'] / MB:7.1f} MB extra  {row['outcome']:<12} {'OK' if met else 'MISSED'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    from tests.calls import hostile_pdfs, pdfs

    print(
        f"Python {sys.version.split()[0]}; ceilings: {settings.PDF_CHECK_MAX_SECONDS} s CPU, "
        f"{settings.PDF_CHECK_MAX_MEMORY_MB} MB; median of {args.runs} runs after a warm-up"
    )
    rows = [measure(label, make(), args.runs) for label, make in hostile_pdfs.HOSTILE.items()]
    rows.sort(key=lambda row: (row["seconds"], row["extra"]))
    normal = measure(
        "valid 10 MB upload (20 pages, temporary file)",
        pdfs.large_pdf(TEN_MB, pages=20),
        max(args.runs, 9),
        temporary=True,
    )
    print(f"{'file':<52} {'size':>9}  {'seconds':>8}  {'peak':>14}  verdict")
    for row in rows:
        print(line(row))
    print("-" * 110)
    print(line(normal) + "   (for comparison)")
    worst = rows[-1]
    worst_memory = max(rows, key=lambda row: row["extra"])
    print(
        f"worst case: {worst['seconds']:.3f} s ({worst['label']}); "
        f"{worst_memory['extra'] / MB:.1f} MB extra ({worst_memory['label']})"
    )
    ok = all(
        row["seconds"] < TARGET_SECONDS and row["extra"] < TARGET_EXTRA_MB * MB for row in rows
    )
    print(
        f"targets (< {TARGET_SECONDS:.0f} s, < {TARGET_EXTRA_MB} MB extra): "
        f"{'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
