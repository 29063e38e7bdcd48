-- What a team gives the agents it creates (limits, null for none) and whether it refuses unknown agents.
ALTER TABLE teams ADD COLUMN default_agent_daily_limit_micros BIGINT;
ALTER TABLE teams ADD COLUMN default_agent_weekly_limit_micros BIGINT;
ALTER TABLE teams ADD COLUMN default_agent_monthly_limit_micros BIGINT;
ALTER TABLE teams ADD COLUMN strict_agents INTEGER NOT NULL DEFAULT 0;
