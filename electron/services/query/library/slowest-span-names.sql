-- title: Slowest span names: where the time in traces goes
-- description: Every span name (with its type, per experiment) among the spans started in the last :days days: how many there are, their duration at p50, p90 and p99 and the slowest one, how many ended in ERROR, and the trace of the slowest to open. Spans live in the spans table of MLflow 3.3 and later.
-- param: days = 30 | Only spans started in the last N days
-- param: min_spans = 1 | Leave out names seen fewer times than this
-- needs: traceSpans
WITH s AS (
  SELECT sp.experiment_id,
         sp.name,
         sp.type,
         sp.status,
         sp.trace_id,
         (sp.end_time_unix_nano - sp.start_time_unix_nano) / 1e6 AS ms
    FROM spans sp
   WHERE sp.end_time_unix_nano IS NOT NULL
     AND sp.start_time_unix_nano >= (extract(epoch FROM now() - make_interval(days => :days::int)) * 1e9)::bigint
)
SELECT e.name                                                               AS experiment,
       s.experiment_id,
       s.name                                                               AS span_name,
       s.type                                                               AS span_type,
       count(*)                                                             AS spans,
       round(percentile_cont(0.5)  WITHIN GROUP (ORDER BY s.ms)::numeric, 1) AS p50_ms,
       round(percentile_cont(0.9)  WITHIN GROUP (ORDER BY s.ms)::numeric, 1) AS p90_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY s.ms)::numeric, 1) AS p99_ms,
       round(max(s.ms)::numeric, 1)                                         AS max_ms,
       count(*) FILTER (WHERE s.status = 'ERROR')                           AS errors,
       (array_agg(s.trace_id ORDER BY s.ms DESC, s.trace_id))[1]           AS slowest_trace_id
  FROM s
  JOIN experiments e ON e.experiment_id = s.experiment_id
 GROUP BY e.name, s.experiment_id, s.name, s.type
HAVING count(*) >= :min_spans::int
 ORDER BY p90_ms DESC, spans DESC, span_name
