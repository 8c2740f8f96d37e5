-- title: Error spans by type: what fails in traces, and how
-- description: Spans that ended in ERROR in the last :days days, by experiment, span type and name: how many, in how many traces, first and last seen, and the latest one's exception (type and message, from the span's exception event, else its status message) with its trace to open. Spans live in the spans table of MLflow 3.3 and later.
-- param: days = 30 | Only spans started in the last N days
-- needs: traceSpans
WITH err AS (
  SELECT sp.experiment_id,
         sp.type,
         sp.name,
         sp.trace_id,
         sp.start_time_unix_nano,
         sp.content::jsonb AS span
    FROM spans sp
   WHERE sp.status = 'ERROR'
     AND sp.start_time_unix_nano >= (extract(epoch FROM now() - make_interval(days => :days::int)) * 1e9)::bigint
),
latest AS (
  SELECT DISTINCT ON (experiment_id, type, name)
         experiment_id, type, name, trace_id,
         (SELECT ev -> 'attributes' ->> 'exception.type'
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(span -> 'events') = 'array' THEN span -> 'events' ELSE '[]'::jsonb END) ev
           WHERE ev ->> 'name' = 'exception'
           LIMIT 1)                                                         AS exception_type,
         coalesce((SELECT ev -> 'attributes' ->> 'exception.message'
                     FROM jsonb_array_elements(CASE WHEN jsonb_typeof(span -> 'events') = 'array' THEN span -> 'events' ELSE '[]'::jsonb END) ev
                    WHERE ev ->> 'name' = 'exception'
                    LIMIT 1),
                  span -> 'status' ->> 'message')                           AS message
    FROM err
   ORDER BY experiment_id, type, name, start_time_unix_nano DESC, trace_id
)
SELECT e.name                                                               AS experiment,
       err.experiment_id,
       err.type                                                             AS span_type,
       err.name                                                             AS span_name,
       count(*)                                                             AS error_spans,
       count(DISTINCT err.trace_id)                                         AS traces,
       to_timestamp(min(err.start_time_unix_nano) / 1e9)                    AS first_seen,
       to_timestamp(max(err.start_time_unix_nano) / 1e9)                    AS last_seen,
       l.exception_type                                                     AS latest_exception,
       l.message                                                            AS latest_message,
       l.trace_id                                                           AS latest_trace_id
  FROM err
  JOIN experiments e ON e.experiment_id = err.experiment_id
  JOIN latest l ON l.experiment_id = err.experiment_id AND l.type IS NOT DISTINCT FROM err.type AND l.name IS NOT DISTINCT FROM err.name
 GROUP BY e.name, err.experiment_id, err.type, err.name, l.exception_type, l.message, l.trace_id
 ORDER BY error_spans DESC, span_type, span_name
