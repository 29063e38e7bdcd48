-- Budget holds: reservations of an estimated cost. A hold counts as spent while status = 'held' and
-- expires_at is in the future; settling, releasing or expiring it only changes its status, so holds survive
-- restarts and nothing is ever decremented.
CREATE TABLE budget_holds (
    hold_id       TEXT    PRIMARY KEY,
    agent_id      BIGINT  NOT NULL REFERENCES agents (id),
    team_id       BIGINT  NOT NULL REFERENCES teams (id),
    task_id       BIGINT  REFERENCES tasks (id),
    session_id    BIGINT  REFERENCES sessions (id),
    amount_micros BIGINT  NOT NULL,
    status        TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    closed_at     BIGINT,
    event_id      TEXT
);
-- Only open holds are indexed: the sums a budget check reads cover a handful of rows.
CREATE INDEX holds_open_by_team ON budget_holds (team_id, expires_at) WHERE status = 'held';
CREATE INDEX holds_open_by_agent ON budget_holds (agent_id, expires_at) WHERE status = 'held';
CREATE INDEX holds_open_by_task ON budget_holds (task_id, expires_at) WHERE status = 'held';
