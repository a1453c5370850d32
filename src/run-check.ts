// The pipeline both entry points call: git (which files, which blobs) -> readers (rows) -> analysis -> gate.
// It returns the report as data; printing, commenting and exit codes belong to the callers.

import { createHash } from 'node:crypto'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import {
  DatasetAnalysis,
  WHOLE,
  validateShard,
  type AnalysisState,
  type Shard
} from './analysis/dataset-analysis.js'
import { LeakageCheck, type EvalIndex } from './analysis/eval-leakage.js'
import { realismOfJob } from './analysis/realism/dataset-realism.js'
import { DEFAULT_REALISM_SEED, type RealismSample } from './analysis/realism/realism-sample.js'
import { thresholdsFor } from './config/load-config.js'
import type { Config } from './config/types.js'
import { planConfigured, planDiscovered, type DatasetPlan, type PlannedFile } from './dataset-plan.js'
import { fillExampleTexts, type DatasetSources } from './example-texts.js'
import { evaluateGate } from './gate/evaluate-gate.js'
import { BlobStore } from './git/blobs.js'
import { changedFiles } from './git/changed-files.js'
import { mergeBase, resolveCommit } from './git/commits.js'
import { lfsMissingMessage } from './git/lfs-objects.js'
import { listTree, type TreeListing } from './git/tree.js'
import { readEvalSets, readReference } from './head-sets.js'
import { isNotRowsReason } from './readers/json-array.js'
import { readBatchesOnThisThread, RowThread, type FileJob } from './readers/row-stream.js'
import { readStateFile, writeStateFile } from './state/state-file.js'
import type { DataFormat, DatasetRealism, DatasetReport, DatasetStatus, Finding, Report } from './types.js'
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
  /**
   * A folder where the analysis of each dataset's base side is saved, by a hash of its blobs and settings, and
   * loaded on the next run instead of reading the base again (a folder `actions/cache` can keep).
   */
  cacheDir?: string
}

/** What every dataset of a run is checked against, read once at head. */
export interface RunContext {
  evalSets: EvalIndex[]
  reference: { name: string; sample: RealismSample } | null
}

/** Findings of one phase of a dataset (skipped files, base, head): the first ones kept, the rest counted. */
class FindingList {
  constructor(
    readonly items: Finding[] = [],
    public total = 0
  ) {}
  add(finding: Finding): void {
    if (this.items.length < MAX_FINDINGS_PER_DATASET) this.items.push(finding)
    this.total++
  }
}

/** The phases' findings in order, capped as one list would be. */
function combineFindings(lists: FindingList[]): { items: Finding[]; omitted: number } {
  const items = lists.flatMap(list => list.items).slice(0, MAX_FINDINGS_PER_DATASET)
  const total = lists.reduce((sum, list) => sum + list.total, 0)
  return { items, omitted: total - items.length }
}

/** One dataset's analysis before its metrics are computed: what a shard writes and a merge combines. */
export interface DatasetPartial {
  name: string
  status: DatasetStatus
  format: DatasetReport['format']
  present: { base: boolean; head: boolean }
  /** A discovered JSON file holding no rows: not a dataset, left out of the report. */
  notADataset: boolean
  findings: Finding[]
  findingsOmitted: number
  /** The files the rows were read from. */
  sources: DatasetSources
  analysis: DatasetAnalysis
  leakage: LeakageCheck | null
  /**
   * The realism report, when it is computed on the reading thread while the main thread finishes the analysis
   * (an unsharded check); the analysis then has no samples left.
   */
  realismAside?: Promise<DatasetRealism | null>
}

/** A run's analyses before their metrics: the whole run, or one shard of it. */
export interface RunPartial {
  base: { ref: string; sha: string }
  head: { ref: string; sha: string }
  shard: Shard
  /** The realism reference the run compared synthetic rows with, if any. */
  reference: RunContext['reference']
  datasets: DatasetPartial[]
}

/** The whole pipeline: every dataset the change touches, analysed, measured and judged. */
export async function runCheck(options: CheckOptions): Promise<Report> {
  const partial = await analyseRun(options, WHOLE, { realismAside: true })
  const report = await reportOf([partial], options.config)
  // An unsharded analysis keeps where its examples are, not their texts: the few shown are read back here.
  const sources = new Map(partial.datasets.map(d => [d.name, d.sources]))
  const blobs = new BlobStore(options.repo)
  try {
    for (const dataset of report.datasets) {
      const source = sources.get(dataset.name)
      if (source) await fillExampleTexts(dataset, source, blobs)
    }
  } finally {
    await blobs.close()
  }
  return report
}

/**
 * One shard of a run: every row is read, but only the rows whose content hash falls in the shard are analysed.
 * `reportOf` the partials of all shards gives exactly the report of `runCheck`.
 */
export async function analyseRun(
  options: CheckOptions,
  shard: Shard,
  { realismAside = false }: { realismAside?: boolean } = {}
): Promise<RunPartial> {
  validateShard(shard)
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
  if (shard.count > 1)
    log(`shard ${shard.index + 1} of ${shard.count}: analysing its share of every dataset's rows`)

  const blobs = new BlobStore(repo)
  // Rows are parsed and digested on a reading thread when one can run (see readers/row-stream.ts).
  const thread = plans.length > 0 ? RowThread.start(repo) : null
  const reading: Reading = {
    blobs,
    thread,
    realismAside: realismAside && shard.count === 1 && thread !== null
  }
  const datasets: DatasetPartial[] = []
  const cache: BaseCache | null = options.cacheDir ? { dir: options.cacheDir, used: new Set() } : null
  let context: RunContext = { evalSets: [], reference: null }
  try {
    // Read only when some dataset changed: a pull request that touches no data pays nothing for them.
    context =
      headTree && usesHeadSets && plans.length > 0
        ? {
            evalSets: await readEvalSets(config, headTree, blobs, log),
            reference: await readReference(config, headTree, blobs, log)
          }
        : { evalSets: [], reference: null }
    for (const plan of plans) {
      datasets.push(await analyseDataset(plan, config, context, reading, shard, cache, log))
    }
  } finally {
    await reading.thread?.close()
    await blobs.close()
  }
  if (cache) await pruneCache(cache, shard, log)
  return {
    base: { ref: options.base, sha: start },
    head: { ref: options.head, sha: headSha },
    shard,
    reference: context.reference,
    datasets
  }
}

/** The report of a run from the partials of all its shards (one, for an unsharded run). */
export async function reportOf(partials: RunPartial[], config: Config): Promise<Report> {
  const merge = new PartialMerge()
  for (const partial of partials) merge.add(partial)
  return merge.report(config)
}

/**
 * The partials of a run's shards combined as they come: each is folded into the first and can then be let go,
 * so a merge holds the combined analysis and one partial, not every shard's at once.
 */
export class PartialMerge {
  private first: RunPartial | null = null
  private readonly indexes = new Set<number>()

  add(partial: RunPartial): void {
    const first = this.first
    if (first === null) {
      this.first = partial
      this.indexes.add(partial.shard.index)
      return
    }
    if (partial.shard.count !== first.shard.count || this.indexes.has(partial.shard.index)) {
      throw new Error('the partial results are not distinct shards of one run')
    }
    const same =
      partial.base.sha === first.base.sha &&
      partial.head.sha === first.head.sha &&
      partial.datasets.map(d => d.name).join('\n') === first.datasets.map(d => d.name).join('\n')
    if (!same) throw new Error('the partial results come from different commits or datasets')
    first.datasets.forEach((dataset, i) => {
      const part = partial.datasets[i] as DatasetPartial
      dataset.analysis.mergeFrom(part.analysis)
      if (dataset.leakage && part.leakage) dataset.leakage.mergeFrom(part.leakage)
    })
    this.indexes.add(partial.shard.index)
  }

  /** The run's report; every shard must have been added. */
  async report(config: Config): Promise<Report> {
    const first = this.first
    if (!first) throw new Error('no partial results to report on')
    const count = first.shard.count
    if (this.indexes.size !== count) {
      const missing = Array.from({ length: count }, (_, i) => i).filter(i => !this.indexes.has(i))
      throw new Error(`shard(s) ${missing.map(i => `${i + 1}/${count}`).join(', ')} missing: cannot report`)
    }
    const datasets: DatasetReport[] = []
    // Realism computed on the reading thread meanwhile: each answer is awaited once every analysis is finished.
    const aside: [DatasetReport, Promise<DatasetRealism | null>][] = []
    for (const dataset of first.datasets) {
      if (dataset.notADataset) continue
      const result = dataset.analysis.finish(dataset.present)
      const report: DatasetReport = {
        name: dataset.name,
        status: dataset.status,
        format: dataset.format,
        base: result.base,
        head: result.head,
        change: result.change,
        findings: dataset.findings,
        findingsOmitted: dataset.findingsOmitted,
        realism: result.realism,
        leakage: dataset.leakage?.result() ?? null
      }
      datasets.push(report)
      if (dataset.realismAside) aside.push([report, dataset.realismAside])
    }
    for (const [report, realism] of aside) report.realism = await realism
    const verdict = evaluateGate(datasets, name => thresholdsFor(config, name))
    return {
      tool: { name: 'dataset-guard', version: VERSION },
      base: first.base,
      head: first.head,
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
}

async function analyseDataset(
  plan: DatasetPlan,
  config: Config,
  context: RunContext,
  reading: Reading,
  shard: Shard,
  cache: BaseCache | null,
  log: (line: string) => void
): Promise<DatasetPartial> {
  // The reading thread starts each dataset afresh; it measures distinct-2 when this shard is the one that does.
  const stream: DatasetStream = { reading, shard, newDataset: true, distinct2: false }
  const handOver = (analysis: DatasetAnalysis): void => {
    if (reading.thread) stream.distinct2 = analysis.measuresDistinct2Elsewhere()
  }
  const realism = { sampleSize: config.realism.sampleSize, reference: context.reference }
  const leakage = context.evalSets.length > 0 ? new LeakageCheck(context.evalSets) : null
  const skipped = new FindingList()
  for (const file of plan.skipped) {
    skipped.add({ kind: 'skipped-file', file: file.path, message: file.reason, side: 'head' })
  }
  const cacheFile =
    cache && plan.base.length > 0
      ? join(cache.dir, `${cachePrefix(shard)}${baseKey(plan, config, shard)}.state`)
      : null
  if (cacheFile) cache?.used.add(cacheFile)
  let base = cacheFile ? await loadBase(cacheFile, config, realism, log) : null
  if (base) {
    log(`${plan.name}: base analysis loaded from the cache (${plan.base.length} file(s) not read)`)
  } else {
    const analysis = new DatasetAnalysis(config.patterns, realism, shard)
    handOver(analysis)
    const findings = new FindingList()
    let notRows = 0
    for (const file of plan.base) {
      analysis.addFile('base', file.path)
      if ((await readFile(file, 'base', plan, analysis, null, findings, stream, log)) === 'not-rows')
        notRows++
    }
    base = { analysis, findings, notRows }
    if (cacheFile) await saveBase(cacheFile, base, log)
  }
  const { analysis } = base
  handOver(analysis)
  const findings = new FindingList()
  let notRows = base.notRows
  for (const file of plan.head) {
    analysis.addFile('head', file.path)
    if ((await readFile(file, 'head', plan, analysis, leakage, findings, stream, log)) === 'not-rows')
      notRows++
  }
  // A changed `.json` file found without configuration that is well-formed JSON holding no rows at all (a
  // settings file, a manifest) is not a dataset: leave it out rather than report it as broken. A broken one (a
  // syntax error, binary, cut off) is reported: it may be a dataset, and skipping it would pass the gate.
  const files = plan.base.length + plan.head.length
  const notADataset = plan.discovered && plan.head[0]?.format === 'json' && notRows === files
  if (notADataset) log(`${plan.name}: not a dataset (no rows), skipped`)
  const formats = new Set<DataFormat>([...plan.base, ...plan.head].map(f => f.format))
  const combined = combineFindings([skipped, base.findings, findings])
  return {
    name: plan.name,
    status: plan.status,
    format: formats.size === 1 ? ([...formats][0] as DataFormat) : 'mixed',
    present: { base: plan.base.length > 0, head: plan.head.length > 0 },
    notADataset,
    findings: combined.items,
    findingsOmitted: combined.omitted,
    sources: { fields: plan.fields, base: plan.base, head: plan.head },
    analysis,
    leakage,
    realismAside:
      reading.realismAside && !notADataset ? realismOnThread(analysis, reading.thread!) : undefined
  }
}

/**
 * Hands the dataset's realism comparison to the reading thread, now idle, to run while the main thread
 * clusters; if the thread fails, the comparison runs here.
 */
export function realismOnThread(
  analysis: DatasetAnalysis,
  thread: Pick<RowThread, 'realism'>
): Promise<DatasetRealism | null> | undefined {
  const job = analysis.takeRealismJob()
  if (job === null) return undefined
  return thread.realism(job).catch(() => realismOfJob(job))
}

/** The base cache of a run: its folder, and the files this run loaded or saved. */
interface BaseCache {
  dir: string
  used: Set<string>
}

/** Cache files are named by shard, so shards sharing a folder keep each other's files. */
function cachePrefix(shard: Shard): string {
  return `base-${shard.index + 1}of${shard.count}-`
}

/**
 * Deletes this shard's cache files that the run neither loaded nor saved: the folder holds the base analyses
 * of the last run, instead of growing with every base it has seen (actions/cache restores and saves the whole
 * folder each time).
 */
async function pruneCache(cache: BaseCache, shard: Shard, log: (line: string) => void): Promise<void> {
  const prefix = cachePrefix(shard)
  const names = await readdir(cache.dir).catch(() => [] as string[])
  const stale = names
    .filter(name => name.startsWith(prefix) && name.endsWith('.state'))
    .map(name => join(cache.dir, name))
    .filter(path => !cache.used.has(path))
  for (const path of stale) await rm(path, { force: true })
  if (stale.length > 0) log(`cache: removed ${stale.length} analysis file(s) of earlier bases`)
}

interface BaseSide {
  analysis: DatasetAnalysis
  findings: FindingList
  notRows: number
}

/** Everything the base side's analysis depends on: its blobs, how rows are read, and the analysis settings. */
function baseKey(plan: DatasetPlan, config: Config, shard: Shard): string {
  const inputs = {
    tool: VERSION,
    files: plan.base.map(f => [f.path, f.blob, f.format]),
    discovered: plan.discovered,
    fields: plan.fields ?? null,
    provenance: plan.provenance ?? null,
    patterns: config.patterns,
    sampleSize: config.realism.sampleSize,
    shard
  }
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex')
}

async function loadBase(
  file: string,
  config: Config,
  realism: { sampleSize: number; reference: RunContext['reference'] },
  log: (line: string) => void
): Promise<BaseSide | null> {
  let sections
  try {
    sections = await readStateFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log(`cache: ${(error as Error).message}; reading the base`)
    return null
  }
  try {
    const json = sections.json as {
      analysis: AnalysisState['json']
      findings: Finding[]
      total: number
      notRows: number
    }
    const analysis = DatasetAnalysis.fromState(
      { json: json.analysis, numbers: sections.numbers, strings: sections.strings },
      config.patterns,
      realism
    )
    return { analysis, findings: new FindingList(json.findings, json.total), notRows: json.notRows }
  } catch (error) {
    log(`cache: ${file}: ${(error as Error).message}; reading the base`)
    return null
  }
}

async function saveBase(file: string, base: BaseSide, log: (line: string) => void): Promise<void> {
  const state = base.analysis.toState(false)
  try {
    await writeStateFile(file, {
      json: {
        analysis: state.json,
        findings: base.findings.items,
        total: base.findings.total,
        notRows: base.notRows
      },
      numbers: state.numbers,
      strings: state.strings
    })
  } catch (error) {
    // A cache that cannot be written costs the next run time, never this run its report.
    log(`cache: could not save ${file}: ${(error as Error).message}`)
  }
}

/** Where a run reads blobs: this thread's blob store, and the reading thread when there is one. */
interface Reading {
  blobs: BlobStore
  thread: RowThread | null
  /** Whether each dataset's realism comparison is handed to the thread once its rows are read. */
  realismAside: boolean
}

/** How one dataset's files are read: the shared reading, and what the reading thread is told per file. */
interface DatasetStream {
  reading: Reading
  shard: Shard
  /** True until the first file of the dataset is read. */
  newDataset: boolean
  distinct2: boolean
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
  stream: DatasetStream,
  log: (line: string) => void
): Promise<'read' | 'unreadable' | 'not-rows'> {
  const job: FileJob = {
    blob: file.blob,
    path: file.path,
    format: file.format,
    fields: plan.fields,
    provenance: plan.provenance,
    side,
    shard: stream.shard,
    newDataset: stream.newDataset,
    distinct2: stream.distinct2
  }
  stream.newDataset = false
  const { thread, blobs } = stream.reading
  let rows = 0
  let items = 0
  let read: 'read' | 'unreadable' | 'not-rows' = 'read'
  for await (const batch of thread ? thread.read(job) : readBatchesOnThisThread(blobs, job)) {
    for (const item of batch) {
      if (item.kind === 'row') {
        try {
          if (side === 'base') analysis.addBase(item.row, item.digest)
          else {
            const added = analysis.addHead(item.row, item.digest)
            if (added && leakage) leakage.check(item.row, added, added.ordinal)
          }
        } catch (error) {
          // A fault of the analysis, not of the row (a row that cannot be read is a finding): the counts may be
          // half updated, so the check stops, but it says which row to look at.
          throw new Error(
            `${file.path}:${item.row.line} (${side}): the analysis failed on this row: ${error instanceof Error ? error.message : String(error)}. ` +
              'This is a bug in dataset-guard; please report it, with the row if you can share it.',
            { cause: error }
          )
        }
        if (++rows % PROGRESS_EVERY_ROWS === 0) log(`  ${file.path}: ${rows.toLocaleString('en-US')} rows`)
      } else if (item.kind === 'error') {
        if (item.fatal) {
          if (rows === 0) read = isNotRowsReason(item.reason) ? 'not-rows' : 'unreadable'
          // What could not be read counts as (at least) one unparseable row, so the gate's rule on them fails: a
          // binary or corrupt file must not pass a check that the same file with one bad line would fail.
          analysis.addInvalid(side)
          findings.add({ kind: 'invalid-file', file: file.path, side, message: item.reason })
        } else {
          analysis.addInvalid(side)
          findings.add({ kind: 'invalid-row', file: file.path, line: item.line, side, message: item.reason })
        }
      } else if (item.kind === 'opened') {
        const lfs = item.lfsOid ? ` (Git LFS object ${item.lfsOid.slice(0, 12)})` : ''
        log(`reading ${side} ${file.path}${lfs}`)
        continue
      } else if (item.kind === 'end') {
        if (item.distinct2 !== undefined) analysis.setDistinct2(side, item.distinct2)
        continue
      } else {
        findings.add({ kind: 'lfs-pointer', file: file.path, side, message: lfsMissingMessage(item.pointer) })
        // Data the check never read must not pass the gate: the file counts as an unparseable row, like any
        // other file that cannot be read.
        analysis.addInvalid(side)
        return 'unreadable'
      }
      items++
    }
  }
  // Nothing to parse is not an error, but a dataset file with no rows deserves a line in the report.
  if (items === 0) {
    findings.add({ kind: 'skipped-file', file: file.path, side, message: EMPTY_FILE_MESSAGE })
  }
  return read
}
