"""FBref: the Austrian Bundesliga 2019-20 schedule rows (two-legged ties), recorded."""

from tests.contracts.sources.recorded import Recorded, html_file

PAGE = "/en/comps/56/schedule/Austrian-Bundesliga-Scores-and-Fixtures"

RECORDED = Recorded(
    routes={PAGE: html_file("html/fbref_sched_ks_all_rows_AUT1_2019-20_legs.html")},
    reference=PAGE,
    unknown_reference="/en/comps/0/schedule/No-Such-Competition",
    malformed_reference="premier league",
)
