"""ESPN: the eng.1 scoreboard of 2026-03-21 (4 full time, 1 postponed), recorded."""

from tests.contracts.sources.recorded import Recorded, json_file

RECORDED = Recorded(
    routes={
        "/apis/site/v2/sports/soccer/eng.1/scoreboard": json_file(
            "espn/scoreboard_soccer_all_20260321_eng1_with_STATUS_POSTPONED_excerpt.json"
        )
    },
    reference="eng.1:20260321",
    unknown_reference="xxx.9:20260321",
    malformed_reference="eng.1",
)
