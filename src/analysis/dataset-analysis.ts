// One dataset, both commits: rows stream through `addBase` and then `addHead`, and `finish` turns the counts into
// metrics. Nothing here keeps a row's text beyond a short example snippet; memory grows with the number of
// distinct keys, not with the number of rows or bytes read.

import type { PatternParameters } from '../config/types.js'
import type {
  CascadeCounts,
  ChangeMetrics,
  DatasetRealism,
  Mix,
  PatternSummary,
  Provenance,
  Row,
  RowRef,
  SideMetrics
} from '../types.js'
import { CompressionMeter, DistinctN } from './diversity.js'
import type { AddedRowKeys } from './eval-leakage.js'
import { hash53 } from './hash.js'
import { effectiveCount } from './pattern-stats.js'
import { clusterPatterns } from './patterns.js'
import { ProperNounEvidence } from './proper-nouns.js'
import { PendingRow, REALISM_SAMPLE_CAP, RealismSample, compareSamples } from './realism/realism-sample.js'
import type { RealismComparison } from './realism/types.js'
import { canonicalKeyOfNormalised, normalisedKey, templateScan } from './text-keys.js'

/** Example rows kept per template key and side: enough to show a pattern, small enough to keep for every key. */
const EXAMPLES_PER_KEY = 3
/** Example rows shown per pattern in the report. */
const EXAMPLES_PER_PATTERN = 3
/** Largest patterns listed per side and for the added rows. */
const LARGEST_PATTERNS = 5
/** Characters of a row's input kept as an example snippet. */
const SNIPPET_LENGTH = 160
/** Added rows duplicating existing data that are listed by location. */
const DUPLICATE_EXAMPLES = 10

type Side = 'base' | 'head'
const PROVENANCE_INDEX: Record<Provenance, 0 | 1 | 2> = { real: 0, synthetic: 1, unknown: 2 }

/** A compact list of examples: file indices, lines and snippets in parallel arrays. */
interface Examples {
  files: number[]
  lines: number[]
  texts: string[]
}

/** Counts for one distinct (unresolved) template key. */
interface KeyStats {
  /** The key as scanned, sentence-start words still marked. */
  key: string
  /** Rows per side, by provenance index (real, synthetic, unknown). */
  base: [number, number, number]
  head: [number, number, number]
  added: [number, number, number]
  baseExamples: Examples | null
  headExamples: Examples | null
  addedExamples: Examples | null
}

interface SideState {
  rows: number
  invalidRows: number
  files: Set<string>
  exact: Set<number>
  normalised: Set<number>
  canonical: Set<number>
  provenance: [number, number, number]
  compression: CompressionMeter
  distinct2: DistinctN
}

function newSide(): SideState {
  return {
    rows: 0,
    invalidRows: 0,
    files: new Set(),
    exact: new Set(),
    normalised: new Set(),
    canonical: new Set(),
    provenance: [0, 0, 0],
    compression: new CompressionMeter(),
    distinct2: new DistinctN(2)
  }
}

function pushExample(list: Examples | null, file: number, line: number, text: string): Examples {
  const target = list ?? { files: [], lines: [], texts: [] }
  if (target.files.length < EXAMPLES_PER_KEY) {
    target.files.push(file)
    target.lines.push(line)
    target.texts.push(snippet(text))
  }
  return target
}

function snippet(text: string): string {
  const points = Array.from(text.trim())
  return points.length <= SNIPPET_LENGTH ? points.join('') : `${points.slice(0, SNIPPET_LENGTH).join('')}…`
}

function sum3(counts: readonly number[]): number {
  return (counts[0] ?? 0) + (counts[1] ?? 0) + (counts[2] ?? 0)
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null
}

export function mixOf(counts: readonly number[]): Mix {
  const [real = 0, synthetic = 0, unknown = 0] = counts
  const rows = real + synthetic + unknown
  return {
    real,
    synthetic,
    unknown,
    realFraction: ratio(real, real + synthetic),
    unknownFraction: ratio(unknown, rows)
  }
}

/** Side labels of the realism comparisons; they open the gap sentences ("real inputs: 9% have a likely typo"). */
const REAL_VS_SYNTHETIC = { a: 'real', b: 'synthetic' }
const REFERENCE_VS_SYNTHETIC = { a: 'reference', b: 'synthetic' }
const EXISTING_VS_ADDED = { a: 'existing', b: 'added' }

/** One pattern after clustering, with its counts on each side. */
interface PatternTotals {
  base: number
  head: number
  added: number
  baseSynthetic: number
  headSynthetic: number
  /** Indices into the resolved key list, in first-seen order. */
  keys: number[]
}

export interface DatasetAnalysisResult {
  base: SideMetrics | null
  head: SideMetrics | null
  change: ChangeMetrics
  realism: DatasetRealism | null
}

export interface RealismOptions {
  /** Rows sampled per side of each comparison; 0 switches the realism report off. */
  sampleSize: number
  /** Real rows the synthetic rows are compared with when the dataset has no real rows at head. */
  reference: { name: string; sample: RealismSample } | null
  /** Seed of the classifier's folds; fixed by default. */
  seed?: number
}

/** The four samples of head rows the realism report compares: by provenance, and added against unchanged. */
interface RealismSamples {
  real: RealismSample
  synthetic: RealismSample
  existing: RealismSample
  added: RealismSample
}

export class DatasetAnalysis {
  private readonly keys = new Map<string, KeyStats>()
  /** The template key's counts for each canonical text (by hash), so a canonical class has one key. */
  private readonly byCanonical = new Map<number, KeyStats>()
  private readonly evidence = new ProperNounEvidence()
  private readonly sides: Record<Side, SideState> = { base: newSide(), head: newSide() }
  private readonly fileNames: string[] = []
  private readonly fileIndex = new Map<string, number>()
  /** Base rows by content hash: how many are not yet matched by a head row, and their input hash. */
  private readonly baseContent = new Map<number, { count: number; input: number }>()
  /** Added rows by exact input hash, to pair them with removed rows of the same input ("changed"). */
  private readonly addedInputs = new Map<number, number>()
  private added = 0
  private unchanged = 0
  private duplicateCandidates = 0
  private readonly duplicateExamples: RowRef[] = []
  private readonly addedProvenance: [number, number, number] = [0, 0, 0]
  private headStarted = false
  private readonly samples: RealismSamples | null

  constructor(
    private readonly parameters: PatternParameters,
    private readonly realism: RealismOptions = { sampleSize: REALISM_SAMPLE_CAP, reference: null }
  ) {
    const cap = realism.sampleSize
    this.samples =
      cap > 0
        ? {
            real: new RealismSample(cap),
            synthetic: new RealismSample(cap),
            existing: new RealismSample(cap),
            added: new RealismSample(cap)
          }
        : null
  }

  /** Records a file as part of a side even when it yields no rows. */
  addFile(side: Side, file: string): void {
    this.sides[side].files.add(file)
  }

  addInvalid(side: Side): void {
    this.sides[side].invalidRows++
  }

  addBase(row: Row): void {
    if (this.headStarted) throw new Error('base rows must all be added before head rows')
    const { exactInput } = this.observe('base', row)
    const content = hash53(row.content)
    const entry = this.baseContent.get(content)
    if (entry) entry.count++
    else this.baseContent.set(content, { count: 1, input: exactInput })
  }

  /**
   * Counts a head row. Returns what was computed for it when the row is added (its content matches no base row
   * left unmatched), for checks on added rows such as eval-set leakage; null when it is unchanged.
   */
  addHead(row: Row): AddedRowKeys | null {
    this.headStarted = true
    const { exactInput, normalisedInput, stats, file } = this.observe('head', row)
    const content = hash53(row.content)
    const entry = this.baseContent.get(content)
    const unchanged = entry !== undefined && entry.count > 0
    if (this.samples) this.sample(this.samples, row, content, unchanged)
    if (unchanged) {
      entry.count--
      this.unchanged++
      return null
    }
    this.added++
    const p = PROVENANCE_INDEX[row.provenance]
    this.addedProvenance[p]++
    stats.added[p]++
    stats.addedExamples = pushExample(stats.addedExamples, file, row.line, row.input)
    this.addedInputs.set(exactInput, (this.addedInputs.get(exactInput) ?? 0) + 1)
    if (this.sides.base.normalised.has(normalisedInput)) {
      this.duplicateCandidates++
      if (this.duplicateExamples.length < DUPLICATE_EXAMPLES) {
        this.duplicateExamples.push({ file: row.file, line: row.line })
      }
    }
    return { exactInput, normalisedInput, templateKey: stats.key }
  }

  /**
   * Offers a head row to the samples it belongs to. The samples keep the rows with the smallest content hash,
   * so most rows of a large dataset are turned away by one comparison; a row some sample takes is wrapped once,
   * and its features are computed at most once however many samples hold it.
   */
  private sample(samples: RealismSamples, row: Row, key: number, unchanged: boolean): void {
    let pending: PendingRow | undefined
    const make = (): PendingRow => (pending ??= new PendingRow(row, key, row.input, row.output))
    if (row.provenance === 'real') samples.real.offer(row, key, make)
    else if (row.provenance === 'synthetic') samples.synthetic.offer(row, key, make)
    ;(unchanged ? samples.existing : samples.added).offer(row, key, make)
  }

  private observe(side: Side, row: Row) {
    const state = this.sides[side]
    state.rows++
    state.files.add(row.file)
    const p = PROVENANCE_INDEX[row.provenance]
    state.provenance[p]++
    const exactInput = hash53(row.input)
    const normalised = normalisedKey(row.input)
    const normalisedInput = hash53(normalised)
    const canonical = hash53(canonicalKeyOfNormalised(normalised))
    state.exact.add(exactInput)
    state.normalised.add(normalisedInput)
    state.canonical.add(canonical)
    state.compression.add(row.input)
    state.distinct2.add(normalised)

    // Each level of the cascade folds whole groups of the level above: every row of a canonical class shares
    // the template key of the first row seen in it. Otherwise `HOW DO I ...` (all words capitalised, so all
    // masked as names) would leave the pattern of `how do i ...` although it is a normalised duplicate, and
    // the unique counts could grow down the levels.
    let stats = this.byCanonical.get(canonical)
    if (!stats) {
      const scan = templateScan(row.input)
      this.evidence.observe(scan)
      stats = this.keys.get(scan.key)
      if (!stats) {
        stats = {
          key: scan.key,
          base: [0, 0, 0],
          head: [0, 0, 0],
          added: [0, 0, 0],
          baseExamples: null,
          headExamples: null,
          addedExamples: null
        }
        this.keys.set(scan.key, stats)
      }
      this.byCanonical.set(canonical, stats)
    }
    stats[side][p]++
    const file = this.fileId(row.file)
    if (side === 'base') stats.baseExamples = pushExample(stats.baseExamples, file, row.line, row.input)
    else stats.headExamples = pushExample(stats.headExamples, file, row.line, row.input)
    return { exactInput, normalisedInput, stats, file }
  }

  private fileId(file: string): number {
    let id = this.fileIndex.get(file)
    if (id === undefined) {
      id = this.fileNames.length
      this.fileNames.push(file)
      this.fileIndex.set(file, id)
    }
    return id
  }

  /**
   * Resolves sentence-start words corpus-wide, clusters the distinct template keys of both sides together (so
   * "the same pattern" means the same thing at base and at head) and computes every metric.
   * `present` says which sides exist: a dataset added by the PR has no base, a deleted one no head.
   */
  finish(present: { base: boolean; head: boolean }): DatasetAnalysisResult {
    const resolved = this.resolveKeys()
    const ids = clusterPatterns(resolved.keys, this.parameters)
    const patterns = this.totalsByPattern(resolved.stats, ids)

    const removedByInput = new Map<number, number>()
    let removed = 0
    for (const entry of this.baseContent.values()) {
      if (entry.count > 0) {
        removed += entry.count
        removedByInput.set(entry.input, (removedByInput.get(entry.input) ?? 0) + entry.count)
      }
    }
    let changed = 0
    for (const [input, count] of this.addedInputs) changed += Math.min(count, removedByInput.get(input) ?? 0)

    let newPatterns = 0
    let inExistingPatterns = 0
    let addedPatterns = 0
    for (const pattern of patterns) {
      if (pattern.added === 0) continue
      addedPatterns++
      if (pattern.base > 0) inExistingPatterns += pattern.added
      else newPatterns++
    }
    // Every changed row's input matched a base input exactly, so it was also a duplicate candidate; an edited
    // answer to an existing prompt is an edit, not new data duplicating old.
    const duplicatesOfExisting = Math.max(0, this.duplicateCandidates - changed)

    const change: ChangeMetrics = {
      added: this.added,
      removed,
      unchanged: this.unchanged,
      changed,
      duplicatesOfExisting,
      duplicateShare: ratio(duplicatesOfExisting, this.added),
      inExistingPatterns,
      newPatterns,
      novelPatternRatio: ratio(newPatterns, this.added),
      addedUniquePatternRatio: ratio(addedPatterns, this.added),
      addedMix: mixOf(this.addedProvenance),
      largestAddedPatterns: this.largest(patterns, resolved, 'added'),
      duplicateExamples: this.duplicateExamples
    }
    return {
      base: present.base ? this.sideMetrics('base', patterns, resolved) : null,
      head: present.head ? this.sideMetrics('head', patterns, resolved) : null,
      change,
      realism: this.samples ? this.realismResult(this.samples) : null
    }
  }

  /**
   * The synthetic rows against the real rows at head, else against the reference, else alone (an empty side A,
   * so side B's rates are its absolute rates); and the added rows against those already there.
   */
  private realismResult(samples: RealismSamples): DatasetRealism | null {
    const options = { seed: this.realism.seed }
    const reference = this.realism.reference
    let realVsSynthetic: RealismComparison | null = null
    let baseline: DatasetRealism['baseline'] = null
    if (samples.synthetic.rows > 0) {
      if (samples.real.rows > 0) {
        baseline = 'real'
        realVsSynthetic = compareSamples(samples.real, samples.synthetic, REAL_VS_SYNTHETIC, options)
      } else if (reference !== null && reference.sample.rows > 0) {
        baseline = 'reference'
        realVsSynthetic = compareSamples(reference.sample, samples.synthetic, REFERENCE_VS_SYNTHETIC, options)
      } else {
        baseline = 'none'
        realVsSynthetic = compareSamples(samples.real, samples.synthetic, REAL_VS_SYNTHETIC, options)
      }
    }
    const existingVsAdded =
      samples.existing.rows > 0 && samples.added.rows > 0
        ? compareSamples(samples.existing, samples.added, EXISTING_VS_ADDED, options)
        : null
    if (realVsSynthetic === null && existingVsAdded === null) return null
    return {
      sampleSize: this.realism.sampleSize,
      baseline,
      reference: baseline === 'reference' ? (reference?.name ?? null) : null,
      realVsSynthetic,
      existingVsAdded
    }
  }

  private resolveKeys(): { keys: string[]; stats: KeyStats[] } {
    const byKey = new Map<string, number>()
    const keys: string[] = []
    const stats: KeyStats[] = []
    for (const [raw, s] of this.keys) {
      const key = this.evidence.resolveKey(raw)
      const at = byKey.get(key)
      if (at === undefined) {
        byKey.set(key, keys.length)
        keys.push(key)
        stats.push(s)
      } else {
        stats[at] = mergeStats(stats[at] as KeyStats, s)
      }
    }
    return { keys, stats }
  }

  private totalsByPattern(stats: KeyStats[], ids: Int32Array): PatternTotals[] {
    const patterns: PatternTotals[] = []
    for (let k = 0; k < stats.length; k++) {
      const id = ids[k] as number
      const s = stats[k] as KeyStats
      let pattern = patterns[id]
      if (!pattern) {
        pattern = { base: 0, head: 0, added: 0, baseSynthetic: 0, headSynthetic: 0, keys: [] }
        patterns[id] = pattern
      }
      pattern.base += sum3(s.base)
      pattern.head += sum3(s.head)
      pattern.added += sum3(s.added)
      pattern.baseSynthetic += s.base[1]
      pattern.headSynthetic += s.head[1]
      pattern.keys.push(k)
    }
    return patterns
  }

  private sideMetrics(
    side: Side,
    patterns: PatternTotals[],
    resolved: { keys: string[]; stats: KeyStats[] }
  ): SideMetrics {
    const state = this.sides[side]
    const sizes: number[] = []
    let syntheticPatterns = 0
    for (const pattern of patterns) {
      if (pattern[side] > 0) sizes.push(pattern[side])
      if ((side === 'base' ? pattern.baseSynthetic : pattern.headSynthetic) > 0) syntheticPatterns++
    }
    let template = 0
    for (const s of resolved.stats) if (sum3(s[side]) > 0) template++
    const unique: CascadeCounts = {
      exact: state.exact.size,
      normalised: state.normalised.size,
      canonical: state.canonical.size,
      template,
      pattern: sizes.length
    }
    const mix = mixOf(state.provenance)
    return {
      files: [...state.files].sort(),
      rows: state.rows,
      invalidRows: state.invalidRows,
      unique,
      uniquePatternRatio: ratio(sizes.length, state.rows),
      effectivePatterns: effectiveCount(sizes),
      mix,
      syntheticUniquePatternRatio: ratio(syntheticPatterns, mix.synthetic),
      diversity: {
        compressionRatio: state.compression.result(),
        distinct2: state.distinct2.result()
      },
      largestPatterns: this.largest(patterns, resolved, side)
    }
  }

  private largest(
    patterns: PatternTotals[],
    resolved: { keys: string[]; stats: KeyStats[] },
    by: 'base' | 'head' | 'added'
  ): PatternSummary[] {
    const order = patterns
      .map((p, index) => ({ p, index }))
      .filter(({ p }) => p[by] > 0)
      // Ties broken by first appearance, so the list is the same on every run.
      .sort((a, b) => b.p[by] - a.p[by] || a.index - b.index)
      .slice(0, LARGEST_PATTERNS)
    return order.map(({ p }) => {
      const members = p.keys
        .map(k => ({ k, count: sum3((resolved.stats[k] as KeyStats)[by]) }))
        .filter(m => m.count > 0)
        .sort((a, b) => b.count - a.count || a.k - b.k)
      const examples: RowRef[] = []
      const exampleTexts: string[] = []
      for (const { k } of members) {
        const s = resolved.stats[k] as KeyStats
        const list = by === 'base' ? s.baseExamples : by === 'head' ? s.headExamples : s.addedExamples
        if (!list) continue
        for (let i = 0; i < list.files.length && examples.length < EXAMPLES_PER_PATTERN; i++) {
          examples.push({
            file: this.fileNames[list.files[i] as number] as string,
            line: list.lines[i] as number
          })
          exampleTexts.push(list.texts[i] as string)
        }
        if (examples.length >= EXAMPLES_PER_PATTERN) break
      }
      const summary: PatternSummary = {
        templateKey: resolved.keys[(members[0] as { k: number }).k] as string,
        size: p[by],
        variants: members.length,
        examples,
        exampleTexts
      }
      if (by === 'added') summary.existedAtBase = p.base > 0
      return summary
    })
  }
}

function mergeStats(a: KeyStats, b: KeyStats): KeyStats {
  const add = (x: [number, number, number], y: [number, number, number]): [number, number, number] => [
    x[0] + y[0],
    x[1] + y[1],
    x[2] + y[2]
  ]
  const join = (x: Examples | null, y: Examples | null): Examples | null => {
    if (!x) return y
    if (!y) return x
    let out: Examples = x
    for (let i = 0; i < y.files.length; i++) {
      if (out.files.length >= EXAMPLES_PER_KEY) break
      out = {
        files: [...out.files, y.files[i] as number],
        lines: [...out.lines, y.lines[i] as number],
        texts: [...out.texts, y.texts[i] as string]
      }
    }
    return out
  }
  return {
    key: a.key,
    base: add(a.base, b.base),
    head: add(a.head, b.head),
    added: add(a.added, b.added),
    baseExamples: join(a.baseExamples, b.baseExamples),
    headExamples: join(a.headExamples, b.headExamples),
    addedExamples: join(a.addedExamples, b.addedExamples)
  }
}
