import { AppError } from '@shared/api/errors'
import type { ParsedRequest } from '@shared/api/contract'
import type { DatasetGetResponse, DatasetsListResponse, EvaluationDataset, EvaluationDatasetRecord } from '@shared/domain/evaluations'
import { INT4_MAX } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { likePattern } from '../find/storeSearch'
import type { OrderKey } from '../tracking/keyset'
import { pageOf, resumeAt } from '../tracking/keysetPage'
import { searchFingerprint } from '../tracking/pageToken'

/** How MLflow ties a dataset to an experiment in entity_associations. */
const DATASET_ENTITY = 'evaluation_dataset'
const EXPERIMENT_ENTITY = 'experiment'

type DatasetRow = Omit<EvaluationDataset, 'created_time' | 'last_update_time'> & { created_time: string | null; last_update_time: string | null }

const DATASET_COLUMNS = `d.dataset_id, d.name, d.digest, d.schema, d.profile, d.created_time, d.last_update_time, d.created_by, d.last_updated_by,
  COALESCE((SELECT json_object_agg(t.key, t.value ORDER BY t.key) FROM evaluation_dataset_tags t WHERE t.dataset_id = d.dataset_id), '{}'::json) AS tags,
  COALESCE((SELECT json_agg(ea.destination_id ORDER BY ea.destination_id) FROM entity_associations ea
             WHERE ea.source_type = '${DATASET_ENTITY}' AND ea.source_id = d.dataset_id AND ea.destination_type = '${EXPERIMENT_ENTITY}'), '[]'::json) AS experiment_ids,
  (SELECT count(*)::int FROM evaluation_dataset_records r WHERE r.dataset_id = d.dataset_id) AS record_count`

const num = (v: string | number | null) => (v === null ? null : Number(v))

function toDataset(r: DatasetRow): EvaluationDataset {
  return {
    ...r,
    created_time: num(r.created_time),
    last_update_time: num(r.last_update_time),
    tags: r.tags ?? {},
    experiment_ids: r.experiment_ids.map(String),
  }
}

/** datasets:list — newest update first; of one experiment (its entity_associations) or every one. A store before MLflow 3.4: none. */
export async function listDatasets(store: StoreHandle, req: ParsedRequest<'datasets:list'>): Promise<DatasetsListResponse> {
  if (!store.capabilities.evaluationDatasets) return { datasets: [] }
  const bind: unknown[] = []
  const param = (v: unknown) => (bind.push(v), `$${bind.length}`)
  const where: string[] = []
  if (req.experiment_id != null) {
    if (Number(req.experiment_id) > INT4_MAX) return { datasets: [] }
    where.push(`EXISTS (SELECT 1 FROM entity_associations ea WHERE ea.source_type = '${DATASET_ENTITY}' AND ea.source_id = d.dataset_id
                  AND ea.destination_type = '${EXPERIMENT_ENTITY}' AND ea.destination_id = ${param(req.experiment_id)})`)
  }
  if (req.name) where.push(`d.name ILIKE ${param(likePattern(req.name).contains)}`)
  const rows = await store.select<DatasetRow>(
    `SELECT ${DATASET_COLUMNS} FROM evaluation_datasets d WHERE ${where.length ? where.join(' AND ') : 'TRUE'}
      ORDER BY d.last_update_time DESC NULLS LAST, d.dataset_id LIMIT ${req.max_results}`,
    bind,
  )
  return { datasets: rows.map(toDataset) }
}

/** Records oldest first (as MLflow adds them), then by id. */
const RECORD_ORDER: readonly OrderKey[] = [
  { sql: 'r.created_time', direction: 'ASC', nulls: 'LAST', cast: 'bigint' },
  { sql: 'r.dataset_record_id', direction: 'ASC', nulls: 'LAST', cast: 'text', nullable: false },
]

type RecordRow = Omit<EvaluationDatasetRecord, 'created_time' | 'last_update_time' | 'tags'> & {
  created_time: string | null
  last_update_time: string | null
  tags: Record<string, string> | null
}

/** datasets:get — the dataset and a keyset page of its records. Unknown id, or a store without evaluation datasets: NOT_FOUND. */
export async function getDataset(store: StoreHandle, req: ParsedRequest<'datasets:get'>): Promise<DatasetGetResponse> {
  const notFound = (why: string) => new AppError('NOT_FOUND', `Evaluation dataset '${req.dataset_id}' not found: ${why}`, { field: 'dataset_id' })
  const fingerprint = searchFingerprint({ t: 'dataset_records', d: req.dataset_id })
  const bind: unknown[] = [req.dataset_id]
  const where = ['r.dataset_id = $1']
  const offset = resumeAt(req.page_token, fingerprint, RECORD_ORDER, bind, where)
  if (!store.capabilities.evaluationDatasets) throw notFound(`${store.where} has no evaluation datasets (its schema predates MLflow 3.4).`)
  const [dataset] = await store.select<DatasetRow>(`SELECT ${DATASET_COLUMNS} FROM evaluation_datasets d WHERE d.dataset_id = $1`, [req.dataset_id])
  if (!dataset) throw notFound(`${store.where} has no such dataset.`)
  const outputs = store.capabilities.evaluationDatasetOutputs ? 'r.outputs' : 'NULL::json AS outputs'
  const rows = await store.select<RecordRow>(
    `SELECT r.dataset_record_id, r.inputs, r.expectations, ${outputs}, r.tags, r.source, r.source_type, r.source_id,
            r.created_time, r.last_update_time, r.created_by, r.last_updated_by
       FROM evaluation_dataset_records r
      WHERE ${where.join(' AND ')}
      ORDER BY r.created_time ASC NULLS LAST, r.dataset_record_id ASC
      LIMIT ${req.max_results + 1}${offset ? ` OFFSET ${offset}` : ''}`,
    bind,
  )
  const { page, next_page_token } = pageOf(rows, req.max_results, fingerprint, (r) => [r.created_time, r.dataset_record_id])
  return {
    dataset: toDataset(dataset),
    records: page.map((r) => ({
      ...r,
      tags: r.tags ?? {},
      created_time: Number(r.created_time),
      last_update_time: Number(r.last_update_time),
    })),
    next_page_token,
  }
}
