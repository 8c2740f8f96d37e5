import { describe, expect, it } from 'vitest'
import type { ExportProgress } from '@shared/domain/exports'
import {
  defaultExportName,
  experimentTarget,
  filesText,
  folderName,
  modelTarget,
  phaseLabel,
  runTarget,
  runsTarget,
  slugify,
  tracesTarget,
} from '@/utils/exportTarget'
// The folder name's rules are the contract's (zod): the dialog reads them from there, keeping zod out of the shell's chunk.
import { exportNameProblem } from '@shared/api/exportSchemas'

const at = new Date(2024, 2, 7, 9, 5)
const p: ExportProgress = {
  phase: 'artifacts',
  files_done: 12,
  files_total: 40,
  bytes_done: 10,
  bytes_total: 100,
  listing_done: true,
  rate: 5,
  eta_seconds: 18,
}

describe('export targets and folder names', () => {
  it("exports an experiment's traces: all of them, or the Traces tab's filter matches", () => {
    expect(tracesTarget('1', 'support', '  ')).toEqual({
      selection: { kind: 'trace_search', experiment_id: '1', filter: '' },
      label: 'every trace of “support”',
      slug: 'support-traces',
    })
    const t = tracesTarget('1', 'support', "trace.status = 'ERROR'")
    expect(t.selection).toEqual({ kind: 'trace_search', experiment_id: '1', filter: "trace.status = 'ERROR'" })
    expect(t.label).toBe("the traces of “support” matching trace.status = 'ERROR'")
    expect(defaultExportName(t, at)).toBe('mlflow-export-support-traces-20240307-0905')
  })

  it('names the default folder after the experiment or model, with the local date and time', () => {
    expect(defaultExportName(experimentTarget('3', 'Churn Model (v2)'), at)).toBe('mlflow-export-churn-model-v2-20240307-0905')
    expect(defaultExportName(modelTarget('churn-classifier', '4'), at)).toBe('mlflow-export-churn-classifier-v4-20240307-0905')
    expect(defaultExportName(runsTarget(['a'.repeat(32), 'b'.repeat(32)], 'Forecasting'), at)).toBe('mlflow-export-forecasting-20240307-0905')
    expect(defaultExportName(runsTarget(['a'.repeat(32), 'b'.repeat(32)]), at)).toBe('mlflow-export-runs-20240307-0905')
  })

  it('every default name is one main accepts', () => {
    for (const name of ['../../etc', '.hidden', 'a/b\\c', 'Ünïcödé  ✓', '***', 'x'.repeat(500)]) {
      const n = defaultExportName({ slug: name }, at)
      expect(exportNameProblem(n), n).toBeNull()
    }
    expect(slugify('***')).toBe('export')
    expect(slugify('a..b')).toBe('a.b')
  })

  it('says what is exported, as the contract takes it', () => {
    expect(runsTarget(['r1', 'r2', 'r3']).selection).toEqual({ kind: 'runs', run_ids: ['r1', 'r2', 'r3'] })
    expect(runsTarget(['r1', 'r2', 'r3']).label).toBe('3 runs')
    expect(runTarget('abc', 'my-run').label).toBe('run “my-run”')
    expect(experimentTarget('7', 'x').selection).toEqual({ kind: 'experiment', experiment_id: '7' })
    expect(modelTarget('m', '2').selection).toEqual({ kind: 'model', model: 'm/2' })
    expect(modelTarget('m').selection).toEqual({ kind: 'model', model: 'm' })
  })

  it('refuses what is not a plain folder name, saying why', () => {
    expect(exportNameProblem('  ')).toMatch(/name/)
    expect(exportNameProblem('a/b')).toMatch(/\//)
    expect(exportNameProblem('..x')).not.toBeNull()
    expect(exportNameProblem('.x')).toMatch(/dot/)
    expect(exportNameProblem('a:b')).toMatch(/:/)
    expect(exportNameProblem('x'.repeat(201))).toMatch(/200/)
    expect(exportNameProblem('mlflow-export (2)')).toBeNull()
  })

  it('takes the folder name from a path main reports', () => {
    expect(folderName('/home/me/.config/app/exports/mlflow-export-x (2)')).toBe('mlflow-export-x (2)')
    expect(folderName('C:\\Users\\me\\exports\\e1\\')).toBe('e1')
  })
})

describe('export progress in words', () => {
  it('names the phase, and says listing while the total still grows', () => {
    expect(phaseLabel(null)).toBe('Starting…')
    expect(phaseLabel({ ...p, phase: 'metadata' })).toBe('Writing run metadata')
    expect(phaseLabel(p)).toBe('Downloading artifacts')
    expect(phaseLabel({ ...p, listing_done: false })).toBe('Downloading artifacts · listing…')
    expect(phaseLabel({ ...p, phase: 'zip' })).toBe('Writing the zip')
  })

  it('counts files done of the total', () => {
    expect(filesText(p)).toBe('12 of 40 files')
    expect(filesText({ ...p, files_done: 1, files_total: 1 })).toBe('1 of 1 file')
    expect(filesText({ ...p, listing_done: false, files_total: 1200 })).toBe('12 of 1,200+ files (listing…)')
  })
})
