-- title: Traces with negative feedback, and why
-- description: Valid feedback given in the last :days days whose value is negative — false, "no", "fail", "bad"…, or a number below :score_below — with its rationale, its source (HUMAN, LLM_JUDGE or CODE, and who), and the trace's request and response. Feedback that failed (an error, no value) is left out. Assessments live in the assessments table of MLflow 3.2 and later.
-- param: days = 30 | Only feedback given in the last N days
-- param: score_below = 0.5 | Numeric feedback below this counts as negative
-- needs: assessments, tracePreviews
SELECT a.trace_id,
       a.name                                                 AS feedback,
       a.value,
       a.rationale,
       a.source_type,
       a.source_id,
       to_timestamp(a.created_timestamp / 1000.0)             AS given_at,
       e.name                                                 AS experiment,
       t.request_preview,
       t.response_preview,
       a.assessment_id
  FROM assessments a
  JOIN trace_info t  ON t.request_id = a.trace_id
  JOIN experiments e ON e.experiment_id = t.experiment_id
 WHERE a.assessment_type = 'feedback'
   AND a.valid
   AND a.error IS NULL
   AND a.created_timestamp >= extract(epoch FROM now() - make_interval(days => :days::int)) * 1000
   AND (lower(btrim(a.value)) IN ('false', '"false"', '"no"', '"fail"', '"failed"', '"bad"', '"negative"', '"incorrect"', '"thumbs_down"')
        OR (CASE WHEN btrim(a.value) ~ '^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$' THEN btrim(a.value)::float8 END) < :score_below::float8)
 ORDER BY a.created_timestamp DESC, a.assessment_id
