-- Usage captured from coding agents' telemetry and their hooks (issue 11).
-- source: claude_code | codex | gemini, null for self-reported sessions; external_id: the agent's own session id.
ALTER TABLE sessions ADD COLUMN source TEXT;
ALTER TABLE sessions ADD COLUMN external_id TEXT;
ALTER TABLE sessions ADD COLUMN cwd TEXT;
ALTER TABLE sessions ADD COLUMN git_branch TEXT;
ALTER TABLE sessions ADD COLUMN api_errors BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN captured INTEGER NOT NULL DEFAULT 0;
-- what the captured calls alone cost (the metric cross-check compares with it)
ALTER TABLE sessions ADD COLUMN captured_cost_micros BIGINT NOT NULL DEFAULT 0;
-- the sum of the session's metric series (claude_code.cost.usage), null before any point
ALTER TABLE sessions ADD COLUMN metric_cost_micros BIGINT;
-- hook state: the last tool call's key (tool name and input hash), how many times in a row, the threshold noted
ALTER TABLE sessions ADD COLUMN last_tool_key TEXT;
ALTER TABLE sessions ADD COLUMN tool_repeats INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN context_percent INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX sessions_by_external ON sessions (agent_id, source, external_id);

ALTER TABLE usage_events ADD COLUMN speed TEXT;
ALTER TABLE usage_events ADD COLUMN query_source TEXT;
ALTER TABLE usage_events ADD COLUMN subagent TEXT;
ALTER TABLE usage_events ADD COLUMN priced_cost_micros BIGINT;
-- a report on a captured session: kept and shown, never charged nor summed
ALTER TABLE usage_events ADD COLUMN claim INTEGER NOT NULL DEFAULT 0;

CREATE TABLE metric_series (
    session_id   BIGINT  NOT NULL REFERENCES sessions (id),
    series_key   TEXT    NOT NULL,
    value_micros BIGINT  NOT NULL,
    PRIMARY KEY (session_id, series_key)
);

ALTER TABLE teams ADD COLUMN max_repeated_tool_calls INTEGER;
