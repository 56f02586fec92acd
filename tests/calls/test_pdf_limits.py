"""Hostile PDFs cannot exhaust the server: the parse runs under a ceiling (calls.pdfsafety).

The files are built here (tests/calls/hostile_pdfs.py) with correct cross-reference
streams, so that a parser reaches the hazard. Before the ceiling, the first one took 40 s
and 436 MB in the web process and the second 18 s, and both were accepted.
"""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from calls.models import Document
from calls.pdfcheck import MESSAGES, PdfRefused, inspect_pdf
from calls.pdfsafety import Limits, TooComplex, run_bounded
from tests.calls import hostile_pdfs, pdfs

MB = 1024 * 1024
LIMIT = 10 * MB
TOO_COMPLEX = "The PDF is too complex to check; export it again and upload the new file."


def check(data: bytes, **kwargs):
    return inspect_pdf(pdfs.as_upload(data), max_bytes=LIMIT, max_pages=None, **kwargs)


_PEAK = "VmHWM:"


def peak_rss_reset() -> None:
    """Start measuring this process's peak resident memory afresh (Linux). Where that is
    not allowed, the current resident memory is compared instead."""
    global _PEAK
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        _PEAK = "VmRSS:"


def peak_rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(_PEAK):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no {_PEAK}")


def refused(data: bytes, **kwargs) -> tuple[PdfRefused, float, int]:
    """The refusal, the seconds it took and how much this process's peak memory grew."""
    peak_rss_reset()
    before = peak_rss()
    started = time.perf_counter()
    with pytest.raises(PdfRefused) as caught:
        check(data, **kwargs)
    return caught.value, time.perf_counter() - started, peak_rss() - before


def test_the_builder_makes_files_the_check_accepts():
    facts = check(hostile_pdfs.well_formed_control())
    assert facts.pages == 1


@pytest.mark.parametrize(
    "make",
    [
        hostile_pdfs.pages_in_inflating_object_streams,
        hostile_pdfs.pages_in_object_streams_up_to_the_size_limit,
        hostile_pdfs.whitespace_in_object_streams,
        hostile_pdfs.inflating_content_stream,
    ],
    ids=[
        "pages-in-70MB-object-streams",
        "9.9MB-file-of-70MB-object-streams",
        "70MB-whitespace-object-streams",
        "200MB-content",
    ],
)
def test_bombs_are_refused_quickly_as_too_complex(make):
    data = make()
    assert len(data) < LIMIT  # all under the upload limit
    error, seconds, grown = refused(data)
    assert error.code == "too_complex"
    with translation.override("en"):
        assert error.messages == [TOO_COMPLEX]
    assert seconds < 4, f"{seconds:.2f} s"
    assert grown < 50 * MB, f"the test process grew by {grown / MB:.0f} MB"


@pytest.mark.parametrize(
    "make", [hostile_pdfs.looping_page_tree, hostile_pdfs.self_parent_page_tree]
)
def test_page_trees_that_loop_are_damaged(make):
    error, seconds, _grown = refused(make())
    assert error.code == "damaged"
    assert seconds < 2


def test_the_memory_ceiling_refuses_what_the_parser_limits_let_through():
    # 6 object streams of 12 MB each: under pypdf's own 16 MB limit per stream, but
    # the parser keeps them all (72 MB). With room, the file is fine; with 40 MB it is not.
    data = hostile_pdfs.pages_in_inflating_object_streams(streams=6, inflated=12 * MB)
    assert check(data, limits=Limits(seconds=20, memory_mb=400)).pages == 6
    error, _seconds, grown = refused(data, limits=Limits(seconds=20, memory_mb=40))
    assert error.code == "too_complex"
    assert grown < 50 * MB


def test_the_cpu_ceiling_stops_a_slow_parse():
    # 12 MB of whitespace per stream, under pypdf's limit, costs seconds of CPU to skip.
    data = hostile_pdfs.whitespace_in_object_streams(streams=3, whitespace=12 * MB)
    error, seconds, _grown = refused(data, limits=Limits(seconds=1, memory_mb=400))
    assert error.code == "too_complex"
    assert seconds < 3, f"{seconds:.2f} s"


def test_a_child_that_hangs_without_cpu_is_killed_at_the_wall_clock():
    started = time.perf_counter()
    with pytest.raises(TooComplex):
        run_bounded(time.sleep, 30, limits=Limits(seconds=0.5, memory_mb=100))
    assert time.perf_counter() - started < 3


def test_a_child_that_dies_is_an_answer_too():
    with pytest.raises(TooComplex):
        run_bounded(os._exit, 1, limits=Limits())


def test_the_child_answers_with_what_the_function_returns():
    assert run_bounded(max, 3, 7, limits=Limits()) == 7


def test_the_message_is_translatable():
    with translation.override("en"):
        assert str(MESSAGES["too_complex"]) == TOO_COMPLEX
    with translation.override("es"):
        assert str(MESSAGES["too_complex"]).startswith("El PDF es demasiado complejo")


# --- Through the portal --------------------------------------------------------------------


def test_an_officer_uploading_a_bomb_gets_the_message_and_keeps_the_previous_file(
    officer_client, application
):
    from django.urls import reverse

    url = reverse("application_upload", args=[application.pk])
    officer_client.post(
        url, {"kind": "report", "file": pdfs.as_upload(pdfs.pdf_with_pages(2), "bueno.pdf")}
    )
    previous = application.documents.get()
    with translation.override("en"):
        response = officer_client.post(
            url,
            {
                "kind": "report",
                "file": pdfs.as_upload(hostile_pdfs.whitespace_in_object_streams(), "x.pdf"),
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "too complex to check" in response.content.decode()
    assert application.documents.get().pk == previous.pk


def test_the_dossier_leaves_out_a_hostile_stored_file_with_a_page_saying_so(application):
    from pypdf import PdfReader

    from calls.dossier import build_dossier

    for kind, data in (
        ("letter", pdfs.unsigned_pdf()),
        ("report", hostile_pdfs.pages_in_inflating_object_streams()),
    ):
        document = Document(
            application=application,
            kind=kind,
            original_name=f"{kind}.pdf",
            size=len(data),
            pages=1,
            sha256="0" * 64,
        )
        # As if a file had slipped in before the checks existed.
        document.file.save(f"{kind}.pdf", ContentFile(data), save=False)
        document.save()
    peak_rss_reset()
    before = peak_rss()
    with translation.override("en"):
        dossier = build_dossier(application, language="en")
    assert peak_rss() - before < 150 * MB
    reader = PdfReader(pdfs.as_upload(dossier))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Carta de compromiso" in text  # the good letter is merged
    assert "could not be included" in text
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[-1] == "Descriptive report"


def test_the_forkserver_preloads_the_parsers_whatever_the_working_directory(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    code = (
        f"import sys; sys.path.insert(0, {root!r})\n"
        "from calls.pdfsafety import Limits, run_bounded\n"
        "from tests.calls.hostile_pdfs import loaded\n"
        "print(run_bounded(loaded, 'pyhanko.sign.validation', limits=Limits()))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, timeout=60
    )
    assert result.stdout.decode().strip() == "True", result.stderr.decode()[-2000:]


def test_a_celery_prefork_worker_runs_the_check_too():
    # billiard's workers are daemonic and replace multiprocessing's current process
    # (calls.pdfsafety._as_plain_parent), and they are forked from a process whose
    # forkserver is not their child (calls.pdfsafety._forget_server_after_fork).
    from billiard import Pool

    assert hostile_pdfs.verdict_in_this_process("control") == "accepted"  # server started
    with Pool(1) as pool:
        assert pool.apply(hostile_pdfs.verdict_in_this_process, ("control",)) == "accepted"
        name = "whitespace in object streams, 3 x 70 MB"
        assert pool.apply(hostile_pdfs.verdict_in_this_process, (name,)) == "too_complex"
