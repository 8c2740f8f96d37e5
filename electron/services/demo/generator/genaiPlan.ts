/**
 * The GenAI store `mlflow-desk generate --genai` writes: how many traces, in
 * what chunks, and the shapes of the three applications that logged them.
 *
 * - support-assistant (6 traces in 10): a RAG chat agent, 9 spans (history,
 *   input check, embedding, retrieval with a reranker inside, the chat model,
 *   two parsers), in sessions of about 12 turns by one user; judged for
 *   groundedness and relevance, thumbs from users, expected answers on some.
 * - sql-agent (3 in 10): a planning loop of 2–10 steps, each an LLM call with
 *   a run_sql tool call inside it, then a summary: 6–22 spans, 3 deep.
 * - doc-summarizer (1 in 10): four chunk summaries and a combine step.
 *
 * About 10 spans and 1.2 assessments a trace; 3% of traces end in ERROR with
 * an exception on their model or tool span; 1% of groundedness judgements are
 * overridden by a person.
 */

export type GenaiSize = 'small' | 'medium' | 'large'

export const GENAI_TRACES: Record<GenaiSize, number> = {
  small: 2_000,
  medium: 100_000,
  large: 1_000_000,
}

/** Traces per INSERT … SELECT: each chunk's statements write ~500k spans. */
export const GENAI_CHUNK = 50_000

/** The requests span the 30 days before `now`. */
export const GENAI_WINDOW_MS = 30 * 24 * 3600 * 1000

export const GENAI_EXPERIMENTS = [
  { id: 1, name: 'support-assistant' },
  { id: 2, name: 'sql-agent' },
  { id: 3, name: 'doc-summarizer' },
] as const

/** Users of the support assistant (its sessions) and of the other apps. */
export const GENAI_USERS = 500

export const QUESTIONS = [
  'How do I reset my password?',
  'Where can I download my invoices?',
  'What does error E1043 mean?',
  'How do I invite a teammate?',
  'Can I change the billing currency?',
  'Why was my card declined?',
  'How do I set up SSO with Okta?',
  'What is the API rate limit?',
  'How do I export a table to CSV?',
  'How long are deleted projects kept?',
  'Can I restore a deleted project?',
  'How do I change my e-mail address?',
]

export const ANSWERS = [
  'To reset a password, open Settings > Security and choose Reset.',
  'Invoices are under Billing > History; each can be downloaded as PDF.',
  'E1043 means the upload exceeded the 2 GiB limit.',
  'Owners invite teammates from Members; invitations expire after 7 days.',
  'The billing currency can be changed once per year by an owner.',
  'Cards are declined when the bank flags the charge or the address differs.',
  'SSO with Okta needs the Enterprise plan and a SAML app.',
  'The API allows 600 requests per minute per token; bursts of 100.',
  'Every table offers Export > CSV; large exports arrive by e-mail.',
  'Deleted projects stay in Trash for 30 days and can be restored.',
]

export const SQL_QUESTIONS = [
  'Average ticket resolution time per team last quarter',
  'Top 10 customers by revenue this year',
  'Weekly active users by plan since January',
  'Churned accounts with more than 5 seats',
  'Median first response time by support channel',
]

export const MODELS = ['gpt-4o-mini', 'claude-sonnet', 'llama-3.1-70b']
