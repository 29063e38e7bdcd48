-- Hour rollups: the spend rollups (V10) summed per UTC hour (bucket = the hour's start, epoch milliseconds, a
-- multiple of 3600000), per team, session and model, with the same columns. Written in the same transaction as each
-- charged usage event, next to its five-minute row. Long windows read these: a window's whole UTC hours from here,
-- and the rest (the parts of hours cut by a day's edge in a zone whose offset is not a whole hour, such as
-- +05:30 or +05:45) from spend_rollups, so every total stays exact. Back-filled from spend_rollups.
CREATE TABLE hour_rollups (
    team_id                        BIGINT NOT NULL,
    bucket                         BIGINT NOT NULL,
    session_id                     BIGINT NOT NULL,
    model                          TEXT   NOT NULL,
    agent_id                       BIGINT NOT NULL,
    task_id                        BIGINT,
    input_tokens                   BIGINT NOT NULL,
    output_tokens                  BIGINT NOT NULL,
    cache_creation_input_tokens    BIGINT NOT NULL,
    cache_creation_1h_input_tokens BIGINT NOT NULL,
    cache_read_input_tokens        BIGINT NOT NULL,
    cost_micros                    BIGINT NOT NULL,
    unpriced_micros                BIGINT NOT NULL,
    events                         BIGINT NOT NULL,
    PRIMARY KEY (team_id, bucket, session_id, model)
) WITHOUT ROWID;
INSERT INTO hour_rollups (team_id, bucket, session_id, model, agent_id, task_id, input_tokens, output_tokens,
                          cache_creation_input_tokens, cache_creation_1h_input_tokens, cache_read_input_tokens,
                          cost_micros, unpriced_micros, events)
SELECT team_id, (bucket / 3600000) * 3600000, session_id, model, MIN(agent_id), MIN(task_id), SUM(input_tokens),
       SUM(output_tokens), SUM(cache_creation_input_tokens), SUM(cache_creation_1h_input_tokens),
       SUM(cache_read_input_tokens), SUM(cost_micros), SUM(unpriced_micros), SUM(events)
FROM spend_rollups
GROUP BY team_id, (bucket / 3600000) * 3600000, session_id, model;
