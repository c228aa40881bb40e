"""The connection of a unit of work: its transaction, begun when first needed, and each write
undoable on its own.

The transaction begins with the unit of work's first lock or write, not when the unit of work
opens. Under READ COMMITTED (which every transaction here asks for) each statement reads its
own fresh snapshot, inside a transaction or not, so a read made before the first lock or write
sees exactly what it would see inside the transaction; it only saves the `BEGIN` and `ROLLBACK`
round trips of units of work that only read, and the `BEGIN` after a commit that nothing
follows. Everything that must hold until the end (a row lock, a write) runs inside it.

In PostgreSQL a failed statement aborts the whole transaction. The ports promise more: a write
that raises (a version conflict, a reference to nothing) writes nothing, and the unit of work
goes on (it may read, or write something else). So every write runs after a savepoint, and a
failed one rolls back to it. The savepoint moves forward in the same round trip as it is set
(`RELEASE ...; SAVEPOINT ...`, or `BEGIN ...; SAVEPOINT ...` for the transaction's first
write), so a write costs one extra round trip, whatever its size.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.postgres.errors import storage_errors
from adapters.postgres.pool import Executor

_SAVEPOINT = "bestshot_write"
BEGIN = "BEGIN ISOLATION LEVEL READ COMMITTED"


class Session:
    def __init__(self, connection: Executor) -> None:
        self.db = connection
        self.in_transaction = False  # whether this session began a transaction not yet ended
        self._savepoint = False  # whether the current transaction holds our savepoint

    async def begin(self) -> None:
        """Make sure a transaction is open (for a lock that must last until its end)."""
        if self.in_transaction:
            return
        # Counted as open before the answer: if the outcome is unknown (a lost connection, a
        # cancellation), the unit of work still rolls back, and a needless ROLLBACK only warns.
        self.in_transaction = True
        with storage_errors():
            await self.db.execute(BEGIN)

    async def end(self, statement: str) -> None:
        """COMMIT or ROLLBACK the open transaction; nothing to do when none is open."""
        if not self.in_transaction:
            return
        self.in_transaction = self._savepoint = False
        with storage_errors():
            await self.db.execute(statement)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Executor]:
        """`async with session.write() as db:` - the statements of one write, all or none."""
        if not self.in_transaction:
            start = f"{BEGIN}; "
        elif self._savepoint:
            start = f"RELEASE SAVEPOINT {_SAVEPOINT}; "
        else:
            start = ""
        self.in_transaction = True
        with storage_errors():
            await self.db.execute(f"{start}SAVEPOINT {_SAVEPOINT}")
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
