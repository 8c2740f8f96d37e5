-- title: Experiments with no activity in N days
-- description: Active experiments where nothing happened for :days days: no run started or ended and the experiment itself was not changed (experiments.last_update_time, MLflow 1.29+). Candidates for archiving; experiments without any run are included.
-- param: days = 90 | Days without activity
-- needs: experimentTimes
SELECT e.experiment_id,
       e.name,
       count(r.run_uuid)                                                          AS runs,
       to_timestamp(e.creation_time / 1000.0)                                     AS created_at,
       to_timestamp(greatest(max(r.start_time), max(r.end_time), e.last_update_time) / 1000.0) AS last_activity,
       e.artifact_location
  FROM experiments e
  LEFT JOIN runs r ON r.experiment_id = e.experiment_id
 WHERE e.lifecycle_stage = 'active'
 GROUP BY e.experiment_id
HAVING coalesce(greatest(max(r.start_time), max(r.end_time), e.last_update_time), 0)
       < extract(epoch FROM now() - make_interval(days => :days::int)) * 1000
 ORDER BY last_activity NULLS FIRST, e.experiment_id
