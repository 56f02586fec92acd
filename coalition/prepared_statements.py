"""Prepared statements that a migration made stale are planned again instead of failing.

With DATABASE_PREPARE_THRESHOLD (coalition/settings.py) psycopg prepares the statements a
connection repeats. When a migration changes the type of a column that such a statement
reads (a longer varchar, an integer made bigint), PostgreSQL refuses to run it again on every
connection that prepared it before ("cached plan must not change result type"): the processes
that were serving while `migrate` ran would fail those requests until their connection closes,
up to DATABASE_CONN_MAX_AGE seconds later.

On that error the statement's connection forgets its prepared statements (`DEALLOCATE ALL`,
which psycopg also takes as the signal to forget its own list) and the statement runs once
more. Inside a transaction, which the error has already aborted, that cannot be done: the
error stands, and the connection is closed when the request (or task) ends.
"""

from __future__ import annotations

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper

FEATURE_NOT_SUPPORTED = "0A000"  # the SQLSTATE PostgreSQL gives a stale prepared statement
STALE_PLAN_MESSAGE = "cached plan must not change result type"


def is_stale_plan(error: Exception) -> bool:
    cause = error.__cause__
    diagnostic = getattr(cause, "diag", None)
    return (
        getattr(cause, "sqlstate", None) == FEATURE_NOT_SUPPORTED
        and diagnostic is not None
        and diagnostic.message_primary == STALE_PLAN_MESSAGE
    )


def replan_stale_statements(execute, sql, params, many, context):
    """A database execute wrapper (Django's `execute_wrappers`): see the module's docstring."""
    try:
        return execute(sql, params, many, context)
    except NotSupportedError as error:
        if not is_stale_plan(error):
            raise
        connection: BaseDatabaseWrapper = context["connection"]
        if connection.in_atomic_block:
            connection.close_at = 0  # close_old_connections() replaces it at the end
            raise
        # On a cursor of its own: the statement's may be a named (server-side) one.
        connection.connection.execute("DEALLOCATE ALL")
        return execute(sql, params, many, context)


def replan_after_migrations(*, connection: BaseDatabaseWrapper, **_kwargs) -> None:
    """`connection_created` receiver: wrap every statement of a connection that prepares
    statements (the wrapper list outlives the database connection: added once)."""
    if (
        connection.vendor == "postgresql"
        and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
        and replan_stale_statements not in connection.execute_wrappers
    ):
        connection.execute_wrappers.append(replan_stale_statements)
