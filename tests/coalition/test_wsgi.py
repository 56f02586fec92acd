"""The web process's WSGI module prepares the process for serving (see coalition.wsgi)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import gc, json
import coalition.wsgi
from django.urls import get_resolver
from django.utils.translation import trans_real
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "urls_built": get_resolver()._populated,
    "catalogues": sorted(trans_real._translations),
}))
"""


def test_web_process_loads_then_freezes_its_long_lived_objects():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coalition.settings"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    state = json.loads(result.stdout.strip().splitlines()[-1])
    # Modules, models, URL patterns and catalogues: far more than a bare interpreter's.
    assert state["frozen"] > 50_000
    # Built before the freeze, not by the first requests after it.
    assert state["urls_built"] is True
    assert set(state["catalogues"]) >= {code for code, _name in settings.LANGUAGES}
