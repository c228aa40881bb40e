"""The read cache finds a tournament's entries through its index of paths by scope, not by
walking every entry: it must keep, forget and evict exactly what a plain walk would."""

from __future__ import annotations

from collections import OrderedDict

from hypothesis import given
from hypothesis import strategies as st

from entrypoints.api.caching import ALL_TOURNAMENTS, ReadCache

SCOPES = (ALL_TOURNAMENTS, "liga", "copa", "cup")
PATHS = ("/standings", "/matches", "/rounds/1")


class WalkedCache:
    """What the cache must behave as: entries in order of use, a write walks them all."""

    def __init__(self, seconds: float, entries: int, clock: list[float]) -> None:
        self.seconds, self.entries, self.clock = seconds, entries, clock
        self.bodies: OrderedDict[tuple[str, str], tuple[bytes, float]] = OrderedDict()

    def get(self, scope: str, path: str) -> bytes | None:
        found = self.bodies.get((scope, path))
        if found is None:
            return None
        if found[1] <= self.clock[0]:
            del self.bodies[(scope, path)]
            return None
        return found[0]

    def put(self, scope: str, path: str, body: bytes) -> None:
        self.bodies[(scope, path)] = (body, self.clock[0] + self.seconds)
        self.bodies.move_to_end((scope, path))
        while len(self.bodies) > self.entries:
            self.bodies.popitem(last=False)

    def invalidate(self, tournament_id: str) -> None:
        for key in [key for key in self.bodies if key[0] in (tournament_id, ALL_TOURNAMENTS)]:
            del self.bodies[key]


operations = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.sampled_from(SCOPES), st.sampled_from(PATHS)),
        st.tuples(st.just("invalidate"), st.sampled_from(SCOPES), st.just("")),
        st.tuples(st.just("wait"), st.just(""), st.just("")),
    ),
    max_size=40,
)


@given(operations, st.integers(1, 6))
def test_it_keeps_and_forgets_what_walking_every_entry_would(
    steps: list[tuple[str, str, str]], entries: int
) -> None:
    clock = [0.0]
    cache = ReadCache(seconds=2.0, entries=entries, now=lambda: clock[0])
    walked = WalkedCache(2.0, entries, clock)
    for number, (operation, scope, path) in enumerate(steps):
        if operation == "put":
            body = f"{number}".encode()
            cache.put(scope, path, body)
            walked.put(scope, path, body)
        elif operation == "invalidate":
            cache.invalidate(scope)
            walked.invalidate(scope)
        else:
            clock[0] += 1.0
        # Every entry read after every step (a read forgets what expired, in both alike).
        for each_scope in SCOPES:
            for each_path in PATHS:
                cached = cache.get(each_scope, each_path)
                assert (cached and cached.body) == walked.get(each_scope, each_path)


def test_a_write_to_one_tournament_leaves_the_others_entries() -> None:
    cache = ReadCache(seconds=10)
    for scope in SCOPES:
        for path in PATHS:
            cache.put(scope, path, scope.encode())
    cache.invalidate("liga")
    left = {scope for scope in SCOPES for path in PATHS if cache.get(scope, path) is not None}
    assert left == {"copa", "cup"}
