"""The optional extras: choosing a piece whose extra is not installed fails naming the extra.

Each test hides the extra's package (`sys.modules[name] = None` makes its import fail as a
missing package does) and imports what needs it anew.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from adapters.extras import needs_extra
from adapters.memory import MemoryStore, MemoryUnitOfWorkFactory
from adapters.postgres.embedded import EmbeddedPostgres
from bestshot_domain.errors import InvalidInput, MissingExtra
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import load_settings

PAGES = Path(__file__).parent.parent / "data" / "sources" / "html"


def hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def fresh_copy(module: str) -> ModuleType:
    """`module` imported again, apart from the one the other tests use."""
    spec = importlib.util.find_spec(module)
    assert spec is not None
    assert spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    return copy


async def test_eventbridge_without_the_aws_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    hide(monkeypatch, "aiobotocore", "aiobotocore.config", "aiobotocore.session")
    for name in [n for n in sys.modules if n.split(".")[:2] == ["adapters", "eventbridge"]]:
        monkeypatch.delitem(sys.modules, name)  # imported again, without aiobotocore
    settings = load_settings(
        {
            "API_DOMAIN": "https://api.bestshot.test",
            "SCHEDULER_KIND": "eventbridge",
            "EVENTBRIDGE_LAMBDA_ARN": "arn:aws:lambda:eu-west-1:123456789012:function:caller",
            "EVENTBRIDGE_ROLE_ARN": "arn:aws:iam::123456789012:role/scheduler",
        }
    )
    with pytest.raises(MissingExtra) as raised:
        async with bootstrap(
            settings, uow_factory=MemoryUnitOfWorkFactory(MemoryStore()), sources={}
        ):
            pytest.fail("the service started without its scheduler")
    assert str(raised.value) == (
        "SCHEDULER_KIND=eventbridge needs the 'aws' extra: pip install 'bestshot[aws]'"
    )
    assert isinstance(raised.value, InvalidInput)  # the CLI's one-line error, exit status 2


def test_fbref_without_the_scrapers_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    hide(monkeypatch, "bs4")
    # The page reader imported anew, without bs4 (another test may have imported it).
    monkeypatch.delitem(sys.modules, "adapters.sources.pages.fbref", raising=False)
    fbref = fresh_copy("adapters.sources.fbref")  # loads: settings and providers name it
    with pytest.raises(MissingExtra, match=r"fbref provider .* 'bestshot\[scrapers\]'"):
        fbref.parse_schedule(b"<table id='sched_1'></table>")


def test_fbref_with_the_scrapers_extra_parses() -> None:
    # The same copy with bs4 present: the check above is the missing package's, not the copy's.
    fbref = fresh_copy("adapters.sources.fbref")
    page = PAGES / "fbref_sched_tbody_fragment_EPL_2024-08.html"
    assert len(fbref.parse_schedule(page.read_bytes())) > 0


def test_embedded_postgres_without_the_server_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    hide(monkeypatch, "pgserver", "pgserver.postgres_server")
    with pytest.raises(MissingExtra) as raised:
        EmbeddedPostgres(tmp_path / "pgdata").start()
    assert str(raised.value) == (
        "the embedded PostgreSQL (no DATABASE_URL set) needs the 'server' extra: "
        "pip install 'bestshot[server]'"
    )
    assert not (tmp_path / "pgdata").exists()


def test_another_missing_module_is_not_blamed_on_an_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hide(monkeypatch, "a_module_with_a_bug")
    with (
        pytest.raises(ModuleNotFoundError, match="a_module_with_a_bug"),
        needs_extra("aws", "SCHEDULER_KIND=eventbridge", "aiobotocore", "botocore"),
    ):
        import a_module_with_a_bug  # type: ignore[import-not-found]  # noqa: F401, PLC0415
