"""A loopback TCP proxy that delivers what a client sends a round trip's time later, standing in
for the network between a service and AWS: `python -m bench.round_trip LISTEN UPSTREAM SECONDS`.
A delay line, not a queue: each chunk waits the same time from its arrival, and connections are
independent, so calls made at once wait at once, as on a real network."""

from __future__ import annotations

import asyncio
import contextlib
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    line: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, chunk = await line.get()
            if not chunk:
                return
            if (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)
            writer.write(chunk)
            await writer.drain()

    delivering = asyncio.create_task(deliver())
    try:
        while chunk := await reader.read(65536):
            line.put_nowait((loop.time() + delay, chunk))
        line.put_nowait((0.0, b""))
        await delivering
    except (ConnectionError, asyncio.CancelledError):
        delivering.cancel()
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def main(listen: int, upstream: int, delay: float) -> None:
    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", upstream)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, up_w, delay), _pipe(up_r, client_w, 0.0))

    server = await asyncio.start_server(handle, "127.0.0.1", listen, backlog=512)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
