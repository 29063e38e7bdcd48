-- Spend rollups: what each session spent with each model in each five-minute bucket of UTC time (bucket = the
-- bucket's start, epoch milliseconds, a multiple of 300000). Every zone offset in use is a multiple of five minutes,
-- so the buckets of a range of days in any team's zone sum to exact day totals. Written in the same transaction as
-- each charged usage event (claims are never counted); reports and spend charts read these rows instead of events.
-- The key leads with (team_id, bucket) so every read is one range scan; model '' is usage with no known model.
-- unpriced_micros sums the cost of events whose cost_source is 'unpriced'.
CREATE TABLE spend_rollups (
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
);
INSERT INTO spend_rollups (team_id, bucket, session_id, model, agent_id, task_id, input_tokens, output_tokens,
                           cache_creation_input_tokens, cache_creation_1h_input_tokens, cache_read_input_tokens,
                           cost_micros, unpriced_micros, events)
SELECT team_id, (reported_at / 300000) * 300000, session_id, COALESCE(model, ''), MIN(agent_id), MIN(task_id),
       SUM(input_tokens), SUM(output_tokens), SUM(cache_creation_input_tokens), SUM(cache_creation_1h_input_tokens),
       SUM(cache_read_input_tokens), SUM(cost_micros),
       SUM(CASE WHEN cost_source = 'unpriced' THEN cost_micros ELSE 0 END), COUNT(*)
FROM usage_events
WHERE claim = 0
GROUP BY team_id, (reported_at / 300000) * 300000, session_id, COALESCE(model, '');
