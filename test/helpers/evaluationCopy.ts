/**
 * A second evaluation run in a test's copy of the GenAI store: the fixture's run (named "copy",
 * started a second later), its tags and metrics, its traces (ids tr-c…) and their assessments
 * (ids a-c…) copied under new ids, one statement per call.
 */
export async function copyEvaluationRun(sql: (text: string, params?: unknown[]) => Promise<unknown>, from: string, to: string): Promise<void> {
  const ofRun = `SELECT request_id FROM trace_request_metadata WHERE key = 'mlflow.sourceRun' AND value = $1`
  const newTrace = (col: string) => `'tr-c' || substr(${col}, 4)`
  await sql(
    `INSERT INTO runs SELECT (json_populate_record(r, json_build_object('run_uuid', $2::text, 'name', 'copy', 'start_time', r.start_time + 1000))).* FROM runs r WHERE run_uuid = $1`,
    [from, to],
  )
  for (const table of ['tags', 'latest_metrics', 'metrics', 'params']) {
    await sql(`INSERT INTO ${table} SELECT (json_populate_record(t, json_build_object('run_uuid', $2::text))).* FROM ${table} t WHERE run_uuid = $1`, [
      from,
      to,
    ])
  }
  await sql(
    `INSERT INTO trace_info SELECT (json_populate_record(t, json_build_object('request_id', ${newTrace('t.request_id')}))).* FROM trace_info t WHERE request_id IN (${ofRun})`,
    [from],
  )
  for (const table of ['trace_tags', 'trace_request_metadata']) {
    await sql(
      `INSERT INTO ${table} SELECT (json_populate_record(t, json_build_object('request_id', ${newTrace('t.request_id')},
         'value', CASE WHEN t.key = 'mlflow.sourceRun' THEN $2::text ELSE t.value END))).* FROM ${table} t WHERE request_id IN (${ofRun})`,
      [from, to],
    )
  }
  await sql(
    `INSERT INTO assessments SELECT (json_populate_record(a, json_build_object('assessment_id', 'a-c' || substr(a.assessment_id, 3),
       'trace_id', ${newTrace('a.trace_id')}))).* FROM assessments a WHERE trace_id IN (${ofRun})`,
    [from],
  )
}
