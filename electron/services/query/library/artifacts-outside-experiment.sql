-- title: Runs whose artifacts lie outside their experiment's location
-- description: Runs whose artifact_uri does not start with their experiment's artifact_location: artifacts moved by hand, an experiment relocated after its runs, or a client that chose its own place. Exports and cleanup that trust the experiment's location miss these.
SELECT r.run_uuid                              AS run_id,
       e.name                                  AS experiment,
       e.artifact_location,
       r.artifact_uri,
       coalesce(u.value, r.user_id)            AS owner,
       to_timestamp(r.start_time / 1000.0)     AS started_at,
       r.lifecycle_stage
  FROM runs r
  JOIN experiments e ON e.experiment_id = r.experiment_id
  LEFT JOIN tags u ON u.run_uuid = r.run_uuid AND u.key = 'mlflow.user'
 WHERE r.artifact_uri IS NOT NULL
   AND e.artifact_location IS NOT NULL
   -- A prefix test on the text itself: LIKE would read % and _ in paths as wildcards.
   AND left(r.artifact_uri, length(rtrim(e.artifact_location, '/')) + 1) <> rtrim(e.artifact_location, '/') || '/'
 ORDER BY r.start_time DESC NULLS LAST, r.run_uuid
