-- Weekly and monthly windows, session caps, and what a person wrote when killing a session.
-- Spend of the new scopes is counted in spend_counters like the daily ones: scope 'agent_weekly' with window_key
-- '2026-W49', 'agent_monthly' with '2026-12', 'session' with 'all'.
ALTER TABLE teams ADD COLUMN weekly_limit_micros BIGINT;
ALTER TABLE teams ADD COLUMN monthly_limit_micros BIGINT;
ALTER TABLE teams ADD COLUMN max_session_cost_micros BIGINT;
-- session caps by task type, one 'type=micros' per line (as task_type_budgets)
ALTER TABLE teams ADD COLUMN task_type_session_budgets TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN weekly_limit_micros BIGINT;
ALTER TABLE agents ADD COLUMN monthly_limit_micros BIGINT;
ALTER TABLE sessions ADD COLUMN stop_detail TEXT;
CREATE INDEX holds_open_by_session ON budget_holds (session_id, expires_at) WHERE status = 'held';
