-- title: Runs deleted recently, and by whom
-- description: Runs soft-deleted in the last :days days (MLflow keeps them until `mlflow gc`), newest first. MLflow does not record who pressed delete: "owner" is the run's user (the mlflow.user tag, else runs.user_id). Runs deleted by MLflow before 1.28 have no deletion time and come last.
-- param: days = 30 | How many days back to look
SELECT r.run_uuid                                   AS run_id,
       coalesce(nullif(r.name, ''), rn.value)       AS run_name,
       e.name                                       AS experiment,
       coalesce(u.value, r.user_id)                 AS owner,
       r.status,
       to_timestamp(r.deleted_time / 1000.0)        AS deleted_at,
       to_timestamp(r.start_time / 1000.0)          AS started_at,
       e.lifecycle_stage = 'deleted'                AS experiment_deleted
  FROM runs r
  JOIN experiments e ON e.experiment_id = r.experiment_id
  LEFT JOIN tags u  ON u.run_uuid = r.run_uuid  AND u.key = 'mlflow.user'
  LEFT JOIN tags rn ON rn.run_uuid = r.run_uuid AND rn.key = 'mlflow.runName'
 WHERE r.lifecycle_stage = 'deleted'
   AND (r.deleted_time IS NULL
        OR r.deleted_time >= extract(epoch FROM now() - make_interval(days => :days::int)) * 1000)
 ORDER BY r.deleted_time DESC NULLS LAST, r.run_uuid
