"""Run the parsing of an untrusted PDF in a child process that cannot exhaust the server.

A small, well-formed PDF can ask a parser for gigabytes of memory or minutes of CPU
(compressed object streams, whitespace bombs, loops). Limits inside the parser help, but
only the operating system can guarantee a ceiling whatever the file, so every parse of an
uploaded PDF (the upload check, the signature verification and the check the dossier makes
before merging) runs in a child process with:

- ``RLIMIT_AS``: the address space it had when it started plus ``PDF_CHECK_MAX_MEMORY_MB``;
  past that, allocations fail (MemoryError) or the child dies;
- ``RLIMIT_CPU``: ``PDF_CHECK_MAX_SECONDS`` of CPU, then the kernel kills it (SIGXCPU);
- a wall-clock timeout of the same seconds plus one, after which the parent kills it
  (a child stuck without using CPU);
- no core files and no files written (``RLIMIT_CORE``/``RLIMIT_FSIZE`` 0).

Children are forked from a *forkserver*: one clean, single-threaded process per server
process that has already imported pypdf and pyHanko. Forking from it costs a few
milliseconds, where ``spawn`` would pay the interpreter start and the imports (about half a
second) on every upload, and forking the web or Celery process itself would copy its
threads' locks. The forkserver starts on the first check of each process.

The child gets no Django: its function takes plain arguments and returns plain data.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# Modules the forkserver imports once, so that a child starts with them loaded.
PRELOAD = ["calls.pdfwarm"]


class TooComplex(Exception):
    """The child ran out of memory or time, or died: the file is not checked."""


@dataclass(frozen=True)
class Limits:
    seconds: float = 2.0
    memory_mb: int = 200

    @property
    def wall_seconds(self) -> float:
        return self.seconds + 1.0


def limits_from_settings() -> Limits:
    from django.conf import settings

    return Limits(
        seconds=float(settings.PDF_CHECK_MAX_SECONDS),
        memory_mb=int(settings.PDF_CHECK_MAX_MEMORY_MB),
    )


_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None


def _mp_context() -> multiprocessing.context.BaseContext:
    global _context
    with _lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            # Not "__main__" (the default): see calls.pdfwarm.
            context.set_forkserver_preload(PRELOAD)
            _start_server()
            _context = context
        return _context


def _forget_server_after_fork() -> None:
    """In a process forked from one that started the forkserver (a Celery or gunicorn worker
    forked after a check ran in its parent), that server is not a child: multiprocessing
    would fail to wait for it ("No child processes"). Forget it; a new one starts on the
    first check here."""
    global _context, _lock
    from multiprocessing import forkserver

    server = forkserver._forkserver
    if server._forkserver_alive_fd is not None:
        with suppress(OSError):
            os.close(server._forkserver_alive_fd)
    server._forkserver_alive_fd = None
    server._forkserver_address = None
    server._forkserver_pid = None
    _context = None
    _lock = threading.Lock()  # it may have been held by another thread at the fork


os.register_at_fork(after_in_child=_forget_server_after_fork)


def _start_server() -> None:
    """Start the forkserver able to import this project whatever the working directory.

    Python 3.11's forkserver ignores the parent's sys.path when it imports PRELOAD (an
    ImportError there is silent, and every child would then import pypdf and pyHanko
    again), so the project root goes into its PYTHONPATH for the start."""
    from multiprocessing import forkserver

    root = str(Path(__file__).resolve().parent.parent)
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, before]))
    try:
        forkserver.ensure_running()
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before


def run_bounded(function: Callable[..., Any], *args: Any, limits: Limits) -> Any:
    """`function(*args)` in a limited child process; its return value (picklable).

    Raises `TooComplex` when the child hits a ceiling, dies or raises. `function` must be
    a module-level function of a module importable without Django set up."""
    context = _mp_context()
    receive, send = context.Pipe(duplex=False)
    with _as_plain_parent():
        process = context.Process(
            target=_child_main, args=(send, limits, function, args), daemon=True, name="pdfcheck"
        )
        process.start()
    send.close()  # the child holds the only writer: its death reads as EOF here
    outcome = None
    try:
        if receive.poll(limits.wall_seconds):
            try:
                outcome = receive.recv()
            except (EOFError, OSError):
                outcome = None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
    if outcome is None:
        logger.info("PDF check child stopped without an answer (exit code %s)", process.exitcode)
        raise TooComplex("no answer")
    status, payload = outcome
    if status != "ok":
        logger.info("PDF check child gave up: %s", payload)
        raise TooComplex(payload)
    return payload


class _StandIn(multiprocessing.process.BaseProcess):
    """What multiprocessing's own main-process object holds (its class is private)."""

    def __init__(self) -> None:
        self._identity = ()
        self._name = "MainProcess"
        self._parent_pid = None
        self._popen = None
        self._closed = False
        self._config = {
            "authkey": multiprocessing.process.AuthenticationString(os.urandom(32)),
            "semprefix": "/mp",
        }


_stand_in: _StandIn | None = None


@contextmanager
def _as_plain_parent() -> Iterator[None]:
    """Let this process start children, also when it is a Celery prefork worker.

    Celery's billiard replaces multiprocessing's "current process" in its workers with its
    own, daemonic, object: multiprocessing then refuses children ("daemonic processes are
    not allowed to have children") and cannot pickle billiard's authentication key. While a
    child is created and started, a plain stand-in takes its place. The rule against
    children of daemons is there so that none outlives its parent; ours cannot: it is
    joined (killed at the latest at its wall-clock timeout) before `run_bounded` returns,
    and the forkserver exits with the process that started it."""
    global _stand_in
    from multiprocessing import process as mp_process

    with _lock:
        current = mp_process._current_process
        plain = type(current).__module__.startswith("multiprocessing")
        if plain and not current._config.get("daemon"):
            yield
            return
        if _stand_in is None:
            _stand_in = _StandIn()
        mp_process._current_process = _stand_in
        try:
            yield
        finally:
            mp_process._current_process = current


# --- In the child --------------------------------------------------------------------------


def _address_space() -> int:
    """Bytes of address space mapped now (VmSize), the base of the memory ceiling."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_limits(limits: Limits) -> None:
    cpu = max(1, math.ceil(limits.seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    base = _address_space()
    if base:
        ceiling = base + limits.memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _child_main(send, limits: Limits, function: Callable[..., Any], args: tuple) -> None:
    try:
        apply_limits(limits)
        outcome = ("ok", function(*args))
    except MemoryError:
        outcome = ("limit", "memory")
    except RecursionError:
        outcome = ("limit", "recursion")
    except BaseException as error:  # anything else is reported, not raised
        outcome = ("error", f"{type(error).__name__}: {error}"[:500])
    try:
        send.send(outcome)
        send.close()
    except BaseException:  # out of memory while answering: just die
        os._exit(3)
