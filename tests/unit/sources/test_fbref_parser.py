"""The FBref schedule parser on recorded HTML, every status, and pages it must refuse."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.sources.fbref import parse_schedule, schedule_url
from bestshot_domain.errors import InvalidInput, SourceFormatError
from bestshot_domain.model import Ending, MatchStatus, RoundKind, Score
from tests.unit.sources.sources_data import raw

EPL_2024 = "html/fbref_sched_tbody_fragment_EPL_2024-08.html"
AUT_2019 = "html/fbref_sched_ks_all_rows_AUT1_2019-20_legs.html"
EPL_2020 = "html/fbref_sched_rows_EPL_2020-09-12_postponed.html"


def page(body: str, table_id: str = "sched_2024-2025_9_1") -> str:
    """A schedule page around rows, as FBref serves it (another table first)."""
    return (
        "<html><body><table id='results2024-202591_overall'><tbody><tr><td>1</td></tr>"
        f"</tbody></table><table id='{table_id}'><thead><tr><th>Wk</th></tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>"
    )


def row(
    score: str = "",
    notes: str = "",
    *,
    gameweek: str = "3",
    report: str | None = "/en/matches/abc12345/A-B",
    epoch: str | None = "1723834800",
    date: str = "2024-08-16",
) -> str:
    time_cell = (
        f'<span class="venuetime" data-venue-epoch="{epoch}" data-venue-time="20:00">20:00</span>'
        if epoch is not None
        else ""
    )
    report_cell = f'<a href="{report}">Match Report</a>' if report else ""
    return (
        f'<tr><th data-stat="gameweek">{gameweek}</th>'
        f'<td data-stat="date" csk="{date.replace("-", "")}"><a>{date}</a></td>'
        f'<td data-stat="start_time">{time_cell}</td>'
        '<td data-stat="home_team"><a href="/en/squads/19538871/Manchester-United-Stats">'
        "Manchester Utd</a></td>"
        f'<td data-stat="score">{score}</td>'
        '<td data-stat="away_team"><a href="/en/squads/fd962109/Fulham-Stats">Fulham</a></td>'
        f'<td data-stat="match_report">{report_cell}</td>'
        f'<td data-stat="notes">{notes}</td></tr>'
    )


def test_todays_column_names() -> None:
    first, second = parse_schedule(raw(EPL_2024))
    assert first.external_id == "cc5b4244"
    assert (first.home.external_id, first.home.name) == ("19538871", "Manchester Utd")
    assert (first.away.external_id, first.away.name) == ("fd962109", "Fulham")
    # 20:00 at the venue (BST) is 19:00 UTC: the epoch says so.
    assert first.observation.kickoff == datetime(2024, 8, 16, 19, 0, tzinfo=UTC)
    assert (first.observation.status, first.observation.score, first.observation.ended) == (
        MatchStatus.FINISHED,
        Score(1, 0),
        Ending.REGULAR,
    )
    assert (first.round.slug, first.round.label, first.round.kind) == (
        "matchday-1",
        "Matchday 1",
        RoundKind.LEAGUE,
    )
    assert (second.external_id, second.observation.score) == ("a1d0d529", Score(0, 2))


def test_older_column_names_phases_and_two_legged_finals() -> None:
    matches = parse_schedule(raw(AUT_2019))
    assert len(matches) == 13  # the spacer rows are skipped
    first = matches[0]
    assert (first.external_id, first.home.name, first.away.name) == (
        "341a27e4",
        "Rapid Wien",
        "RB Salzburg",
    )
    assert first.observation.score == Score(0, 2)
    assert first.observation.kickoff == datetime(2019, 7, 26, 18, 45, tzinfo=UTC)
    rounds = [(m.round.slug, m.round.kind) for m in matches]
    assert rounds[9] == ("championship-round-10", RoundKind.LEAGUE)
    assert matches[9].round.label == "Championship round, matchday 10"
    assert rounds[10] == ("semi-final", RoundKind.KNOCKOUT)
    legs = [m for m in matches if m.round.slug == "finals"]
    assert [(m.home.name, m.away.name, m.observation.score) for m in legs] == [
        ("Austria Wien", "Hartberg", Score(2, 3)),
        ("Hartberg", "Austria Wien", Score(0, 0)),
    ]
    assert all(m.round.kind is RoundKind.KNOCKOUT for m in legs)


def test_postponed_rows_have_no_score_no_time_and_a_stable_id() -> None:
    matches = parse_schedule(raw(EPL_2020))
    postponed = [m for m in matches if m.observation.status is MatchStatus.POSTPONED]
    assert [(m.external_id, m.home.name) for m in postponed] == [
        ("943e8050-19538871-matchday-1", "Burnley"),
        ("b8fd03ef-8602292d-matchday-1", "Manchester City"),
    ]
    assert all(m.observation.score is None for m in postponed)
    assert postponed[0].observation.kickoff == datetime(2020, 9, 12, tzinfo=UTC)
    played = [m for m in matches if m.observation.status is MatchStatus.FINISHED]
    assert [(m.external_id, m.observation.score) for m in played] == [
        ("bf52349b", Score(0, 3)),
        ("db261cb0", Score(1, 0)),
        ("21b58926", Score(4, 3)),
        ("78495ced", Score(0, 2)),
    ]


def test_a_whole_page_reads_the_schedule_table_only() -> None:
    fragment = raw(EPL_2024).decode()
    body = fragment.replace("<tbody>", "").replace("</tbody>", "")
    assert parse_schedule(page(body)) == parse_schedule(raw(EPL_2024))


@pytest.mark.parametrize(
    ("score", "notes", "expected"),
    [
        ("", "", (MatchStatus.SCHEDULED, None, None, None)),
        ("", "Match Postponed", (MatchStatus.POSTPONED, None, None, None)),
        ("", "Match Cancelled", (MatchStatus.CANCELLED, None, None, None)),
        ("", "Match canceled", (MatchStatus.CANCELLED, None, None, None)),
        ("", "Match Abandoned", (MatchStatus.SUSPENDED, None, None, None)),
        ("", "Match Suspended", (MatchStatus.SUSPENDED, None, None, None)),
        ("2\u20131", "", (MatchStatus.FINISHED, Score(2, 1), Ending.REGULAR, None)),
        ("2-1", "", (MatchStatus.FINISHED, Score(2, 1), Ending.REGULAR, None)),
        ("3&ndash;0", "Match awarded to Fulham", (MatchStatus.AWARDED, Score(3, 0), None, None)),
        (
            "(4) 1\u20131 (2)",
            "Leg 2 of 2; Manchester Utd won on penalty kicks following normal time",
            (MatchStatus.FINISHED, Score(1, 1), Ending.PENALTIES, Score(4, 2)),
        ),
        (
            "2\u20131",
            "Manchester Utd won in extra time",
            (MatchStatus.FINISHED, Score(2, 1), Ending.EXTRA_TIME, None),
        ),
    ],
)
def test_every_status(score: str, notes: str, expected: tuple[object, ...]) -> None:
    (match,) = parse_schedule(page(row(score, notes)))
    observation = match.observation
    got = (observation.status, observation.score, observation.ended, observation.shootout)
    assert got == expected
    assert observation.external_id == "abc12345"


def test_match_id_from_the_score_link_without_a_report() -> None:
    html = row('<a href="/en/matches/def67890/A-B">1\u20130</a>', report=None)
    (match,) = parse_schedule(page(html))
    assert match.external_id == "def67890"


def test_kickoff_without_epoch_uses_date_and_time() -> None:
    html = row(epoch=None).replace(
        '<td data-stat="start_time"></td>', '<td data-stat="start_time" csk="17:30:00">17:30</td>'
    )
    (match,) = parse_schedule(page(html))
    assert match.observation.kickoff == datetime(2024, 8, 16, 17, 30, tzinfo=UTC)


SCHED_ROW = "table#sched_2024-2025_9_1 tbody tr[0]"


@pytest.mark.parametrize(
    ("html", "path", "message"),
    [
        (
            "<html><body><table id='stats_standard'><tr><td>1</td></tr></table></body></html>",
            "table[id*=sched]",
            "no schedule table",
        ),
        ("<html><body><p>Rate limited</p></body></html>", "table[id*=sched]", "no schedule"),
        ("", "table[id*=sched]", "no schedule"),
        (page(""), "table#sched_2024-2025_9_1 tbody tr", "no matches"),
        (page(row("1:0")), f"{SCHED_ROW} td[data-stat=score]", "not a score"),
        (page(row("P\u2013P")), f"{SCHED_ROW} td[data-stat=score]", "not a score"),
        (page(row("(4) 1\u20131")), f"{SCHED_ROW} td[data-stat=score]", "both sides"),
        (page(row(gameweek="one")), f"{SCHED_ROW} td[data-stat=gameweek]", "a number"),
        (page(row(gameweek="")), f"{SCHED_ROW} td[data-stat=gameweek]", "neither"),
        (page(row(epoch="soon")), f"{SCHED_ROW} td[data-stat=start_time]", "Unix time"),
        (page(row(epoch=None, date="")), f"{SCHED_ROW} td[data-stat=date]", "no date"),
    ],
)
def test_pages_it_cannot_read_name_the_place(html: str, path: str, message: str) -> None:
    with pytest.raises(SourceFormatError) as raised:
        parse_schedule(html)
    assert raised.value.provider == "fbref"
    assert raised.value.path == path
    assert message in str(raised.value)


def test_rows_index_counts_every_row_of_the_table() -> None:
    html = page(row("1\u20130") + '<tr class="spacer"><td></td></tr>' + row("x"))
    with pytest.raises(SourceFormatError) as raised:
        parse_schedule(html)
    assert raised.value.path == "table#sched_2024-2025_9_1 tbody tr[2] td[data-stat=score]"


def test_not_utf8_is_a_format_error() -> None:
    with pytest.raises(SourceFormatError, match="not UTF-8"):
        parse_schedule(b"\xff\xfe<table>")


def test_references() -> None:
    url = "https://fbref.com/en/comps/9/schedule/Premier-League-Scores-and-Fixtures"
    assert schedule_url(url) == url
    assert schedule_url("/en/comps/9/schedule/x") == "/en/comps/9/schedule/x"
    for bad in ("", "fbref.com/en", "ftp://fbref.com/x"):
        with pytest.raises(InvalidInput):
            schedule_url(bad)


@pytest.mark.parametrize(
    "elsewhere",
    [
        "http://127.0.0.1:8080/admin",
        "https://169.254.169.254/latest/meta-data/",
        "https://fbref.com.evil.example/x",
        "https://user:pw@fbref.com/x",
        "http://fbref.com/x",  # another origin: plain http
        "https://fbref.com:8443/x",
        "//evil.example/x",  # scheme-relative
        "https://fbref.com:99999/x",  # no such port
        "https://[::1/x",  # an IPv6 address never closed
    ],
)
def test_a_reference_off_the_fbref_origin_is_refused(elsewhere: str) -> None:
    with pytest.raises(InvalidInput, match="fbref reference"):
        schedule_url(elsewhere)


def test_a_url_on_the_configured_origin_is_read() -> None:
    assert schedule_url("http://127.0.0.1:9000/en/x", "http://127.0.0.1:9000") == (
        "http://127.0.0.1:9000/en/x"
    )
    with pytest.raises(InvalidInput):
        schedule_url("https://fbref.com/en/x", "http://127.0.0.1:9000")
