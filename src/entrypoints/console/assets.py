"""The console's static files under names that carry a hash of their content, so that a
browser keeps each for a year and a new release's file is a new name."""

from __future__ import annotations

import hashlib
import mimetypes
from importlib.resources import files

from attrs import frozen
from starlette.requests import Request
from starlette.responses import Response

LONG_CACHE = "public, max-age=31536000, immutable"


@frozen
class Asset:
    body: bytes
    media_type: str
    tag: str


class Assets:
    """Every file of the package's `static` folder, read once, by hashed name."""

    def __init__(self, prefix: str) -> None:
        self._urls: dict[str, str] = {}
        self._files: dict[str, Asset] = {}
        for item in sorted(files("entrypoints.console").joinpath("static").iterdir(), key=str):
            body = item.read_bytes()
            digest = hashlib.sha256(body).hexdigest()[:12]
            stem, _, extension = item.name.rpartition(".")
            hashed = f"{stem}.{digest}.{extension}"
            media_type = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
            charset = "; charset=utf-8" if media_type.startswith("text/") else ""
            self._files[hashed] = Asset(body, media_type + charset, f'"{digest}"')
            self._urls[item.name] = f"{prefix}/{hashed}"

    def url(self, name: str) -> str:
        """The hashed URL of a file of `static` (KeyError for an unknown one: a template bug)."""
        return self._urls[name]

    async def serve(self, request: Request) -> Response:
        asset = self._files.get(request.path_params["name"])
        if asset is None:
            return Response("no such file", status_code=404, media_type="text/plain")
        headers = {"Cache-Control": LONG_CACHE, "ETag": asset.tag}
        return Response(asset.body, headers=headers, media_type=asset.media_type)
