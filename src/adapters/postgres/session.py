"""The connection of a unit of work: its transaction, begun when first needed, and each write
undoable on its own.

- The transaction begins at the first lock or write, not when the unit of work opens. Under
  READ COMMITTED each statement reads a fresh snapshot anyway, so earlier reads see the same;
  a unit of work that only reads saves `BEGIN` and `ROLLBACK`.
- PostgreSQL aborts the whole transaction on a failed statement. The ports promise more: a
  failed write writes nothing and the unit of work goes on. So each write runs after a
  savepoint, moved in the same round trip (`RELEASE ...; SAVEPOINT ...`): one extra round trip
  a write.
- A transaction whose writes only restamp what is stored (`write(restamps=True)`: the same
  tables confirmed at a newer revision and time) commits without waiting for its WAL to reach
  the disk (`synchronous_commit` off for it alone, sent in the COMMIT's round trip). A crash
  may then lose its last fraction of a second: the stored content is the same, with its older
  stamp, and the next update stamps it again. Any other write (new tables, an event for the
  outbox, a result) makes the commit wait, as every other commit does; and PostgreSQL writes
  its WAL in order, so that a later commit that waits makes every earlier one durable with it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.postgres.errors import storage_errors
from adapters.postgres.pool import Executor

_SAVEPOINT = "bestshot_write"
BEGIN = "BEGIN ISOLATION LEVEL READ COMMITTED"
COMMIT = "COMMIT"
_COMMIT_RESTAMPS = "SET LOCAL synchronous_commit = off; COMMIT"


class Session:
    def __init__(self, connection: Executor) -> None:
        self.db = connection
        self.in_transaction = False  # whether this session began a transaction not yet ended
        self._savepoint = False  # whether the current transaction holds our savepoint
        # Whether the current transaction wrote anything but stamps (`write`).
        self._must_flush = False

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
        if statement == COMMIT and not self._must_flush:
            statement = _COMMIT_RESTAMPS
        self.in_transaction = self._savepoint = self._must_flush = False
        with storage_errors():
            await self.db.execute(statement)

    @asynccontextmanager
    async def write(self, first: str = "", *, restamps: bool = False) -> AsyncIterator[Executor]:
        """`async with session.write() as db:` - the statements of one write, all or none.
        `first`: a constant statement without parameters to run first (a lock), sent in the
        same round trip as the savepoint. `restamps`: it changes no content, only the stamp
        of what is stored (see the module's docstring)."""
        if not restamps:
            # Before anything is sent: whatever happens next, the commit waits for the disk.
            self._must_flush = True
        if not self.in_transaction:
            start = f"{BEGIN}; "
        elif self._savepoint:
            start = f"RELEASE SAVEPOINT {_SAVEPOINT}; "
        else:
            start = ""
        self.in_transaction = True
        with storage_errors():
            await self.db.execute(f"{start}SAVEPOINT {_SAVEPOINT}{'; ' if first else ''}{first}")
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
