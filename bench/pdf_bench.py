"""Benchmark of the application PDFs: the committee dossier and the upload check.

Run from the project root with the project's virtualenv (pyHanko signs the letter):

    .venv/bin/python bench/pdf_bench.py [--runs 15] [--profile dossier|inspect]

It sets Django up on a throw-away SQLite database (``DATABASE_URL`` is forced to a file in
a temporary folder, as is ``MEDIA_ROOT``), migrates it, creates one application with a
digitally signed 1-page commitment letter and a 5-page report, then times, over ``--runs``
runs after one warm-up:

(a) ``calls.dossier.build_dossier`` on that application (queries, WeasyPrint, pypdf merge);
(b) ``calls.pdfcheck.inspect_pdf`` on a valid 10 MB PDF (20 pages with images), uploaded
    as Django hands over a large upload: in a temporary file. The parse runs in a child of
    the PDF forkserver under the ceilings (``calls.pdfsafety``); the warm-up run starts the
    forkserver. Hostile files: ``bench/pdf_hostile.py``.

It prints median, min and max of each against the targets (dossier < 1 s median, 10 MB
check < 0.5 s median). Exit status: 0 targets met, 1 a target missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_DOSSIER_S = 1.0
TARGET_INSPECT_S = 0.5
TEN_MB = 10 * 1024 * 1024


def setup_django(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'pdfbench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coalition.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_application():
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from calls.models import Application, Call, Document, EligibilityRequirement, Question
    from calls.pdfcheck import inspect_pdf
    from coalition.models import Chapter
    from municipalities.models import Municipality
    from tests.calls import pdfs

    chapter = Chapter.objects.create(
        name="CIIAR Argentina",
        slug="ciiar-argentina",
        country="AR",
        time_zone="America/Argentina/Buenos_Aires",
        default_language="es",
    )
    municipality = Municipality.objects.create(
        name="Villa Esperanza", slug="villa-esperanza", chapter=chapter, country="AR"
    )
    call = Call.objects.create(chapter=chapter, title="Convocatoria 2025", slug="conv-2025")
    declarations, answers = {}, {}
    for position in range(6):
        requirement = EligibilityRequirement.objects.create(
            call=call, text=f"Requisito de elegibilidad número {position + 1}.", position=position
        )
        declarations[str(requirement.pk)] = {"accepted": True, "evidence": "Decreto 12/2025"}
    for position in range(5):
        question = Question.objects.create(
            call=call, kind=Question.Kind.LONG_TEXT, label=f"Pregunta {position + 1}"
        )
        answers[str(question.pk)] = "Respuesta de varios renglones. " * 12
    paragraph = "La municipalidad trabaja en la modernización de sus trámites. " * 15
    application = Application.objects.create(
        call=call,
        municipality=municipality,
        status=Application.Status.SUBMITTED,
        contact_name="Ana Gómez",
        contact_role="Directora de Innovación",
        contact_email="ana@example.org",
        contact_phone="+54 11 5555 0000",
        innovation_unit="Dirección de Modernización",
        innovation_team=paragraph,
        digital_plan=paragraph,
        initiatives=paragraph,
        motivation=paragraph,
        declarations=declarations,
        answers=answers,
        submitted_at=timezone.now(),
        content_hash="0" * 64,
    )
    for kind, data in (
        (Document.Kind.LETTER, pdfs.signed_pdf()),
        (Document.Kind.REPORT, pdfs.pdf_with_pages(5)),
    ):
        facts = inspect_pdf(pdfs.as_upload(data), max_bytes=TEN_MB, max_pages=5)
        document = Document(
            application=application,
            kind=kind,
            original_name=f"{kind}.pdf",
            size=facts.size,
            pages=facts.pages,
            sha256=facts.sha256,
            signature=facts.signature,
            signer_name=facts.signer_name,
            signed_at=facts.signed_at,
        )
        document.file.save(f"{kind}.pdf", ContentFile(data), save=False)
        document.save()
    return application


def timed(function, runs: int) -> list[float]:
    function()  # warm-up: imports, fonts, caches
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def report(label: str, times: list[float], target: float) -> bool:
    median = statistics.median(times)
    met = median < target
    print(
        f"{label:<34} median {median * 1000:7.1f} ms   min {min(times) * 1000:7.1f} ms   "
        f"max {max(times) * 1000:7.1f} ms   target < {target * 1000:.0f} ms   "
        f"{'OK' if met else 'MISSED'}"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", choices=["dossier", "inspect"])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pdfbench-") as workdir:
        setup_django(Path(workdir))
        from calls.dossier import build_dossier
        from calls.pdfcheck import inspect_pdf
        from tests.calls import pdfs

        application = make_application()
        big = pdfs.large_pdf(TEN_MB, pages=20)
        upload = pdfs.as_upload(big, "big.pdf", temporary=True)

        def dossier():
            return build_dossier(application)

        def inspect():
            return inspect_pdf(upload, max_bytes=TEN_MB, max_pages=None)

        if args.profile:
            import cProfile
            import pstats

            target = dossier if args.profile == "dossier" else inspect
            target()
            profiler = cProfile.Profile()
            profiler.runcall(target)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
            return 0

        pages = len(__import__("pypdf").PdfReader(__import__("io").BytesIO(dossier())).pages)
        print(f"Python {sys.version.split()[0]}, {args.runs} runs after one warm-up")
        print(f"dossier: {pages} pages (form + 1-page signed letter + 5-page report)")
        print(f"10 MB PDF: {len(big):,} bytes, 20 pages, in a temporary upload file")
        ok = report("(a) build_dossier", timed(dossier, args.runs), TARGET_DOSSIER_S)
        ok &= report("(b) inspect_pdf, 10 MB", timed(inspect, args.runs), TARGET_INSPECT_S)
        upload.close()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
