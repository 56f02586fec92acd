"""Portal processes started by a test: gunicorn web processes and a Celery worker, each with
the environment an operator would give it on its own machine."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from tests.coalition.test_worker import Worker, spawn, worker_command

START_TIMEOUT = 45


class Process(Worker):
    """A started process with its log; `stop()` is a graceful SIGTERM, then a kill."""

    def __init__(self, process: subprocess.Popen, log_path: Path, name: str) -> None:
        super().__init__(process, log_path)
        self.name = name
        self.url = ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(name: str, command: list[str], env: dict[str, str], log_dir: Path) -> Process:
    log_path = log_dir / f"{name}.log"
    return Process(spawn(command, env, log_path), log_path, name)


def web(name: str, port: int, env: dict[str, str], log_dir: Path) -> Process:
    process = start(
        name,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "coalition.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--threads=4",
            "--timeout=60",
            "--graceful-timeout=5",
            "--access-logfile=-",
        ],
        env,
        log_dir,
    )
    process.url = f"http://127.0.0.1:{port}"
    return process


def celery_worker(env: dict[str, str], log_dir: Path) -> Process:
    return start("worker", worker_command("scaling-worker"), env, log_dir)


def stop_all(started: list[Process]) -> None:
    """Ask every process to stop at once (gracefully), then wait for each."""
    for process in started:
        if process.process.poll() is None:
            process.process.send_signal(signal.SIGTERM)
    for process in started:
        process.stop()


def logs(processes: list[Process]) -> str:
    return "\n".join(f"--- {p.name} ---\n{p.log_tail(40)}" for p in processes)


def wait_for(
    condition: Callable[[], object], *, timeout: float, what: str, processes: list[Process]
) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        for process in processes:
            if process.process.poll() is not None:
                pytest.fail(
                    f"{process.name} exited ({process.process.returncode}) while waiting for "
                    f"{what}:\n{logs(processes)}"
                )
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}:\n{logs(processes)}")


def answers(url: str) -> bool:
    with requests.Session() as session:
        session.trust_env = False
        try:
            return session.get(url, timeout=2).status_code == 200
        except requests.RequestException:
            return False
