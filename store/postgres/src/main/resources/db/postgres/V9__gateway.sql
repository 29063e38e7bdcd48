-- Metered calls of the gateway: one row per call, written with its hold before the call is sent and closed
-- (settled, floored, released, recovered) in the transaction that charges it. An open row whose maker died or
-- whose hold expired is charged its floor by the next bridge that looks, once.
CREATE TABLE metered_calls (
    hold_id        TEXT    PRIMARY KEY REFERENCES budget_holds (hold_id),
    session_id     BIGINT  NOT NULL REFERENCES sessions (id),
    agent_id       BIGINT  NOT NULL REFERENCES agents (id),
    team_id        BIGINT  NOT NULL REFERENCES teams (id),
    source         TEXT    NOT NULL,
    external_id    TEXT    NOT NULL,
    model          TEXT    NOT NULL,
    input_estimate BIGINT  NOT NULL,
    owner          TEXT    NOT NULL,
    started_at     BIGINT  NOT NULL,
    expires_at     BIGINT  NOT NULL,
    state          TEXT    NOT NULL,
    closed_at      BIGINT,
    event_id       TEXT
);
CREATE INDEX metered_calls_open ON metered_calls (started_at) WHERE state = 'open';
-- Where a team's upstream keys are read from (a path; the key itself is never stored here).
ALTER TABLE teams ADD COLUMN anthropic_key_file TEXT;
ALTER TABLE teams ADD COLUMN openai_key_file TEXT;
