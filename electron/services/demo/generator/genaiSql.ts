import { ANSWERS, GENAI_USERS, GENAI_WINDOW_MS, MODELS, QUESTIONS, SQL_QUESTIONS } from './genaiPlan'

/**
 * The statements that write one chunk of generated traces, each an
 * INSERT … SELECT over generate_series on the server (no rows cross the wire).
 * Every statement takes the same parameters:
 *   $1 first trace number, $2 one past the last, $3 seed, $4 now (ms), $5 traces in all,
 *   $6 the first application's experiment id (the others follow it).
 * and starts from the same trace plan (`TRACES`), so the rows of one trace
 * agree across tables. Randomness is md5 of seed and trace number: the same
 * seed and `now` give the same store.
 */

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`
/** A text array literal, parenthesized so it can be subscripted. */
const textArray = (items: readonly string[]) => `(ARRAY[${items.map(lit).join(', ')}])`

/**
 * One row per trace: number i, id, kind (0 support chat, 1 SQL agent, 2 summarizer), three
 * independent hashes, request time, SQL agent steps, span count, duration (ms), failed, user,
 * session, token counts, and the request and response texts.
 */
const TRACES = `
  base AS (
    SELECT i, m, 'tr-' || m AS id,
           CASE WHEN i % 10 < 6 THEN 0 WHEN i % 10 < 9 THEN 1 ELSE 2 END AS kind,
           $6::int + CASE WHEN i % 10 < 6 THEN 0 WHEN i % 10 < 9 THEN 1 ELSE 2 END AS experiment_id,
           ('x' || substr(m, 1, 7))::bit(28)::int AS h1,
           ('x' || substr(m, 8, 7))::bit(28)::int AS h2,
           ('x' || substr(m, 15, 7))::bit(28)::int AS h3,
           $4::bigint - (($5::bigint - i) * ${GENAI_WINDOW_MS}::bigint) / $5::bigint AS ts
      FROM (SELECT i, md5($3::text || ':' || i) AS m FROM generate_series($1::int, $2::int - 1) AS i) g
  ),
  t AS MATERIALIZED (
    SELECT b.*, 2 + h1 % 9 AS steps,
           CASE kind WHEN 0 THEN 9 WHEN 1 THEN 2 + 2 * (2 + h1 % 9) ELSE 6 END AS n,
           CASE kind WHEN 0 THEN 300 + h2 % 2500 WHEN 1 THEN 1000 + h2 % 9000 ELSE 2000 + h2 % 6000 END AS dur,
           h3 % 33 = 0 AS failed,
           'user' || CASE WHEN kind = 0 THEN ((i / 20) * 7919) % ${GENAI_USERS} ELSE h2 % ${GENAI_USERS} END || '@example.com' AS usr,
           CASE WHEN kind = 0 THEN 'sess-' || md5($3::text || ':s' || (i / 20)) END AS session,
           150 + h2 % 900 AS tin,
           40 + h3 % 400 AS tout,
           CASE kind WHEN 0 THEN 1 WHEN 1 THEN 2 + h1 % 9 ELSE 5 END AS model_spans,
           ${textArray(MODELS)}[1 + h1 % ${MODELS.length}] AS model,
           CASE kind
             WHEN 0 THEN ${textArray(QUESTIONS)}[1 + h1 % ${QUESTIONS.length}]
             WHEN 1 THEN ${textArray(SQL_QUESTIONS)}[1 + h2 % ${SQL_QUESTIONS.length}]
             ELSE 'Summarize report-' || (i % 1000) || '.pdf'
           END AS question,
           CASE kind
             WHEN 0 THEN ${textArray(ANSWERS)}[1 + h2 % ${ANSWERS.length}]
             WHEN 1 THEN 'Found ' || (1 + h3 % 200) || ' rows; the answer is in the table below.'
             ELSE 'The report covers revenue, churn and hiring; revenue grew ' || (h3 % 30) || '% over the quarter.'
           END AS answer
      FROM base b
  )`

const WITH_TRACES = `WITH ${TRACES}`

export const INSERT_TRACE_INFO = `${WITH_TRACES}
  INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id, request_preview, response_preview)
  SELECT id, experiment_id, ts, dur, CASE WHEN failed THEN 'ERROR' ELSE 'OK' END, 'req-' || substr(m, 20, 12),
         question, CASE WHEN failed THEN NULL ELSE answer END
    FROM t`

export const INSERT_TRACE_TAGS = `${WITH_TRACES}
  INSERT INTO trace_tags (key, value, request_id)
  SELECT k, v, id
    FROM t CROSS JOIN LATERAL (VALUES
      ('mlflow.traceName', (ARRAY['support_chat', 'sql_agent', 'summarize_doc'])[kind + 1]),
      ('env', (ARRAY['prod', 'prod', 'prod', 'staging', 'dev'])[1 + h3 % 5]),
      ('app.version', '1.' || ((i::bigint * 12) / $5::bigint))
    ) AS x(k, v)`

export const INSERT_TRACE_METADATA = `${WITH_TRACES}
  INSERT INTO trace_request_metadata (key, value, request_id)
  SELECT k, v, id
    FROM t CROSS JOIN LATERAL (VALUES
      ('mlflow.trace_schema.version', '3'),
      ('mlflow.trace.user', usr),
      ('mlflow.trace.session', session),
      ('mlflow.trace.tokenUsage', json_build_object('input_tokens', tin, 'output_tokens', tout, 'total_tokens', tin + tout)::text),
      ('mlflow.source.type', 'LOCAL')
    ) AS x(k, v)
   WHERE v IS NOT NULL`

/** Each span's place: name, type, parent (its number in the trace) and start/end as thousandths of the trace. */
const SPAN_PLAN = `
  sp AS (
    SELECT t.*, s,
           CASE kind
             WHEN 0 THEN (ARRAY['support_chat', 'load_history', 'check_input', 'embed_query', 'retrieve_docs', 'rerank', 'chat_completion', 'format_answer', 'cite_sources'])[s + 1]
             WHEN 1 THEN CASE WHEN s = 0 THEN 'sql_agent' WHEN s = n - 1 THEN 'summarize' WHEN s % 2 = 1 THEN 'plan_step_' || ((s - 1) / 2) ELSE 'run_sql' END
             ELSE CASE WHEN s = 0 THEN 'summarize_doc' WHEN s = 5 THEN 'combine' ELSE 'summarize_chunk' END
           END AS name,
           CASE kind
             WHEN 0 THEN (ARRAY['AGENT', 'MEMORY', 'CHAIN', 'EMBEDDING', 'RETRIEVER', 'RERANKER', 'CHAT_MODEL', 'PARSER', 'PARSER'])[s + 1]
             WHEN 1 THEN CASE WHEN s = 0 THEN 'AGENT' WHEN s = n - 1 THEN 'CHAIN' WHEN s % 2 = 1 THEN 'LLM' ELSE 'TOOL' END
             ELSE CASE WHEN s = 0 THEN 'CHAIN' ELSE 'LLM' END
           END AS type,
           CASE WHEN s = 0 THEN NULL
                WHEN kind = 0 AND s = 5 THEN 4
                WHEN kind = 1 AND s % 2 = 0 AND s < n - 1 THEN s - 1
                ELSE 0 END AS parent,
           CASE kind
             WHEN 0 THEN (ARRAY[0, 10, 30, 60, 100, 220, 310, 930, 970])[s + 1]
             WHEN 1 THEN CASE WHEN s = 0 THEN 0 WHEN s = n - 1 THEN steps * 1000 / (steps + 1)
                              WHEN s % 2 = 1 THEN ((s - 1) / 2) * 1000 / (steps + 1) ELSE (((s - 2) / 2) * 1000 + 500) / (steps + 1) END
             ELSE CASE WHEN s = 0 THEN 0 WHEN s = 5 THEN 800 ELSE (s - 1) * 200 END
           END AS f0,
           CASE kind
             WHEN 0 THEN (ARRAY[1000, 30, 60, 100, 300, 300, 930, 970, 990])[s + 1]
             WHEN 1 THEN CASE WHEN s = 0 THEN 1000 WHEN s = n - 1 THEN 990
                              WHEN s % 2 = 1 THEN (((s - 1) / 2) * 1000 + 950) / (steps + 1) ELSE (((s - 2) / 2) * 1000 + 900) / (steps + 1) END
             ELSE CASE WHEN s = 0 THEN 1000 WHEN s = 5 THEN 990 ELSE (s - 1) * 200 + 190 END
           END AS f1,
           failed AND (s = 0 OR (kind = 0 AND s = 6) OR (kind = 1 AND s = n - 2) OR (kind = 2 AND s = 5)) AS span_failed
      FROM t CROSS JOIN LATERAL generate_series(0, t.n - 1) AS s
  ),
  sx AS (
    SELECT sp.*,
           substr(md5(id || ':' || s), 1, 16) AS span_hex,
           CASE WHEN parent IS NULL THEN NULL ELSE substr(md5(id || ':' || parent), 1, 16) END AS parent_hex,
           ts * 1000000 + f0::bigint * dur * 1000 AS start_ns,
           ts * 1000000 + f1::bigint * dur * 1000 AS end_ns,
           type IN ('CHAT_MODEL', 'LLM') AS is_model
      FROM sp
  )`

/** What a span of each type was given and returned, as MLflow's autologging records it (JSON). */
const SPAN_INPUTS = `CASE
    WHEN type IN ('AGENT', 'CHAT_MODEL') AND kind = 0 THEN json_build_object('messages', json_build_array(
           json_build_object('role', 'system', 'content', 'You are a helpful support assistant. Cite the knowledge base.'),
           json_build_object('role', 'user', 'content', question)))
    WHEN type = 'TOOL' THEN json_build_object('sql', 'SELECT team, avg(resolved_at - opened_at) FROM tickets WHERE quarter = ''' || (2024 + h1 % 3) || 'Q' || (1 + h2 % 4) || ''' GROUP BY team')
    WHEN type = 'LLM' THEN json_build_object('prompt', 'Task: ' || question || E'\\nStep ' || s || ': decide the next action.')
    WHEN type IN ('RETRIEVER', 'EMBEDDING', 'RERANKER') THEN json_build_object('query', question)
    ELSE json_build_object('input', question)
  END`

const SPAN_OUTPUTS = `CASE
    WHEN span_failed THEN NULL
    WHEN type = 'CHAT_MODEL' THEN json_build_object('choices', json_build_array(json_build_object('index', 0, 'finish_reason', 'stop',
           'message', json_build_object('role', 'assistant', 'content', answer))), 'model', model)
    WHEN type IN ('RETRIEVER', 'RERANKER') THEN json_build_array(
           json_build_object('page_content', answer, 'metadata', json_build_object('doc_uri', 'kb/article-' || (h1 % 40) || '.md', 'score', round((0.5 + (h3 % 50) / 100.0)::numeric, 2))),
           json_build_object('page_content', ${textArray(ANSWERS)}[1 + h3 % ${ANSWERS.length}], 'metadata', json_build_object('doc_uri', 'kb/article-' || (h2 % 40) || '.md', 'score', round((0.2 + (h2 % 30) / 100.0)::numeric, 2))))
    WHEN type = 'TOOL' THEN json_build_object('columns', json_build_array('team', 'avg_resolution'), 'rows', 1 + h3 % 200)
    WHEN type = 'EMBEDDING' THEN json_build_object('dimensions', 1536)
    WHEN type = 'MEMORY' THEN json_build_object('turns', i % 20)
    ELSE json_build_object('content', answer)
  END`

export const INSERT_SPANS = `WITH ${TRACES}, ${SPAN_PLAN}
  INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content)
  SELECT id, experiment_id, span_hex, parent_hex, name, type, CASE WHEN span_failed THEN 'ERROR' ELSE 'OK' END, start_ns, end_ns,
         json_build_object(
           'trace_id', encode(decode(m, 'hex'), 'base64'),
           'span_id', encode(decode(span_hex, 'hex'), 'base64'),
           'parent_span_id', CASE WHEN parent_hex IS NULL THEN NULL ELSE encode(decode(parent_hex, 'hex'), 'base64') END,
           'name', name,
           'start_time_unix_nano', start_ns,
           'end_time_unix_nano', end_ns,
           'events', CASE WHEN span_failed AND s > 0 THEN json_build_array(json_build_object(
               'name', 'exception', 'time_unix_nano', end_ns, 'attributes', json_build_object(
                 'exception.type', CASE WHEN type = 'TOOL' THEN 'OperationalError' ELSE 'TimeoutError' END,
                 'exception.message', CASE WHEN type = 'TOOL' THEN 'canceling statement due to statement timeout' ELSE 'upstream ' || model || ' did not answer within 30 s' END,
                 'exception.stacktrace', E'Traceback (most recent call last):\\n  File "/srv/app/agent.py", line ' || (100 + s) || E', in ' || name || E'\\n    raise\\n',
                 'exception.escaped', 'False')))
             ELSE '[]'::json END,
           'status', json_build_object('code', CASE WHEN span_failed THEN 'STATUS_CODE_ERROR' ELSE 'STATUS_CODE_OK' END,
                                       'message', CASE WHEN span_failed THEN 'call failed' ELSE '' END),
           'attributes', json_strip_nulls(json_build_object(
             'mlflow.traceRequestId', to_json(id)::text,
             'mlflow.spanType', to_json(type)::text,
             'mlflow.spanInputs', (${SPAN_INPUTS})::text,
             'mlflow.spanOutputs', (${SPAN_OUTPUTS})::text,
             'model', CASE WHEN is_model THEN to_json(model)::text END,
             'mlflow.chat.tokenUsage', CASE WHEN is_model THEN json_build_object(
               'input_tokens', tin / model_spans, 'output_tokens', tout / model_spans, 'total_tokens', tin / model_spans + tout / model_spans)::text END))
         )::text
    FROM sx`

/**
 * Feedback and expectations: groundedness and relevance judged on the support chat (1% of the
 * groundedness judgements overridden by a person, the original kept invalid), users' thumbs,
 * expected answers; correctness judged on the SQL agent (failed when the trace failed); a
 * conciseness check by code on the summaries.
 */
export const INSERT_ASSESSMENTS = `${WITH_TRACES},
  a AS (
    SELECT t.*, x.*
      FROM t CROSS JOIN LATERAL (VALUES
        (kind = 0 AND h3 % 5 <> 0, 'groundedness', 'feedback', round(((h3 / 5) % 101 / 100.0)::numeric, 2)::text, NULL, 'LLM_JUDGE', 'judge-gpt-4o',
         'Compared the answer with the retrieved context.', NULL, h3 % 100 <> 1, 1),
        (kind = 0 AND h3 % 5 <> 0 AND h3 % 100 = 1, 'groundedness', 'feedback', '0.95', NULL, 'HUMAN', 'reviewer@example.com',
         'Checked the cited article: the answer is grounded.', 'a-' || md5(id || ':groundedness'), true, 2),
        (kind = 0 AND h2 % 5 < 2, 'relevance', 'feedback', CASE WHEN h2 % 7 = 0 THEN '"no"' ELSE '"yes"' END, NULL, 'LLM_JUDGE', 'judge-gpt-4o',
         'Does the answer address the question?', NULL, true, 3),
        (kind = 0 AND h1 % 10 < 4, 'user_thumbs_up', 'feedback', CASE WHEN h1 % 9 = 0 THEN 'false' ELSE 'true' END, NULL, 'HUMAN', usr,
         NULL, NULL, true, 4),
        (kind = 0 AND h1 % 20 = 7, 'expected_response', 'expectation', to_json(answer)::text, NULL, 'HUMAN', 'labeler@example.com',
         NULL, NULL, true, 5),
        (kind = 1 AND h1 % 10 < 7, 'correctness', 'feedback', CASE WHEN failed THEN 'null' WHEN h2 % 4 = 0 THEN '"no"' ELSE '"yes"' END,
         CASE WHEN failed THEN '{"error_code": "RATE_LIMIT_EXCEEDED", "error_message": "judge was rate limited", "stack_trace": null}' END,
         'LLM_JUDGE', 'judge-gpt-4o', CASE WHEN failed THEN NULL ELSE 'Checked the SQL result against the question.' END, NULL, true, 6),
        (kind = 2, 'concise', 'feedback', CASE WHEN h2 % 6 = 0 THEN 'false' ELSE 'true' END, NULL, 'CODE', 'concise', NULL, NULL, true, 7)
      ) AS x(wanted, name, atype, value, error, source_type, source_id, rationale, overrides, valid, nth)
     WHERE wanted
  )
  INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, error, created_timestamp, last_updated_timestamp,
                           source_type, source_id, run_id, span_id, rationale, overrides, valid, assessment_metadata)
  SELECT 'a-' || md5(id || ':' || name || CASE WHEN nth = 2 THEN ':override' ELSE '' END), id, name, atype, value, error,
         ts + dur + nth * 1000 + CASE WHEN nth = 2 THEN 86400000 ELSE 0 END,
         ts + dur + nth * 1000 + CASE WHEN nth = 2 THEN 86400000 ELSE 0 END,
         source_type, source_id, NULL, NULL, rationale, overrides, valid, NULL
    FROM a`

/** Every chunk's statements, in the order the foreign keys need. */
export const GENAI_STATEMENTS: ReadonlyArray<{ table: string; sql: string }> = [
  { table: 'trace_info', sql: INSERT_TRACE_INFO },
  { table: 'trace_tags', sql: INSERT_TRACE_TAGS },
  { table: 'trace_request_metadata', sql: INSERT_TRACE_METADATA },
  { table: 'spans', sql: INSERT_SPANS },
  { table: 'assessments', sql: INSERT_ASSESSMENTS },
]
