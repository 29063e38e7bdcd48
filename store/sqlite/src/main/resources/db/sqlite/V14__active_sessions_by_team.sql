-- A team's active sessions, newest first, without reading its closed ones: the dashboard's active list and the
-- per-agent count of active sessions read this index, so they cost the active sessions, not the whole history.
CREATE INDEX sessions_active_by_team ON sessions (team_id, id) WHERE status = 'active';
