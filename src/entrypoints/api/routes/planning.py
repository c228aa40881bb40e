"""Planning a day (admin or the daily job): `POST .../scheduler`, and the status of a plan that
outlived its request (`GET .../scheduler/plans/{plan}`, see `entrypoints.api.plans`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from bestshot_domain.plan_runs import PlanRun, PlanRunState
from bestshot_domain.planning import ScheduleResult
from bestshot_domain.ports import Clock
from bestshot_routes import SCHEDULER_ROUTE
from entrypoints.api import inputs
from entrypoints.api.operations import Operation, Reply, Security, replies
from entrypoints.api.plans import PLAN_ID_PATTERN, PlanRuns
from entrypoints.api.problems import ApiProblem
from entrypoints.api.schemas.problems import FieldError
from entrypoints.api.schemas.schedules import (
    PlanOut,
    ScheduleOut,
    ScheduleQuery,
    SchedulesOut,
    schedule_out,
)
from entrypoints.schedule_view import ScheduleView
from entrypoints.use_cases import UseCases

PLAN_ROUTE = f"{SCHEDULER_ROUTE}/plans/{{plan}}"
_UNAUTHENTICATED = (401, "No credentials, or a token that proves nothing.")
_FORBIDDEN = (403, "The credentials are not accepted for this operation.")
_BAD_INPUT = (422, "A parameter or a field of the body is invalid; `errors` names it.")


def _json(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    # A plan's answers change as it goes: never to be cached between the caller and us.
    return Response(
        model.model_dump_json(by_alias=True),
        status_code=status,
        media_type="application/json",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def operations(
    use_cases: UseCases, clock: Clock, view: ScheduleView, plans: PlanRuns | None = None
) -> list[Operation]:
    runs = plans or PlanRuns(use_cases.create_daily_schedules, budget=20.0)

    def shown(results: Sequence[ScheduleResult]) -> list[ScheduleOut]:
        return [
            schedule_out(result, view.target(result.schedule), view.expression(result.schedule))
            for result in results
        ]

    def plan_out(run: PlanRun) -> PlanOut:
        results = run.results
        return PlanOut(
            id=run.id,
            day=run.day,
            status=run.state.value,
            # Relative to the URL asked, so that it holds behind a proxy that rewrites the host.
            status_url=PLAN_ROUTE.replace("{plan}", run.id),
            planned_tournaments=list(run.planned_tournaments),
            pending_tournaments=list(run.pending_tournaments),
            schedules=None if results is None else shown(results),
            error=run.error,
        )

    async def create_schedules(request: Request) -> Response:
        query = inputs.query(request, ScheduleQuery)
        day = inputs.day(query.date, "query.date") or clock.now().date()
        if query.dry_run:
            results = await use_cases.create_daily_schedules(day, True)
        else:
            run, task = await runs.plan(day)
            if task is not None and task.done():
                results = task.result()  # a failure is answered as the error it is
            elif run.state is PlanRunState.DONE and run.results is not None:
                results = run.results  # another process's plan, done meanwhile
            else:
                body = plan_out(run)
                return _json(body, 202, {"Location": body.status_url})
        return _json(SchedulesOut(day=day, dry_run=query.dry_run, schedules=shown(results)))

    async def plan_status(request: Request) -> Response:
        plan_id: str = request.path_params["plan"]
        if not re.fullmatch(PLAN_ID_PATTERN, plan_id):
            raise inputs.invalid(
                [FieldError(field="path.plan", message="must be a plan's id: 32 hex digits")]
            )
        run = await runs.get(plan_id)
        if run is None:
            raise ApiProblem(404, f"no plan {plan_id} (unknown, or finished long ago)")
        return _json(plan_out(run))

    accepted = Reply(
        "The plan did not finish within the request's budget (SCHEDULE_PLAN_BUDGET_SECONDS) "
        "and goes on: `Location` (`statusUrl`) tells how it ends; `plannedTournaments` are done "
        "already, `pendingTournaments` not yet. Also the answer when this request joined another "
        "server process's plan of the day that ended without finishing (`status` says how).",
        PlanOut,
    )
    return [
        Operation(
            "POST",
            SCHEDULER_ROUTE,
            create_schedules,
            operation_id="createDailySchedules",
            summary="Create the day's schedules",
            description="Plans one schedule per tournament and round with matches that day, "
            "firing when they should be over, and makes sure each exists in the scheduler. "
            "Running it again the same day changes nothing. The admin's JWT or the internal "
            "token (the daily planning job) is accepted. A plan that takes longer than the "
            "request's budget goes on in the background (202, with a status URL); asking "
            "again meanwhile joins it.",
            tag="data provider",
            security=Security.ADMIN_OR_INTERNAL,
            query=ScheduleQuery,
            replies={
                **replies(
                    (200, Reply("Each schedule, and what was done about it.", SchedulesOut)),
                    _UNAUTHENTICATED,
                    _FORBIDDEN,
                    (409, "The scheduler holds a conflicting schedule."),
                    _BAD_INPUT,
                    (503, "The database or the scheduler service is unavailable."),
                ),
                202: accepted,
            },
        ),
        Operation(
            "GET",
            PLAN_ROUTE,
            plan_status,
            operation_id="getSchedulePlan",
            summary="How a day's plan answered with 202 goes",
            description="Pending, done (with each schedule), failed or interrupted (with why), "
            "and which tournaments are planned so far. Plans are kept in the database, so any "
            "server process answers, for SCHEDULE_PLAN_RETENTION_DAYS after they end; one "
            "whose process stopped answering is reported interrupted.",
            tag="data provider",
            security=Security.ADMIN_OR_INTERNAL,
            path_params=(("plan", "The plan's id, from the 202 answer."),),
            path_patterns={"plan": (PLAN_ID_PATTERN, 32)},
            replies=replies(
                (200, Reply("The plan.", PlanOut)),
                _UNAUTHENTICATED,
                _FORBIDDEN,
                (404, "No such plan (unknown, or older than the retention)."),
                _BAD_INPUT,
                (503, "The database is unavailable."),
            ),
        ),
    ]
