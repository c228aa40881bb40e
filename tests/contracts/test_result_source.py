"""The ResultSource contract: coherent fixtures, and a round's observations only of that round."""

from __future__ import annotations

from collections import Counter

import pytest

from bestshot_domain.errors import InvalidInput, NotFound
from bestshot_domain.lifecycle import check_observation
from bestshot_domain.model import Round
from bestshot_domain.text import SLUG_PATTERN
from tests.contracts.source_case import SourceCase


def repeated(values: list[str]) -> list[str]:
    return [value for value, count in Counter(values).items() if count > 1]


async def test_fixtures_hang_together(source_case: SourceCase) -> None:
    source = source_case.source
    fixtures = await source.fixtures(source_case.reference)
    assert fixtures.provider == source.provider
    team_ids = [t.external_id for t in fixtures.teams]
    slugs = [r.slug for r in fixtures.rounds]
    match_ids = [m.external_id for m in fixtures.matches]
    assert fixtures.teams
    assert fixtures.rounds
    assert fixtures.matches
    assert repeated(team_ids) == []
    assert repeated(slugs) == []
    assert repeated(match_ids) == []
    assert repeated([r.reference or r.slug for r in fixtures.rounds]) == []
    assert all(SLUG_PATTERN.fullmatch(slug) for slug in slugs), slugs
    for found in fixtures.matches:
        assert found.round_slug in slugs
        assert {found.home_external_id, found.away_external_id} <= set(team_ids)
        assert found.home_external_id != found.away_external_id
        assert found.observation.kickoff is not None
        assert check_observation(found.observation) is None, found


async def test_round_observations_are_of_that_round_only(source_case: SourceCase) -> None:
    source = source_case.source
    fixtures = await source.fixtures(source_case.reference)
    # A few rounds are enough: a real source may look each up over HTTP.
    for source_round in fixtures.rounds[:3]:
        round_ = Round(
            "contract",
            source_round.slug,
            source_round.label,
            source_round.order,
            source_round.kind,
            source_round.reference or source_round.slug,
        )
        expected = {m.external_id for m in fixtures.matches if m.round_slug == source_round.slug}
        observations = await source.round_observations(source_case.reference, round_, [])
        ids = [o.external_id for o in observations]
        assert repeated(ids) == []
        assert set(ids) <= expected
        assert ids, f"nothing observed of round {source_round.slug}"
        assert all(check_observation(o) is None for o in observations)


async def test_an_unknown_reference_is_not_found(source_case: SourceCase) -> None:
    if source_case.unknown_reference is None:
        pytest.skip("this source serves every well-formed reference")
    with pytest.raises(NotFound):
        await source_case.source.fixtures(source_case.unknown_reference)


async def test_a_malformed_reference_is_invalid_input(source_case: SourceCase) -> None:
    if source_case.malformed_reference is None:
        pytest.skip("this source takes any text as a reference")
    with pytest.raises(InvalidInput):
        await source_case.source.fixtures(source_case.malformed_reference)
