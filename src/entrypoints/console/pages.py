"""The console's routes and pages: each page is one read (`entrypoints.api.queries`) and one
template.

A page of a tournament is one entry of `TOURNAMENT_PAGES` (its tab), one handler and one
template.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bestshot_domain import text
from bestshot_domain.errors import NotFound
from bestshot_domain.follow_ups import is_follow_up
from bestshot_domain.lifecycle import describe
from bestshot_domain.model import MatchStatus
from bestshot_domain.ports import Clock
from entrypoints.api.queries import Queries, ScheduleLine, ScheduleReader, WebhookReads
from entrypoints.console import present
from entrypoints.console.assets import Assets
from entrypoints.console.chart import chart

CONSOLE_PREFIX = "/console"
RECENT = timedelta(days=7)  # how far back the schedules page looks
LIVE_REFRESH_SECONDS = 30

# The tabs of a tournament: (path under the tournament, label).
TOURNAMENT_PAGES: tuple[tuple[str, str], ...] = (
    ("standings", "Standings"),
    ("positions", "Positions over the season"),
    ("rounds", "Rounds"),
    ("disputes", "Disputes"),
)

_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; "
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

Page = Callable[[Request], Awaitable[Response]]


class _Missing(Exception):
    """What the path names does not exist: the 404 page."""


def _slug(request: Request, name: str) -> str:
    value: str = request.path_params[name]
    if not text.is_slug(value):
        raise _Missing(f"no {name} {value!r}")
    return value


class Console:
    def __init__(
        self,
        queries: Queries,
        *,
        clock: Clock,
        schedules: ScheduleReader | None = None,
        webhooks: WebhookReads | None = None,
        prefix: str = CONSOLE_PREFIX,
    ) -> None:
        self._queries = queries
        self._clock = clock
        self._schedules = schedules
        self._webhooks = webhooks
        self.prefix = prefix
        self._assets = Assets(f"{prefix}/static")
        self._env = jinja2.Environment(
            loader=jinja2.PackageLoader("entrypoints.console"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.globals.update(
            asset=self._assets.url,
            prefix=prefix,
            tournament_pages=TOURNAMENT_PAGES,
            local_time=present.local_time,
            iso=present.iso,
            criterion=present.criterion,
            zone_label=present.zone_label,
            decided=present.decided,
            answer=present.answer,
            form=present.form,
            describe=describe,
        )

    def routes(self) -> list[BaseRoute]:
        p = self.prefix
        tournament = f"{p}/tournaments/{{tournament}}"
        pages: list[tuple[str, Page]] = [
            ("/", self.home),
            (p, self.tournaments),
            (tournament, self.tournament),
            (f"{tournament}/standings", self.standings),
            (f"{tournament}/positions", self.positions),
            (f"{tournament}/rounds", self.rounds),
            (f"{tournament}/rounds/{{round}}", self.round),
            (f"{tournament}/disputes", self.disputes),
            (f"{p}/schedules", self.schedules),
            (f"{p}/webhooks", self.webhooks),
        ]
        # Pages, not API operations: outside the OpenAPI document (and schemathesis' runs).
        routes: list[BaseRoute] = [
            Route(path, self._page(page), methods=["GET"], include_in_schema=False)
            for path, page in pages
        ]
        assets = Route(
            f"{p}/static/{{name}}", self._assets.serve, methods=["GET"], include_in_schema=False
        )
        return [*routes, assets]

    def _page(self, page: Page) -> Page:
        async def answer(request: Request) -> Response:
            try:
                return await page(request)
            except (NotFound, _Missing) as error:
                return self._render("missing.html", {"detail": str(error)}, status=404)

        return answer

    def _render(self, template: str, context: dict[str, Any], status: int = 200) -> Response:
        body = self._env.get_template(template).render(context)
        return HTMLResponse(body, status_code=status, headers=_HEADERS)

    # The pages.

    async def home(self, request: Request) -> Response:
        return self._render("home.html", {})

    async def tournaments(self, request: Request) -> Response:
        lines = await self._queries.overview()
        schedules = await self._read_schedules()
        now = self._clock.now()
        upcoming: dict[str, ScheduleLine] = {}
        for line in schedules:
            if line.fire_at >= now and line.state in (None, "pending", "running"):
                upcoming.setdefault(line.tournament, line)
        return self._render(
            "tournaments.html",
            {"lines": lines, "upcoming": upcoming, "schedules_known": self._schedules is not None},
        )

    async def tournament(self, request: Request) -> Response:
        tournament_id = _slug(request, "tournament")
        return RedirectResponse(f"{self.prefix}/tournaments/{tournament_id}/standings", 307)

    async def standings(self, request: Request) -> Response:
        view = await self._queries.standings_view(_slug(request, "tournament"))
        zones = present.zone_index(view.tournament.zones)
        names = {row.team: row.name for table in view.standings.tables for row in table.rows}
        adjusted: dict[str, list[tuple[int, str]]] = {}
        for adjustment in view.adjustments:
            adjusted.setdefault(adjustment.team, []).append((adjustment.points, adjustment.reason))
        progress = view.knockout.progress  # each team's furthest round, or `champion`
        return self._render(
            "standings.html",
            {
                "tab": "standings",
                "tournament": view.tournament,
                "standings": view.standings,
                "zones": zones,
                "names": names,
                "adjustments": view.adjustments,
                "adjusted": adjusted,
                "knockout": view.knockout,
                "champion": next((t for t, r in progress.items() if r == "champion"), None),
                # Tables with a zone still open: their eliminations are news, not the final order.
                "undecided": [
                    any(s == "open" for row in table.rows for s in row.zones.values())
                    for table in view.standings.tables
                ],
            },
        )

    async def positions(self, request: Request) -> Response:
        view = await self._queries.positions(_slug(request, "tournament"))
        chosen = set(request.query_params.getlist("team"))
        zones = present.zone_index(view.tournament.zones)
        charts = [(series, chart(series, zones, chosen)) for series in view.series]
        return self._render(
            "positions.html",
            {
                "tab": "positions",
                "tournament": view.tournament,
                "charts": charts,
                "zones": zones,
                "chosen": chosen,
            },
        )

    async def rounds(self, request: Request) -> Response:
        tournament_id = _slug(request, "tournament")
        tournament = await self._queries.tournament(tournament_id)
        rounds = await self._queries.rounds(tournament_id)
        return self._render(
            "rounds.html", {"tab": "rounds", "tournament": tournament, "rounds": rounds.rounds}
        )

    async def round(self, request: Request) -> Response:
        view = await self._queries.round_view(_slug(request, "tournament"), _slug(request, "round"))
        slugs = [r.slug for r in view.rounds.rounds]
        at = slugs.index(view.matches.round.slug)
        live = any(m.status is MatchStatus.LIVE for m in view.matches.matches)
        return self._render(
            "round.html",
            {
                "tab": "rounds",
                "tournament": view.tournament,
                "round": view.matches.round,
                "matches": view.matches.matches,
                "history": view.history,
                "previous": view.rounds.rounds[at - 1] if at > 0 else None,
                "next": view.rounds.rounds[at + 1] if at + 1 < len(slugs) else None,
                "refresh": LIVE_REFRESH_SECONDS if live else None,
            },
        )

    async def disputes(self, request: Request) -> Response:
        view = await self._queries.disputes_view(_slug(request, "tournament"))
        return self._render(
            "disputes.html",
            {
                "tab": "disputes",
                "tournament": view.tournament,
                "sections": (("Open", view.open), ("Closed", view.closed)),
                "opened": len(view.open),
                "matches": view.matches,
                "rounds": view.rounds,
            },
        )

    async def schedules(self, request: Request) -> Response:
        lines = await self._read_schedules()
        now = self._clock.now()
        today = now.date()
        origins = Counter(_origin(line.name) for line in lines if line.follow_up)
        sections = [
            ("Today", [line for line in lines if line.fire_at.date() == today]),
            ("Coming", [line for line in lines if line.fire_at.date() > today]),
            (
                "Recent",
                [
                    line
                    for line in reversed(lines)
                    if today > line.fire_at.date() >= (now - RECENT).date()
                ],
            ),
        ]
        return self._render(
            "schedules.html",
            {
                "sections": sections,
                "follow_ups": origins,
                "origin": _origin,
                "failed": sum(line.failed for line in lines),
                "known": self._schedules is not None,
                "detailed": any(line.state is not None for line in lines),
                "now": now,
            },
        )

    async def webhooks(self, request: Request) -> Response:
        subscriptions = () if self._webhooks is None else await self._webhooks.subscriptions()
        return self._render("webhooks.html", {"subscriptions": subscriptions})

    async def _read_schedules(self) -> Sequence[ScheduleLine]:
        return [] if self._schedules is None else await self._schedules()


def _origin(name: str) -> str:
    """The schedule a follow-up follows (`..._f2` follows `...`), or the name itself."""
    return name.rpartition("_f")[0] if is_follow_up(name) else name
