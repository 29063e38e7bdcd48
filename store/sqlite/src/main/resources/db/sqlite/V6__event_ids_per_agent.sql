-- Event ids are one namespace per agent (as idempotency keys are per account at Stripe): two agents may use the
-- same event_id, and a replay lookup never crosses an agent. SQLite cannot drop a column's UNIQUE constraint, so
-- the table is rebuilt with the same columns and rows, keyed uniquely by (agent_id, event_id).
CREATE TABLE usage_events_v6 (
    id                             INTEGER PRIMARY KEY,
    event_id                       TEXT    NOT NULL,
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
INSERT INTO usage_events_v6 SELECT * FROM usage_events;
DROP TABLE usage_events;
ALTER TABLE usage_events_v6 RENAME TO usage_events;
CREATE UNIQUE INDEX usage_by_agent_event ON usage_events (agent_id, event_id);
CREATE INDEX usage_by_session ON usage_events (session_id);
CREATE INDEX usage_by_team_time ON usage_events (team_id, reported_at);
CREATE INDEX usage_by_session_time ON usage_events (session_id, reported_at);
