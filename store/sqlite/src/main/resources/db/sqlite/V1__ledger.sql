-- Entourage ledger, version 1. Money in integer micro-dollars, times in Unix epoch milliseconds.
CREATE TABLE teams (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL UNIQUE,
    daily_limit_micros BIGINT,
    timezone           TEXT    NOT NULL DEFAULT 'UTC',
    paused             INTEGER NOT NULL DEFAULT 0,
    -- default task caps by task type, one 'type=micros' per line
    task_type_budgets  TEXT    NOT NULL DEFAULT '',
    created_at         BIGINT  NOT NULL
);

CREATE TABLE agents (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL UNIQUE,
    team_id            INTEGER NOT NULL REFERENCES teams (id),
    daily_limit_micros BIGINT,
    paused             INTEGER NOT NULL DEFAULT 0,
    created_at         BIGINT  NOT NULL
);

CREATE TABLE tasks (
    id            INTEGER PRIMARY KEY,
    team_id       INTEGER NOT NULL REFERENCES teams (id),
    title         TEXT    NOT NULL,
    priority      TEXT,
    task_type     TEXT,
    tags          TEXT    NOT NULL DEFAULT '',
    budget_micros BIGINT,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE sessions (
    id                          INTEGER PRIMARY KEY,
    agent_id                    INTEGER NOT NULL REFERENCES agents (id),
    team_id                     INTEGER NOT NULL REFERENCES teams (id),
    task_id                     INTEGER REFERENCES tasks (id),
    model                       TEXT,
    status                      TEXT    NOT NULL,
    started_at                  BIGINT  NOT NULL,
    ended_at                    BIGINT,
    input_tokens                BIGINT  NOT NULL DEFAULT 0,
    output_tokens               BIGINT  NOT NULL DEFAULT 0,
    cache_creation_input_tokens BIGINT  NOT NULL DEFAULT 0,
    cache_read_input_tokens     BIGINT  NOT NULL DEFAULT 0,
    cost_micros                 BIGINT  NOT NULL DEFAULT 0,
    stop_reason                 TEXT
);
CREATE INDEX sessions_by_agent ON sessions (agent_id, id);
CREATE INDEX sessions_by_task ON sessions (task_id);

-- Rows are keyed by an ever-growing integer; generated event ids are UUIDv7, so both indexes append.
CREATE TABLE usage_events (
    id                             INTEGER PRIMARY KEY,
    event_id                       TEXT    NOT NULL UNIQUE,
    session_id                     INTEGER NOT NULL REFERENCES sessions (id),
    agent_id                       INTEGER NOT NULL,
    team_id                        INTEGER NOT NULL,
    task_id                        INTEGER,
    model                          TEXT,
    input_tokens                   BIGINT  NOT NULL,
    output_tokens                  BIGINT  NOT NULL,
    cache_creation_input_tokens    BIGINT  NOT NULL,
    cache_creation_1h_input_tokens BIGINT  NOT NULL,
    cache_read_input_tokens        BIGINT  NOT NULL,
    cost_micros                    BIGINT  NOT NULL,
    cost_source                    TEXT    NOT NULL,
    price_id                       TEXT,
    price_prefix                   INTEGER,
    price_input                    BIGINT,
    price_output                   BIGINT,
    price_cache_write_5m           BIGINT,
    price_cache_write_1h           BIGINT,
    price_cache_read               BIGINT,
    fingerprint                    TEXT    NOT NULL,
    action                         TEXT    NOT NULL,
    stop_reason                    TEXT,
    reported_at                    BIGINT  NOT NULL
);
CREATE INDEX usage_by_session ON usage_events (session_id);
CREATE INDEX usage_by_team_time ON usage_events (team_id, reported_at);
CREATE INDEX tasks_by_team ON tasks (team_id, id);

-- One counter per (scope, window): daily windows are dates in the team's zone, so nothing is ever reset.
CREATE TABLE spend_counters (
    scope        TEXT   NOT NULL,
    scope_id     BIGINT NOT NULL,
    window_key   TEXT   NOT NULL,
    spent_micros BIGINT NOT NULL,
    PRIMARY KEY (scope, scope_id, window_key)
);
