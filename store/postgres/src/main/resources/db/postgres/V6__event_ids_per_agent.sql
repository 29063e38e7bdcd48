-- Event ids are one namespace per agent (as idempotency keys are per account at Stripe): two agents may use the
-- same event_id, and a replay lookup never crosses an agent. PostgreSQL drops the column's UNIQUE constraint in
-- place (SQLite rebuilds the table); the other indexes stay as they are.
ALTER TABLE usage_events DROP CONSTRAINT usage_events_event_id_key;
CREATE UNIQUE INDEX usage_by_agent_event ON usage_events (agent_id, event_id);
