"""The one error hierarchy of bestshot.

Adapters translate whatever their driver or provider raises into one of these at their border,
so that entrypoints can map a failure to an HTTP status or an exit code without knowing which
technology failed.
"""

from __future__ import annotations


class BestshotError(Exception):
    """Base of every error bestshot raises on purpose."""


class NotFound(BestshotError):
    """A tournament, round, match, team or schedule that does not exist."""


class InvalidInput(BestshotError):
    """Input that breaks a rule: a negative score, an unknown preset, a malformed option."""


class Conflict(BestshotError):
    """A write that collides with the stored state (a duplicate key, a concurrent change)."""


class StorageUnavailable(BestshotError):
    """The database could not be reached, or the connection was lost mid-transaction."""


class StorageBusy(StorageUnavailable):
    """Every database connection of this process stayed in use for the whole wait: a burst,
    not an outage; the same request a moment later is likely to get one."""


class SourceError(BestshotError):
    """Base of the failures of a result provider; `provider` names which one."""

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider


class SourceUnavailable(SourceError):
    """The provider did not answer usefully (network errors, 5xx, 429) after the retries."""


class SourceTimeout(SourceUnavailable):
    """The provider did not answer within the fetch's deadline (all attempts and waits)."""


class SourceTooLarge(SourceUnavailable):
    """The provider's answer was larger than the cap on a provider's answers."""


class SourceBlocked(SourceError):
    """The provider refuses us (a 403 challenge page, a bad key); retrying will not help."""


class SourceFormatError(SourceError):
    """The payload was not what the parser expects; `path` names where (e.g. `events[3].status`)."""

    def __init__(self, provider: str, path: str, message: str) -> None:
        super().__init__(provider, f"{message} at {path}" if path else message)
        self.path = path


class MissingExtra(InvalidInput):
    """A piece of bestshot chosen without its optional dependencies installed; names the extra."""

    def __init__(self, what: str, extra: str) -> None:
        super().__init__(f"{what} needs the {extra!r} extra: pip install 'bestshot[{extra}]'")
        self.extra = extra
