-- title: Token usage by user and day
-- description: Traces and their token counts (input, output, total, from the trace's mlflow.trace.tokenUsage metadata) per day, user and experiment over the last :days days. The user is the trace's mlflow.trace.user metadata (MLflow 3), else its tag of that name (MLflow 2.x); traces without one count under "(no user)", and traces without token usage count as traces but add no tokens.
-- param: days = 30 | Only traces requested in the last N days
-- needs: traces
SELECT to_timestamp(t.timestamp_ms / 1000.0)::date                                              AS day,
       coalesce(mu.value, tu.value, '(no user)')                                                  AS "user",
       e.name                                                                                     AS experiment,
       count(*)                                                                                   AS traces,
       count(tok.value)                                                                           AS traces_with_usage,
       coalesce(sum(substring(tok.value FROM '"input_tokens"\s*:\s*(\d+)')::bigint), 0)          AS input_tokens,
       coalesce(sum(substring(tok.value FROM '"output_tokens"\s*:\s*(\d+)')::bigint), 0)         AS output_tokens,
       coalesce(sum(substring(tok.value FROM '"total_tokens"\s*:\s*(\d+)')::bigint), 0)          AS total_tokens
  FROM trace_info t
  JOIN experiments e ON e.experiment_id = t.experiment_id
  LEFT JOIN trace_request_metadata tok ON tok.request_id = t.request_id AND tok.key = 'mlflow.trace.tokenUsage'
  LEFT JOIN trace_request_metadata mu  ON mu.request_id  = t.request_id AND mu.key  = 'mlflow.trace.user'
  LEFT JOIN trace_tags tu              ON tu.request_id  = t.request_id AND tu.key  = 'mlflow.trace.user'
 WHERE t.timestamp_ms >= extract(epoch FROM now() - make_interval(days => :days::int)) * 1000
 GROUP BY 1, 2, e.name, t.experiment_id
 ORDER BY day DESC, total_tokens DESC, "user"
