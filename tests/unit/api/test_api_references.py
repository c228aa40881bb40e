"""What an admin's import reference may reach, and who may read it back.

The openfootball source is the real one, built from the settings as `bootstrap` builds it, so
`BESTSHOT_FILES_DIR` is exercised through the environment.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.memory import MemoryScheduler, SettableClock
from adapters.sources.demo import DemoSource
from adapters.sources.providers import build_source
from entrypoints.bootstrap import Service, bootstrap
from entrypoints.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
IMPORT = "/api/v2/data-provider/tournaments"
SECRET_REFERENCE = "hunter2"


@pytest.fixture
async def service(
    settings: Settings, uow_factory: Any, clock: SettableClock, scheduler: MemoryScheduler
) -> AsyncIterator[Service]:
    openfootball = build_source("openfootball", settings.sources(), clock=clock)
    sources = {"demo": DemoSource(clock), "openfootball": openfootball}
    try:
        async with bootstrap(
            settings, uow_factory=uow_factory, sources=sources, scheduler=scheduler, clock=clock
        ) as wired:
            yield wired
    finally:
        await openfootball.aclose()


def _openfootball(reference: str) -> dict[str, str]:
    return {
        "provider": "openfootball",
        "reference": reference,
        "label": "WC",
        "rules": "fifa_world_cup",
    }


@pytest.mark.parametrize("reference", ["/etc/passwd", str(EXAMPLES / "worldcup-2018.json")])
async def test_without_a_files_folder_a_file_reference_is_422_naming_the_setting(
    client: httpx.AsyncClient, admin: dict[str, str], reference: str
) -> None:
    response = await client.post(IMPORT, json=_openfootball(reference), headers=admin)

    assert response.status_code == 422
    assert "BESTSHOT_FILES_DIR" in response.json()["detail"]


@pytest.fixture
def files(tmp_path: Path, environ: dict[str, str]) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    shutil.copy(EXAMPLES / "worldcup-2018.json", folder / "wc.json")
    environ["BESTSHOT_FILES_DIR"] = str(folder)
    return folder


async def test_a_file_in_the_folder_is_imported_and_one_outside_it_is_refused_alike(
    files: Path, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    imported = await client.post(IMPORT, json=_openfootball("wc.json"), headers=admin)
    outside = [
        await client.post(IMPORT, json=_openfootball(reference), headers=admin)
        for reference in ("/etc/passwd", "/etc/no-such-file", "../../../../etc/hostname")
    ]

    assert imported.status_code == 200, imported.text
    assert imported.json()["tournament"]["reference"] == "wc.json"  # the admin's answer has it
    assert {r.status_code for r in outside} == {422}
    assert len({r.json()["detail"] for r in outside}) == 1  # nothing tells them apart


async def test_public_reads_never_show_the_reference(
    client: httpx.AsyncClient, admin: dict[str, str], demo_import: dict[str, str]
) -> None:
    imported = await client.post(IMPORT, json=demo_import, headers=admin)
    assert imported.status_code == 200
    tournament = imported.json()["tournament"]

    listed = (await client.get("/api/v2/tournaments")).json()["tournaments"]
    one = (await client.get(f"/api/v2/tournaments/{tournament['id']}")).json()

    assert tournament["reference"] == demo_import["reference"]
    assert "reference" not in one
    assert all("reference" not in item for item in listed)
    assert demo_import["reference"] not in str(listed) + str(one)


@pytest.mark.parametrize(
    "reference",
    [
        "http://127.0.0.1:5432/",
        "https://169.254.169.254/latest/meta-data/iam/",
        "https://user:hunter2@raw.githubusercontent.com/openfootball/x.json",
    ],
)
async def test_a_url_off_the_allowed_hosts_is_422_and_never_echoes_credentials(
    client: httpx.AsyncClient, admin: dict[str, str], reference: str
) -> None:
    response = await client.post(IMPORT, json=_openfootball(reference), headers=admin)

    assert response.status_code == 422
    assert response.json()["detail"].startswith("openfootball reference")
    assert SECRET_REFERENCE not in response.text


@pytest.mark.parametrize(
    ("reference", "make", "reason"),
    [
        ("missing.json", None, "no such file in BESTSHOT_FILES_DIR"),
        ("sub/missing.json", None, "no such file in BESTSHOT_FILES_DIR"),
        ("wc.json/inside.json", None, "no such file in BESTSHOT_FILES_DIR"),
        ("fifo.json", os.mkfifo, "not a regular file"),
        ("folder.json", os.mkdir, "not a regular file"),
    ],
)
async def test_a_file_in_the_folder_that_cannot_be_read_is_422_naming_the_reference(
    files: Path,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    reference: str,
    make: Callable[[Path], None] | None,
    reason: str,
) -> None:
    if make is not None:
        make(files / reference)

    # A FIFO without a writer would hang a blocking open: the guard fails the test instead.
    response = await asyncio.wait_for(
        client.post(IMPORT, json=_openfootball(reference), headers=admin), 10
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert detail.startswith(f"openfootball reference {reference!r}: {reason}")
    assert str(files) not in detail  # the server's own layout is not shown
    assert (await client.get("/api/v2/tournaments")).json()["tournaments"] == []
