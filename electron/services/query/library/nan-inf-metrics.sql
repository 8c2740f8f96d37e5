-- title: Metrics with NaN or infinite values
-- description: Metric series that logged NaN (stored by MLflow as value 0 with is_nan) or ±infinity (stored as ±1.7976931348623157e308), per run and key, with how many such values and the steps they span. Reads the whole metrics table: slow on very big stores.
SELECT m.run_uuid                                         AS run_id,
       coalesce(nullif(r.name, ''), rn.value)             AS run_name,
       r.experiment_id,
       m.key,
       CASE WHEN m.is_nan OR m.value = 'NaN'::float8 THEN 'NaN'
            WHEN m.value > 0 THEN '+inf'
            ELSE '-inf' END                               AS kind,
       count(*)                                           AS bad_values,
       min(m.step)                                        AS first_step,
       max(m.step)                                        AS last_step,
       to_timestamp(min(m.timestamp) / 1000.0)            AS first_at
  FROM metrics m
  JOIN runs r ON r.run_uuid = m.run_uuid
  LEFT JOIN tags rn ON rn.run_uuid = m.run_uuid AND rn.key = 'mlflow.runName'
 WHERE m.is_nan
    OR m.value = 'NaN'::float8
    OR abs(m.value) >= 1.7976931348623157e308
 GROUP BY 1, 2, 3, 4, 5
 ORDER BY bad_values DESC, run_id, m.key
