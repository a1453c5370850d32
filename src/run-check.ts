// The pipeline both entry points call: git (which files, which blobs) -> readers (rows) -> analysis -> gate.
// It returns the report as data; printing, commenting and exit codes belong to the callers.

import { DatasetAnalysis } from './analysis/dataset-analysis.js'
import { LeakageCheck, type EvalIndex } from './analysis/eval-leakage.js'
import { DEFAULT_REALISM_SEED, type RealismSample } from './analysis/realism/realism-sample.js'
import { thresholdsFor } from './config/load-config.js'
import type { Config } from './config/types.js'
import { planConfigured, planDiscovered, type DatasetPlan, type PlannedFile } from './dataset-plan.js'
import { evaluateGate } from './gate/evaluate-gate.js'
import { BlobStore } from './git/blobs.js'
import { changedFiles } from './git/changed-files.js'
import { mergeBase, resolveCommit } from './git/commits.js'
import { lfsMissingMessage, openBlob } from './git/lfs-objects.js'
import { listTree, type TreeListing } from './git/tree.js'
import { readEvalSets, readReference } from './head-sets.js'
import { isNotRowsReason } from './readers/json-array.js'
import { readRows } from './readers/rows.js'
import type { DataFormat, DatasetReport, Finding, Report } from './types.js'
import { VERSION } from './version.js'

/** Findings kept per dataset; the rest are counted, so one broken file cannot flood memory or the report. */
const MAX_FINDINGS_PER_DATASET = 200
/** A progress line every so many rows on long files. */
const PROGRESS_EVERY_ROWS = 250_000
const EMPTY_FILE_MESSAGE = 'holds no rows: the file is empty or has only blank lines'

export interface CheckOptions {
  /** The repository's root folder. */
  repo: string
  /** The revision the change is compared against; the comparison starts at its merge base with `head`. */
  base: string
  head: string
  config: Config
  /** Globs that replace the configured datasets: every changed file they match is a dataset of its own. */
  paths?: string[]
  /** Progress and notes for a human, one line each. */
  log?: (line: string) => void
}

/** What every dataset of a run is checked against, read once at head. */
interface RunContext {
  evalSets: EvalIndex[]
  reference: { name: string; sample: RealismSample } | null
}

class FindingList {
  readonly items: Finding[] = []
  omitted = 0
  add(finding: Finding): void {
    if (this.items.length < MAX_FINDINGS_PER_DATASET) this.items.push(finding)
    else this.omitted++
  }
}

export async function runCheck(options: CheckOptions): Promise<Report> {
  const log = options.log ?? (() => undefined)
  const { repo, config } = options
  const baseSha = await resolveCommit(repo, options.base)
  const headSha = await resolveCommit(repo, options.head)
  const start = (await mergeBase(repo, baseSha, headSha)) ?? baseSha
  if (start !== baseSha) log(`Comparing ${headSha.slice(0, 7)} with its merge base ${start.slice(0, 7)}`)

  const changes = await changedFiles(repo, start, headSha)
  const configured = config.datasets.length > 0 && !(options.paths && options.paths.length > 0)
  const usesHeadSets =
    config.evalSets.length > 0 || (config.realism.reference !== null && config.realism.sampleSize > 0)
  const headTree: TreeListing | null = configured || usesHeadSets ? await listTree(repo, headSha) : null
  const plans =
    configured && headTree
      ? planConfigured(config, changes, { base: await listTree(repo, start), head: headTree })
      : planDiscovered(config, changes, options.paths)
  log(`${changes.length} changed file(s); ${plans.length} dataset(s) to check`)

  const blobs = new BlobStore(repo)
  const datasets: DatasetReport[] = []
  try {
    // Read only when some dataset changed: a pull request that touches no data pays nothing for them.
    const context: RunContext =
      headTree && usesHeadSets && plans.length > 0
        ? {
            evalSets: await readEvalSets(config, headTree, blobs, log),
            reference: await readReference(config, headTree, blobs, log)
          }
        : { evalSets: [], reference: null }
    for (const plan of plans) {
      const report = await analyseDataset(plan, config, context, blobs, log)
      if (report) datasets.push(report)
    }
  } finally {
    await blobs.close()
  }

  const verdict = evaluateGate(datasets, name => thresholdsFor(config, name))
  return {
    tool: { name: 'dataset-guard', version: VERSION },
    base: { ref: options.base, sha: start },
    head: { ref: options.head, sha: headSha },
    datasets,
    verdict,
    parameters: {
      shingleSize: config.patterns.shingleSize,
      jaccard: config.patterns.jaccard,
      bands: config.patterns.bands,
      rowsPerBand: config.patterns.rowsPerBand,
      seed: config.patterns.seed,
      realismSampleSize: config.realism.sampleSize,
      realismSeed: DEFAULT_REALISM_SEED,
      config: config.source ?? '(built-in defaults)'
    }
  }
}

async function analyseDataset(
  plan: DatasetPlan,
  config: Config,
  context: RunContext,
  blobs: BlobStore,
  log: (line: string) => void
): Promise<DatasetReport | null> {
  const analysis = new DatasetAnalysis(config.patterns, {
    sampleSize: config.realism.sampleSize,
    reference: context.reference
  })
  const leakage = context.evalSets.length > 0 ? new LeakageCheck(context.evalSets) : null
  const findings = new FindingList()
  for (const skipped of plan.skipped) {
    findings.add({ kind: 'skipped-file', file: skipped.path, message: skipped.reason, side: 'head' })
  }
  let notRows = 0
  for (const side of ['base', 'head'] as const) {
    for (const file of plan[side]) {
      analysis.addFile(side, file.path)
      const read = await readFile(file, side, plan, analysis, leakage, findings, blobs, log)
      if (read === 'not-rows') notRows++
    }
  }
  // A changed `.json` file found without configuration that is well-formed JSON holding no rows at all (a
  // settings file, a manifest) is not a dataset: leave it out rather than report it as broken. A broken one (a
  // syntax error, binary, cut off) is reported: it may be a dataset, and skipping it would pass the gate.
  const files = plan.base.length + plan.head.length
  if (plan.discovered && plan.head[0]?.format === 'json' && notRows === files) {
    log(`${plan.name}: not a dataset (no rows), skipped`)
    return null
  }

  const result = analysis.finish({ base: plan.base.length > 0, head: plan.head.length > 0 })
  const formats = new Set<DataFormat>([...plan.base, ...plan.head].map(f => f.format))
  return {
    name: plan.name,
    status: plan.status,
    format: formats.size === 1 ? ([...formats][0] as DataFormat) : 'mixed',
    base: result.base,
    head: result.head,
    change: result.change,
    findings: findings.items,
    findingsOmitted: findings.omitted,
    realism: result.realism,
    leakage: leakage?.result() ?? null
  }
}

/**
 * Streams one file's rows into the analysis. Says whether the file gave rows (or nothing at all: `read`), could
 * not be read (`unreadable`), or is well-formed JSON that holds no rows (`not-rows`).
 */
async function readFile(
  file: PlannedFile,
  side: 'base' | 'head',
  plan: DatasetPlan,
  analysis: DatasetAnalysis,
  leakage: LeakageCheck | null,
  findings: FindingList,
  blobs: BlobStore,
  log: (line: string) => void
): Promise<'read' | 'unreadable' | 'not-rows'> {
  const content = await openBlob(blobs, file.blob)
  if (content.kind === 'lfs-missing') {
    findings.add({ kind: 'lfs-pointer', file: file.path, side, message: lfsMissingMessage(content.pointer) })
    // Data the check never read must not pass the gate: the file counts as an unparseable row, like any
    // other file that cannot be read.
    analysis.addInvalid(side)
    return 'unreadable'
  }
  const lfs = content.lfsOid ? ` (Git LFS object ${content.lfsOid.slice(0, 12)})` : ''
  log(`reading ${side} ${file.path}${lfs}`)
  let rows = 0
  let items = 0
  let read: 'read' | 'unreadable' | 'not-rows' = 'read'
  for await (const item of readRows(content.source, {
    file: file.path,
    format: file.format,
    fields: plan.fields,
    provenance: plan.provenance
  })) {
    if (item.kind === 'row') {
      if (side === 'base') analysis.addBase(item.row)
      else {
        const added = analysis.addHead(item.row)
        if (added && leakage) leakage.check(item.row, added, added.ordinal)
      }
      if (++rows % PROGRESS_EVERY_ROWS === 0) log(`  ${file.path}: ${rows.toLocaleString('en-US')} rows`)
    } else if (item.fatal) {
      if (rows === 0) read = isNotRowsReason(item.reason) ? 'not-rows' : 'unreadable'
      // What could not be read counts as (at least) one unparseable row, so the gate's rule on them fails: a
      // binary or corrupt file must not pass a check that the same file with one bad line would fail.
      analysis.addInvalid(side)
      findings.add({ kind: 'invalid-file', file: file.path, side, message: item.reason })
    } else {
      analysis.addInvalid(side)
      findings.add({ kind: 'invalid-row', file: file.path, line: item.line, side, message: item.reason })
    }
    items++
  }
  // Nothing to parse is not an error, but a dataset file with no rows deserves a line in the report.
  if (items === 0) {
    findings.add({ kind: 'skipped-file', file: file.path, side, message: EMPTY_FILE_MESSAGE })
  }
  return read
}
