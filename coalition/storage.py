"""What the portal's code needs to know of the file storage, whichever backend it is.

Files are only ever reached through the storage API (`open`, `save`, `delete`), never by a
local path, so the same code runs on the local folder and on S3-compatible object storage.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.files.storage import Storage
from django.db import transaction

logger = logging.getLogger(__name__)


def transient_storage_errors() -> tuple[type[BaseException], ...]:
    """Errors that a retry may cure: the local disk's (OSError) and, with object storage,
    the S3 client's (a server error, a timeout, a refused or dropped connection)."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is a dependency, but only S3 needs it
        pass
    else:
        errors += [BotoCoreError, ClientError]
    return tuple(errors)


def delete_after_commit(storage: Storage, names: Iterable[str]) -> None:
    """Delete stored files once the current transaction commits (a rollback keeps them).

    A failure (the object storage unreachable) is logged, not raised: the change is
    committed by then, and a private file left behind costs only space, while an error
    would answer a request that succeeded with a server error."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: _delete_quietly(storage, names))


def _delete_quietly(storage: Storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete the stored file %s; it is left behind", name)
