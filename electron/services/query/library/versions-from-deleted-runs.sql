-- title: Model versions made from deleted or missing runs
-- description: Registered model versions whose source run is deleted, or no longer in the store (removed by `mlflow gc`): the lineage of a registered model that an audit cannot follow back.
SELECT mv.name                                  AS model,
       mv.version,
       mv.current_stage                         AS stage,
       mv.run_id,
       CASE WHEN r.run_uuid IS NULL THEN 'missing' ELSE r.lifecycle_stage END AS run_state,
       to_timestamp(r.deleted_time / 1000.0)    AS run_deleted_at,
       to_timestamp(mv.creation_time / 1000.0)  AS version_created_at,
       mv.source
  FROM model_versions mv
  LEFT JOIN runs r ON r.run_uuid = mv.run_id
 WHERE mv.run_id IS NOT NULL
   AND mv.current_stage IS DISTINCT FROM 'Deleted_Internal'
   AND (r.run_uuid IS NULL OR r.lifecycle_stage = 'deleted')
 ORDER BY mv.name, mv.version DESC
