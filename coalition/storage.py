"""What the portal's code needs to know of the file storage, whichever backend it is.

Files are only ever reached through the storage API (`open`, `save`, `delete`), never by a
local path, so the same code runs on the local folder and on S3-compatible object storage.
"""

from __future__ import annotations


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
