-- The outbox: every event (bestshot_domain.events), written in the transaction of the change
-- that causes it. Ids grow in commit order: writers take the `outbox` advisory lock (see
-- adapters.postgres.outbox) before taking an id and keep it until they commit, so a reader
-- that resumes after the last id it saw never skips an event committed later with a lower id.

CREATE TABLE outbox_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type           text NOT NULL,
    tournament_id  text NOT NULL,
    occurred_at    timestamptz NOT NULL,
    payload        jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX outbox_events_by_tournament ON outbox_events (tournament_id, id);

-- Webhook subscriptions and their deliveries (adapters.webhooks). The secret is kept to sign
-- deliveries; it is shown once, when the subscription is created. `cursor` is the last event
-- id delivered (or skipped as not wanted), so each subscription reads the outbox in order.

CREATE TABLE webhook_subscriptions (
    id              uuid PRIMARY KEY,
    url             text NOT NULL,
    event_types     text[] NOT NULL,
    tournament_id   text,
    secret          text NOT NULL,
    state           text NOT NULL DEFAULT 'active'
                    CONSTRAINT webhook_state CHECK (state IN ('active', 'failing', 'disabled')),
    cursor          bigint NOT NULL DEFAULT 0,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    failing_since   timestamptz,
    lease_until     timestamptz,
    claim           uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id  uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id         bigint NOT NULL,
    attempt          integer NOT NULL,
    status           integer,
    latency_ms       integer NOT NULL,
    error            text,
    delivered_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, id);
