"""football-data.org: the Eredivisie's matches (`/competitions/DED/matches`), recorded."""

from tests.contracts.sources.recorded import Recorded, json_file

RECORDED = Recorded(
    routes={
        "/v4/competitions/DED/matches": json_file("football_data_org/v4_CompetitionMatches.json")
    },
    reference="DED/2024",
    unknown_reference="XXX/2024",
    malformed_reference="DED/24/25",
    options={"token": "throwaway-contract-token"},
)
