-- Plans of a day that outlive their request (bestshot_domain.plan_runs): any server process
-- answers a plan's status URL, and a restart keeps it. The process running a plan updates
-- `beat_at` while it goes; a pending run without a recent beat is reported interrupted.

CREATE TABLE plan_runs (
    id                  text PRIMARY KEY CONSTRAINT plan_run_id CHECK (id ~ '^[0-9a-f]{32}$'),
    day                 date NOT NULL,
    state               text NOT NULL
                        CONSTRAINT plan_run_state
                        CHECK (state IN ('pending', 'done', 'failed', 'interrupted')),
    started_at          timestamptz NOT NULL,
    beat_at             timestamptz NOT NULL,
    planned_tournaments text[] NOT NULL DEFAULT '{}',
    pending_tournaments text[] NOT NULL DEFAULT '{}',
    results             jsonb,
    error               text
);

-- At most one run of a day under way: a second process asking joins it.
CREATE UNIQUE INDEX plan_runs_one_pending_per_day ON plan_runs (day) WHERE state = 'pending';
-- Pruning by age.
CREATE INDEX plan_runs_by_beat ON plan_runs (beat_at);
