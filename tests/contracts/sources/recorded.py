"""What an HTTP provider's contract fixture declares: its recorded answers and references."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.integration.sources.sources_loopback import Reply

DATA = Path(__file__).resolve().parents[2] / "data" / "sources"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
BASE = "{base}"  # in a reference or an option: the provider's base URL on the loopback server
ORIGIN = "{origin}"  # the loopback server's origin


@dataclass(frozen=True)
class Recorded:
    """Paths (under the provider's base URL) and the recorded answer each gets."""

    routes: Mapping[str, Reply]
    reference: str  # a tournament those answers make up
    unknown_reference: str  # one no route answers: the server's 404
    malformed_reference: str  # one the source refuses before asking
    # The provider's own settings (`Setting.key`), as the variable's text would set them.
    options: Mapping[str, str] = field(default_factory=dict)


def json_file(name: str) -> Reply:
    return Reply.file(DATA / name)


def json_reply(document: object) -> Reply:
    return Reply.json(json.dumps(document))


def html_file(name: str) -> Reply:
    return Reply.file(DATA / name, "text/html; charset=utf-8")


def event(name: str) -> Any:
    """The provider's payload inside a recorded SofaScore envelope (tests/data/sources/README)."""
    return json.loads((DATA / name).read_text())["event"]
