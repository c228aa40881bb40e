"""openfootball: the 2022-23 Premier League file (examples/, from openfootball/football.json),
fetched as a URL on an allowed host."""

from tests.contracts.sources.recorded import BASE, EXAMPLES, ORIGIN, Recorded
from tests.integration.sources.sources_loopback import Reply

RECORDED = Recorded(
    routes={"/en.1-2022-23.json": Reply.file(EXAMPLES / "en.1-2022-23.json")},
    reference=f"{BASE}/en.1-2022-23.json",
    unknown_reference=f"{BASE}/no-such-file.json",
    malformed_reference=" ",
    options={"hosts": ORIGIN},  # the loopback server stands for raw.githubusercontent.com
)
