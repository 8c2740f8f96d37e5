-- title: Overridden judge assessments: where people disagreed with the judge
-- description: Assessments that were overridden — MLflow keeps the original, marks it invalid, and the new assessment names it in "overrides" — whose original came from a source of type :source (LLM_JUDGE by default; CODE or HUMAN, or % for any): both values, both rationales, who overrode it and when, and the trace. Assessments live in the assessments table of MLflow 3.2 and later.
-- param: source = LLM_JUDGE | Source type of the overridden originals (LLM_JUDGE, CODE, HUMAN; % for any)
-- needs: assessments
SELECT n.trace_id,
       o.name                                                 AS assessment,
       o.value                                                AS original_value,
       o.source_type                                          AS original_source_type,
       o.source_id                                            AS original_source,
       o.rationale                                            AS original_rationale,
       n.value                                                AS new_value,
       n.source_type                                          AS overridden_by_type,
       n.source_id                                            AS overridden_by,
       n.rationale                                            AS new_rationale,
       to_timestamp(n.created_timestamp / 1000.0)             AS overridden_at,
       e.name                                                 AS experiment,
       o.assessment_id                                        AS original_id,
       n.assessment_id                                        AS new_id
  FROM assessments n
  JOIN assessments o ON o.assessment_id = n.overrides
  JOIN trace_info t  ON t.request_id = n.trace_id
  JOIN experiments e ON e.experiment_id = t.experiment_id
 WHERE o.source_type LIKE :source
 ORDER BY n.created_timestamp DESC, n.assessment_id
