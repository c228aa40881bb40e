"""SofaScore: three recorded events (canceled, postponed, after penalties), each served as its
round's events; the list of rounds is written here in SofaScore's shape (none was recorded)."""

from tests.contracts.sources.recorded import Recorded, event, json_reply

SEASON = "/unique-tournament/17/season/61627"
ROUNDS = [{"round": 2}, {"round": 4}, {"round": 5, "name": "Round of 16", "slug": "round-of-16"}]

RECORDED = Recorded(
    routes={
        f"{SEASON}/rounds": json_reply({"rounds": ROUNDS}),
        f"{SEASON}/events/round/2": json_reply(
            {"events": [event("sofascore/event_16425949_canceled.json")]}
        ),
        f"{SEASON}/events/round/4": json_reply(
            {"events": [event("sofascore/event_16599919_postponed.json")]}
        ),
        f"{SEASON}/events/round/5/slug/round-of-16": json_reply(
            {"events": [event("sofascore/event_17090707_finished_AP_penalties.json")]}
        ),
    },
    reference="17/61627",
    unknown_reference="1/1",
    malformed_reference="premier-league",
)
