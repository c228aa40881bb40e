-- The local scheduler's schedules: what EventBridge Scheduler keeps in production, kept here
-- when bestshot runs on its own (the embedded default, a laptop, a single server).
--
-- A schedule is `pending` until a worker claims it (`running`, with a lease and a claim id),
-- then `done` or, once its attempts are spent or the API refused it, `failed`. A worker that
-- dies mid-call leaves a `running` row whose lease runs out, and the next worker claims it
-- again: a restart loses nothing. Workers claim with FOR UPDATE SKIP LOCKED, so two never fire
-- one schedule; only the holder of the current claim id may record how a firing went. Leases
-- are in the database's own time (real time), whatever clock decides when a schedule is due.

CREATE TABLE local_schedules (
    name             text PRIMARY KEY
                     CONSTRAINT local_schedule_name_shape CHECK (name ~ '^[0-9a-z_.-]{1,64}$'),
    expression       text NOT NULL,
    fire_at          timestamptz NOT NULL,
    tournament_id    text NOT NULL,
    round_slug       text NOT NULL,
    round_url        text NOT NULL,
    standings_url    text NOT NULL,
    target_env       text NOT NULL
                     CONSTRAINT local_schedule_target_env CHECK (target_env IN ('demo', 'production')),
    state            text NOT NULL DEFAULT 'pending'
                     CONSTRAINT local_schedule_state
                     CHECK (state IN ('pending', 'running', 'done', 'failed')),
    attempts         integer NOT NULL DEFAULT 0 CONSTRAINT local_schedule_attempts CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    lease_until      timestamptz,
    claim            uuid,
    fired_at         timestamptz,
    last_error       text,
    -- A follow-up check of a round that still had matches under way: which planned schedule it
    -- follows (NULL for a planned one), and how many follow-ups led to it.
    origin           text,
    follow_up        integer NOT NULL DEFAULT 0 CONSTRAINT local_schedule_follow_up CHECK (follow_up >= 0),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT local_schedule_lease_when_running
        CHECK ((state = 'running') = (lease_until IS NOT NULL AND claim IS NOT NULL))
);

CREATE INDEX local_schedules_due ON local_schedules (next_attempt_at, name)
    WHERE state IN ('pending', 'running');
