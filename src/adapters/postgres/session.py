"""The connection of a unit of work, with each write undoable on its own.

In PostgreSQL a failed statement aborts the whole transaction. The ports promise more: a write
that raises (a version conflict, a reference to nothing) writes nothing, and the unit of work
goes on (it may read, or write something else). So every write runs after a savepoint, and a
failed one rolls back to it. The savepoint moves forward in the same round trip as it is set
(`RELEASE ...; SAVEPOINT ...`), so a write costs one extra round trip, whatever its size.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.postgres.errors import storage_errors
from adapters.postgres.pool import Executor

_SAVEPOINT = "bestshot_write"


class Session:
    def __init__(self, connection: Executor) -> None:
        self.db = connection
        self._savepoint = False  # whether the current transaction holds our savepoint

    def transaction_ended(self) -> None:
        self._savepoint = False

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Executor]:
        """`async with session.write() as db:` - the statements of one write, all or none."""
        move = f"RELEASE SAVEPOINT {_SAVEPOINT}; " if self._savepoint else ""
        with storage_errors():
            await self.db.execute(f"{move}SAVEPOINT {_SAVEPOINT}")
        self._savepoint = True
        try:
            with storage_errors():
                yield self.db
        except BaseException:
            # On a lost connection (or a cancelled task) this fails too; the original error
            # says more, and the unit of work then gives the connection up.
            with contextlib.suppress(Exception):
                await self.db.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
            raise
