"""How EventBridge Scheduler's failures are told apart: those worth another try (throttling, 5xx,
dropped connections) and the domain error each of the others becomes. Used by `scheduler`."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from tenacity import wait_exponential, wait_random
from tenacity.wait import wait_base

from bestshot_domain.errors import (
    BestshotError,
    Conflict,
    InvalidInput,
    NotFound,
    StorageUnavailable,
)


class SchedulerUnavailable(StorageUnavailable):
    """EventBridge Scheduler could not be reached, refused us, or kept throttling."""


# Error codes worth another try: the service asked us to slow down or failed on its side.
_TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "InternalServerException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)


def backoff(initial: float, maximum: float) -> wait_base:
    """Exponential backoff from `initial` seconds up to `maximum`, plus up to `initial` of jitter.

    The jitter keeps many clients throttled at once from coming back in step.
    """
    return wait_exponential(multiplier=initial, max=maximum) + wait_random(0, initial)


def is_transient(error: BaseException) -> bool:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return code in _TRANSIENT_CODES or status == 429 or status >= 500
    # Connection refused or reset, timeouts: botocore raises these outside ClientError.
    return isinstance(error, BotoCoreError) and _is_connection_error(error)


def _is_connection_error(error: BotoCoreError) -> bool:
    return isinstance(
        error,
        EndpointConnectionError | ConnectionClosedError | ConnectTimeoutError | ReadTimeoutError,
    )


def domain_error(operation: str, error: ClientError | BotoCoreError) -> BestshotError:
    if isinstance(error, BotoCoreError):
        return SchedulerUnavailable(f"EventBridge Scheduler {operation}: {error}")
    code = error.response.get("Error", {}).get("Code", "Unknown")
    message = error.response.get("Error", {}).get("Message", "")
    text = f"EventBridge Scheduler {operation}: {code}: {message}".rstrip(": ")
    if code == "ConflictException":
        return Conflict(text)
    if code == "ResourceNotFoundException":
        return NotFound(text)
    if code == "ValidationException":
        return InvalidInput(text)
    return SchedulerUnavailable(text)
