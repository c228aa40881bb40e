"""`bestshot disputes list`: what it prints of a tournament's disputes, and bad input."""

from __future__ import annotations

import json

import pytest

from adapters.memory import MemoryUnitOfWorkFactory
from bestshot_domain.errors import NotFound
from bestshot_domain.model import MatchStatus, Score
from bestshot_domain.verdicts import close
from bestshot_domain.verification import Answer, ClosedBy, Dispute, DisputeKind, dispute_id
from entrypoints.cli import main
from entrypoints.commands.disputes import render
from tests.builders import T0, match
from tests.contracts.seed import seed_league


@pytest.fixture
async def uow() -> MemoryUnitOfWorkFactory:
    factory = MemoryUnitOfWorkFactory()
    await seed_league(factory, matches=[match("m1"), match("m2", home="c", away="d")])
    answers = (
        Answer("scripted", MatchStatus.FINISHED, Score(2, 1)),
        Answer("backup", MatchStatus.FINISHED, Score(1, 1)),
    )
    first = Dispute(
        dispute_id("liga-test", "scripted:m1", T0), "liga-test", "matchday-1", "scripted:m1",
        DisputeKind.DISAGREEMENT, answers, T0,
    )  # fmt: skip
    second = Dispute(
        dispute_id("liga-test", "scripted:m2", T0), "liga-test", "matchday-1", "scripted:m2",
        DisputeKind.CHANGED_FINAL, answers, T0.replace(hour=16),
    )  # fmt: skip
    async with factory() as unit:
        await unit.verification.save_disputes(
            [close(first, ClosedBy.ADMIN, "report", T0.replace(hour=18)), second]
        )
        await unit.commit()
    return factory


async def test_the_table_lists_newest_first_with_state_and_answers(
    uow: MemoryUnitOfWorkFactory,
) -> None:
    printed = await render("liga-test", open_only=False, as_json=False, uow_factory=uow)
    header, newest, oldest = printed.splitlines()
    assert header.split() == ["ID", "OPENED", "(UTC)", "STATE", "MATCH", "KIND", "ANSWERS"]
    assert "scripted:m2" in newest
    assert "open" in newest
    assert "scripted: finished 2-1 / backup: finished 1-1" in newest
    assert "closed (admin)" in oldest


async def test_json_and_open_only(uow: MemoryUnitOfWorkFactory) -> None:
    printed = await render("liga-test", open_only=True, as_json=True, uow_factory=uow)
    answer = json.loads(printed)
    [only] = answer["disputes"]
    assert (only["match"], only["open"], only["kind"]) == ("scripted:m2", True, "changed_final")
    assert only["answers"][0] == {
        "provider": "scripted",
        "status": "finished",
        "score": {"home": 2, "away": 1},
        "shootout": None,
    }
    await seed_league(uow, "quiet")
    assert await render("quiet", open_only=False, as_json=False, uow_factory=uow) == "no disputes"


async def test_an_unknown_tournament_is_not_found() -> None:
    with pytest.raises(NotFound):
        await render("nope", open_only=False, as_json=False, uow_factory=MemoryUnitOfWorkFactory())


def test_a_tournament_id_that_is_no_slug_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["disputes", "list", "Not A Slug"])
    assert exited.value.code == 2
    assert "not a tournament id" in capsys.readouterr().err
