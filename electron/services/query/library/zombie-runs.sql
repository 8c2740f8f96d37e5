-- title: Zombie runs: still RUNNING long after their last metric
-- description: Active runs whose status is still RUNNING although nothing was logged for more than :hours hours (their last metric, else their start). Usually a process that died without ending its run.
-- param: hours = 24 | Hours of silence before a run counts as a zombie
SELECT r.run_uuid                                             AS run_id,
       coalesce(nullif(r.name, ''), rn.value)                 AS run_name,
       e.name                                                 AS experiment,
       coalesce(u.value, r.user_id)                           AS owner,
       to_timestamp(r.start_time / 1000.0)                    AS started_at,
       to_timestamp(m.last_metric / 1000.0)                   AS last_metric_at,
       date_trunc('second', now() - to_timestamp(coalesce(m.last_metric, r.start_time) / 1000.0)) AS silent_for
  FROM runs r
  JOIN experiments e ON e.experiment_id = r.experiment_id
  LEFT JOIN LATERAL (SELECT max(timestamp) AS last_metric FROM metrics WHERE metrics.run_uuid = r.run_uuid) m ON true
  LEFT JOIN tags u  ON u.run_uuid = r.run_uuid  AND u.key = 'mlflow.user'
  LEFT JOIN tags rn ON rn.run_uuid = r.run_uuid AND rn.key = 'mlflow.runName'
 WHERE r.status = 'RUNNING'
   AND r.lifecycle_stage = 'active'
   AND coalesce(m.last_metric, r.start_time) < extract(epoch FROM now() - make_interval(hours => :hours::int)) * 1000
 ORDER BY silent_for DESC, r.run_uuid
