-- title: Registered model versions and their aliases
-- description: Every version of every registered model with its stage, status, source run and the aliases pointing at it now. MLflow keeps no history of alias moves: "model_updated_at" (the model's last change, which an alias move updates) and each version's own times are the trace it leaves. Aliases exist from MLflow 2.3.
-- needs: modelAliases
SELECT mv.name                                              AS model,
       mv.version,
       string_agg(a.alias, ', ' ORDER BY a.alias)           AS aliases,
       mv.current_stage                                     AS stage,
       mv.status,
       mv.run_id,
       mv.user_id,
       to_timestamp(mv.creation_time / 1000.0)              AS created_at,
       to_timestamp(mv.last_updated_time / 1000.0)          AS version_updated_at,
       to_timestamp(rm.last_updated_time / 1000.0)          AS model_updated_at,
       mv.source
  FROM model_versions mv
  JOIN registered_models rm ON rm.name = mv.name
  LEFT JOIN registered_model_aliases a ON a.name = mv.name AND a.version = mv.version
 WHERE mv.current_stage IS DISTINCT FROM 'Deleted_Internal'
 GROUP BY mv.name, mv.version, rm.last_updated_time
 ORDER BY mv.name, mv.version DESC
