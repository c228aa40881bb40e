"""asyncpg and PostgreSQL errors become domain errors here, at the adapter's border.

Callers above the adapter only ever see `bestshot_domain.errors`: a unique violation is a
Conflict, a reference to something not stored (a foreign key) is NotFound, a broken rule (check,
not null, a bad value) is InvalidInput, and a lost connection or a statement timeout is
StorageUnavailable. Messages name the constraint that failed and, for a missing reference, the
domain key that was not found; never a connection string or a secret.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from bestshot_domain.errors import (
    BestshotError,
    Conflict,
    InvalidInput,
    NotFound,
    StorageUnavailable,
)

VERSION_CONFLICT_SQLSTATE = "BS409"  # raised by bestshot_version_conflict() in the schema
_LOST = re.compile(r"connection (is closed|was closed|has been released)")


def translate(error: BaseException) -> BestshotError | None:  # noqa: PLR0911 - one case a line
    """The domain error for a driver error, or None when it is not one we know how to map."""
    if isinstance(error, BestshotError):
        return error
    if isinstance(error, asyncpg.PostgresError):
        return _from_postgres(error)
    if isinstance(error, asyncpg.InterfaceError) and _LOST.search(str(error)):
        # The pool hands back a connection the server dropped (terminated, restarted).
        return StorageUnavailable("the database connection was lost; nothing was written")
    if isinstance(error, asyncpg.InternalClientError):
        # The protocol was caught between states by a connection the server just dropped.
        return StorageUnavailable("the database connection broke; nothing was written")
    if isinstance(error, ConnectionError | OSError):
        reason = error.strerror or type(error).__name__
        return StorageUnavailable(f"the database cannot be reached ({reason})")
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return StorageUnavailable("the database did not answer in time; nothing was written")
    return None


def _from_postgres(error: asyncpg.PostgresError) -> BestshotError:  # noqa: PLR0911 - one case a line
    sqlstate = getattr(error, "sqlstate", "") or ""
    constraint = getattr(error, "constraint_name", None)
    table = getattr(error, "table_name", None)
    where = f" ({constraint} on {table})" if constraint and table else ""
    if sqlstate == VERSION_CONFLICT_SQLSTATE:
        return Conflict(getattr(error, "message", str(error)))
    if isinstance(error, asyncpg.UniqueViolationError | asyncpg.ExclusionViolationError):
        return Conflict(f"already stored{where}")
    if isinstance(error, asyncpg.CheckViolationError):
        return InvalidInput(f"breaks a rule of the stored data{where}")
    if isinstance(error, asyncpg.ForeignKeyViolationError):
        # As a foreign key would have it: the thing referred to is not there. The detail names
        # the key (a domain key such as "espn:359"), never anything secret.
        detail = getattr(error, "detail", None) or ""
        return NotFound(f"refers to something not stored{where}: {detail}".rstrip(": "))
    if isinstance(error, asyncpg.NotNullViolationError):
        column = getattr(error, "column_name", None) or "a required value"
        return InvalidInput(f"{column} is missing{f' on {table}' if table else ''}")
    if isinstance(error, asyncpg.CardinalityViolationError):
        return InvalidInput("the same key appears twice in one batch")
    if isinstance(error, asyncpg.DataError):
        return InvalidInput(f"a value the database cannot store: {_first_line(error)}")
    if isinstance(error, asyncpg.TransactionRollbackError | asyncpg.LockNotAvailableError):
        # Deadlocks and serialization failures: another writer won; retrying may succeed.
        return Conflict(f"a concurrent change won: {_first_line(error)}")
    if isinstance(error, asyncpg.QueryCanceledError):
        return StorageUnavailable(
            "the database did not finish in time (statement timeout); nothing was written"
        )
    if isinstance(
        error,
        asyncpg.PostgresConnectionError
        | asyncpg.AdminShutdownError
        | asyncpg.CrashShutdownError
        | asyncpg.CannotConnectNowError
        | asyncpg.InsufficientResourcesError,
    ):
        return StorageUnavailable(
            f"the database connection was lost ({_first_line(error)}); nothing was written"
        )
    if isinstance(
        error, asyncpg.InvalidAuthorizationSpecificationError | asyncpg.InvalidCatalogNameError
    ):
        return StorageUnavailable(f"the database refused the connection: {_first_line(error)}")
    return StorageUnavailable(f"the database failed: {type(error).__name__} ({sqlstate})")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def storage_errors() -> Iterator[None]:
    """Re-raise driver errors raised inside the block as domain errors (the cause kept)."""
    try:
        yield
    except BestshotError:
        raise
    except (
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        asyncpg.InternalClientError,
        OSError,
        TimeoutError,
    ) as error:
        mapped = translate(error)
        if mapped is None:  # pragma: no cover - every listed type maps
            raise
        raise mapped from error


@contextmanager
def dsn_errors() -> Iterator[None]:
    """Around a connect: a malformed URL (asyncpg's ValueError, or ClientConfigurationError) is
    InvalidInput. Neither the message nor the cause is kept: both may quote the URL, password
    included, and a traceback or an error report would show the cause."""
    try:
        yield
    except (ValueError, asyncpg.ClientConfigurationError):
        raise InvalidInput("the database URL is not a valid PostgreSQL URL") from None
