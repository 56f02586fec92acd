"""Imported once by the PDF forkserver (`calls.pdfsafety.PRELOAD`), never by Django.

Everything a child needs is imported here, before the children are forked, so that each
child starts ready: pypdf, and pyHanko's validation stack for signed files (about half a
second to import).

multiprocessing makes every child import the parent's main module (the script that
started gunicorn, Celery, a benchmark...) as ``__mp_main__``, to find functions defined
there. Ours live in `calls`, so in this server only that step is skipped: a child of a
script that sets Django up at import time started in 250 ms instead of 5 ms. Then the
objects imported so far are frozen out of the garbage collector, so that a child does not
copy the server's memory by collecting it.
"""

import gc
import importlib
from multiprocessing import spawn

for _module in (
    "calls.pdfsafety",
    "calls.pdfinspect",
    "pyhanko.pdf_utils.reader",
    "pyhanko.sign.diff_analysis",
    "pyhanko.sign.validation",
    "pyhanko_certvalidator",
):
    importlib.import_module(_module)


def _keep_main(*_args) -> None:
    """The child keeps the forkserver's own __main__."""


spawn._fixup_main_from_path = _keep_main
spawn._fixup_main_from_name = _keep_main
gc.freeze()
