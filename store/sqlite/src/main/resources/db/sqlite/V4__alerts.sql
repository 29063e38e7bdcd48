-- Alerts and the runaway guard. alert_thresholds: percentages, comma-separated ('' turns alerts off).
ALTER TABLE teams ADD COLUMN alert_thresholds TEXT NOT NULL DEFAULT '80,100';
ALTER TABLE teams ADD COLUMN alert_webhook_url TEXT;
-- micro-dollars per minute a session may spend over a trailing 5 minutes; NULL: no guard
ALTER TABLE teams ADD COLUMN max_session_rate_micros BIGINT;

-- One row per threshold crossed per scope per window: the unique key makes "fired once" hold under any
-- concurrency, as the insert is INSERT ... ON CONFLICT DO NOTHING in the report's write transaction.
CREATE TABLE alerts (
    id                INTEGER PRIMARY KEY,
    team_id           INTEGER NOT NULL REFERENCES teams (id),
    scope             TEXT    NOT NULL,
    scope_id          BIGINT  NOT NULL,
    window_key        TEXT    NOT NULL,
    threshold_percent INTEGER NOT NULL,
    limit_micros      BIGINT  NOT NULL,
    spent_micros      BIGINT  NOT NULL,
    agent_id          INTEGER NOT NULL,
    agent_name        TEXT    NOT NULL,
    task_id           INTEGER,
    session_id        INTEGER NOT NULL,
    created_at        BIGINT  NOT NULL,
    delivered_at      BIGINT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT  NOT NULL,
    last_error        TEXT,
    UNIQUE (scope, scope_id, window_key, threshold_percent)
);
CREATE INDEX alerts_by_team ON alerts (team_id, id);
CREATE INDEX alerts_undelivered ON alerts (next_attempt_at) WHERE delivered_at IS NULL;
-- the runaway guard sums a session's recent events
CREATE INDEX usage_by_session_time ON usage_events (session_id, reported_at);
