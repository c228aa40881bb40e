"""The recorded provider payloads in tests/data/sources, and tools to edit copies of them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "data" / "sources"


def raw(name: str) -> bytes:
    return (DATA / name).read_bytes()


def load(name: str) -> Any:
    return json.loads(raw(name).decode("utf-8-sig"))


def edited(document: Any, path: str, value: object) -> bytes:
    """A copy of `document` with the value at `path` (`a[0].b`) replaced; DELETE removes it."""
    copy_ = copy.deepcopy(document)
    *parents, last = _steps(path)
    target = copy_
    for step in parents:
        target = target[step]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return json.dumps(copy_).encode()


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        steps.append(int(part[1:-1]) if part.startswith("[") else part)
    return steps


DELETE = object()
