"""Reading a provider's answer with a cap on its decoded size.

httpx inflates a compressed chunk in one call, however far it inflates (a 64 KiB gzip chunk
becomes 64 MiB, a doubly gzipped one gigabytes), so the body is read raw and inflated here, a
bounded piece at a time, counting what comes out and stopping at the cap. Only the encodings
the client asks for (`ACCEPT_ENCODING`) are decoded; another is refused rather than misread.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import httpx

from bestshot_domain.errors import SourceTooLarge, SourceUnavailable

ACCEPT_ENCODING = "gzip, deflate"
_PIECE = 64 * 1024  # the most one decompression step may produce


class _Undecodable(Exception):
    """The body's Content-Encoding is unknown, or its compressed data is corrupt."""


def describe_size(size: int) -> str:
    """`8 MiB`, `512 KiB`, `1000 bytes`: a cap as people write it."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


class _Inflater:
    """One content coding undone in bounded pieces; `deflate` may be zlib-wrapped or raw."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        wbits = zlib.MAX_WBITS | 16 if coding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self._zlib.eof:
            try:
                piece = self._zlib.decompress(data, _PIECE)
            except zlib.error as error:
                if self._coding == "deflate" and not self._started:
                    # Servers disagree on what "deflate" means: raw deflate is common.
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise _Undecodable(f"corrupt {self._coding} data") from error
            self._started = True
            data = self._zlib.unconsumed_tail
            if piece:
                yield piece

    def flush(self) -> Iterator[bytes]:
        # Every input byte went through `feed`, so what is left is at most zlib's window.
        if piece := self._zlib.flush():
            yield piece


def _codings(response: httpx.Response) -> list[_Inflater]:
    """The response's codings, in the order to undo them (the reverse of how they were
    applied)."""
    names = [
        name.strip().lower()
        for name in response.headers.get_list("content-encoding", split_commas=True)
    ]
    names = [name for name in names if name and name != "identity"]
    unknown = [name for name in names if name not in ("gzip", "x-gzip", "deflate")]
    if unknown:
        raise _Undecodable(f"content encoding {', '.join(unknown)} was not asked for")
    return [_Inflater(name) for name in reversed(names)]


def _through(layers: list[_Inflater], data: bytes, *, end: bool = False) -> Iterator[bytes]:
    if not layers:
        if data:
            yield data
        return
    first, rest = layers[0], layers[1:]
    for piece in first.feed(data):
        yield from _through(rest, piece)
    if end:
        for piece in first.flush():
            yield from _through(rest, piece)
        yield from _through(rest, b"", end=True)


async def read_capped(
    response: httpx.Response, cap: int, *, provider: str, where: str, head: bool = False
) -> bytes:
    """The decoded body of a streamed `response`, or SourceTooLarge as soon as it passes `cap`
    bytes (nothing more is read); with `head`, its first `cap` bytes instead of the error.
    SourceUnavailable for an encoding it cannot undo. `where` names the URL in messages."""
    too_large = SourceTooLarge(
        provider, f"the answer for {where} is larger than the {describe_size(cap)} cap"
    )
    if response.is_stream_consumed:  # built in memory (a mock transport), nothing to stream
        if len(response.content) > cap and not head:
            raise too_large
        return response.content[:cap]
    try:
        layers = _codings(response)
    except _Undecodable as error:
        raise SourceUnavailable(provider, f"{error} for {where}") from None
    declared = response.headers.get("content-length", "")
    if not head and not layers and declared.isdigit() and int(declared) > cap:
        raise too_large
    body = bytearray()

    def keep(pieces: Iterator[bytes]) -> bool:
        """Whether the whole body fits so far."""
        for piece in pieces:
            body.extend(piece)
            if len(body) > cap:
                if head:
                    return False
                raise too_large
        return True

    try:
        async for raw in response.aiter_raw():
            if not keep(_through(layers, raw)):
                break
        else:
            keep(_through(layers, b"", end=True))
    except _Undecodable as error:
        raise SourceUnavailable(provider, f"{error} for {where}") from None
    return bytes(body[:cap])
