-- title: Params that differ between runs of the same name
-- description: Active runs that share a name (in one experiment) but were logged with different values of a param: a run name that does not pin down its configuration. One row per experiment, run name and param, with the distinct values.
SELECT n.experiment_id,
       n.run_name,
       p.key                                                  AS param,
       count(DISTINCT p.value)                                AS distinct_values,
       string_agg(DISTINCT p.value, ' | ' ORDER BY p.value)   AS param_values,
       count(DISTINCT n.run_uuid)                             AS runs
  FROM (SELECT r.run_uuid, r.experiment_id, coalesce(nullif(r.name, ''), t.value) AS run_name
          FROM runs r
          LEFT JOIN tags t ON t.run_uuid = r.run_uuid AND t.key = 'mlflow.runName'
         WHERE r.lifecycle_stage = 'active') n
  JOIN params p ON p.run_uuid = n.run_uuid
 WHERE n.run_name IS NOT NULL
 GROUP BY n.experiment_id, n.run_name, p.key
HAVING count(DISTINCT p.value) > 1
 ORDER BY runs DESC, n.run_name, p.key
