// One dataset, both commits: rows stream through `addBase` and then `addHead`, and `finish` turns the counts into
// metrics. Nothing here keeps a row's text: examples are kept by place (file and line), and only a sharded
// analysis keeps a short snippet of each; memory grows with the number of distinct texts (contents, inputs,
// canonical texts), not with bytes read. A side's files are the ones given to `addFile`.
//
// The state is kept per canonical text (not per template key) and every example carries the row's ordinal, so
// that two analyses of disjoint shares of the rows can be merged into exactly the analysis of all of them (see
// `mergeFrom`), and an analysis can be saved after its base rows and resumed (see `toState`/`fromState`). Rows
// are shared out by content hash: every copy of a row lands in the same shard, so the row diff stays exact.

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
import { GrowableFloat64, GrowableInt32 } from './growable.js'
import { hash53 } from './hash.js'
import { Hash53Counter, Hash53Flags, Hash53Index } from './hash-table.js'
import { effectiveCount } from './pattern-stats.js'
import { clusterPatterns } from './patterns.js'
import { ProperNounEvidence, nameHash } from './proper-nouns.js'
import { EXAMPLE_SNIPPET_LENGTH, textSnippet } from './snippet.js'
import {
  datasetRealism,
  realismJob,
  type RealismJob,
  type RealismOptions,
  type RealismSamples
} from './realism/dataset-realism.js'
import {
  PendingRow,
  REALISM_SAMPLE_CAP,
  RealismSample,
  type RealismSampleState
} from './realism/realism-sample.js'
import { distinctNText, templateScan, writeKeyHashes } from './text-keys.js'

/** Example rows kept per template key and view: enough to show a pattern, small enough to keep for every key. */
const EXAMPLES_PER_KEY = 3
/** Example rows shown per pattern in the report. */
const EXAMPLES_PER_PATTERN = 3
/** Largest patterns listed per side and for the added rows. */
const LARGEST_PATTERNS = 5
/** Added rows duplicating existing data that are listed by location. */
const DUPLICATE_EXAMPLES = 10
/** Version of the saved state's layout; a state of another version is never loaded. */
export const ANALYSIS_STATE_VERSION = 7

type Side = 'base' | 'head'
/** The three views a row is counted in: its side, and for added head rows also `added`. */
const BASE = 0
const HEAD = 1
const ADDED = 2
const VIEWS = 3
type View = typeof BASE | typeof HEAD | typeof ADDED
const VIEW_OF_SIDE: Record<Side, View> = { base: BASE, head: HEAD }
/** Flag bits of the input tables: which sides have a row with that input. */
const SIDE_BIT: Record<Side, number> = { base: 1, head: 2 }
/** Per canonical text: rows by view and provenance (real, synthetic, unknown). */
const COUNT_SLOTS = VIEWS * 3
/**
 * Per canonical text: examples kept per view, then 1 + the index of its first base example (0: none; kept where
 * examples keep their texts, for the head examples to share its string).
 */
const EXAMPLE_SLOTS = VIEWS + 1
const PROVENANCE_INDEX: Record<Provenance, 0 | 1 | 2> = { real: 0, synthetic: 1, unknown: 2 }

/**
 * What the analysis computes from a row's texts, when a reading thread already computed it (see
 * readers/row-stream.ts): the hashes of its input, normalised input and canonical text.
 */
export interface RowDigest {
  exactInput: number
  normalisedInput: number
  canonical: number
}

/**
 * The digest of a head row whose content is a base row's: the analysis takes the hashes it computed for that
 * base row (see readers/row-stream.ts, where most head rows of a pull request are this).
 */
export const BASE_ROW_DIGEST: RowDigest = Object.freeze({
  exactInput: -1,
  normalisedInput: -1,
  canonical: -1
})

/** Which rows an analysis owns: those whose content hash is `index` modulo `count`. */
export interface Shard {
  index: number
  count: number
}
export const WHOLE: Shard = { index: 0, count: 1 }

export function validateShard(shard: Shard): void {
  if (!Number.isInteger(shard.count) || shard.count < 1) {
    throw new Error(`a shard count must be a positive integer, got ${shard.count}`)
  }
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new Error(`a shard index must be an integer from 0 to ${shard.count - 1}, got ${shard.index}`)
  }
}

/**
 * Rows kept by position, in ordinal order, column by column: each with the id of what it belongs to (its
 * canonical text, or its normalised input), its ordinal, file and line.
 */
class RowList {
  readonly owner = new GrowableInt32()
  readonly ordinal = new GrowableFloat64()
  readonly file = new GrowableInt32()
  readonly line = new GrowableInt32()

  get length(): number {
    return this.ordinal.length
  }

  push(owner: number, ordinal: number, file: number, line: number): void {
    this.owner.push(owner)
    this.ordinal.push(ordinal)
    this.file.push(file)
    this.line.push(line)
  }

  /** Appends entry `i` of `from`, with its owner and file ids mapped when maps are given. */
  copy(from: this, i: number, owners?: Int32Array, files?: number[]): void {
    const owner = from.owner.get(i)
    const file = from.file.get(i)
    this.push(
      owners ? owners[owner]! : owner,
      from.ordinal.get(i),
      files ? files[file]! : file,
      from.line.get(i)
    )
  }

  /** The columns as state, named `${prefix}.${column}` (`ownerName` for the owner). */
  save(numbers: Record<string, Float64Array | Int32Array>, prefix: string, ownerName: string): void {
    numbers[`${prefix}.${ownerName}`] = this.owner.view().slice()
    numbers[`${prefix}.ordinal`] = this.ordinal.view().slice()
    numbers[`${prefix}.file`] = this.file.view().slice()
    numbers[`${prefix}.line`] = this.line.view().slice()
  }

  load(column: (name: string) => ArrayLike<number>, prefix: string, ownerName: string): void {
    this.owner.append(column(`${prefix}.${ownerName}`))
    this.ordinal.append(column(`${prefix}.ordinal`))
    this.file.append(column(`${prefix}.file`))
    this.line.append(column(`${prefix}.line`))
  }
}

/**
 * Rows kept as examples of one view: a RowList of canonical texts, with each example's snippet (`texts`, aligned
 * with the rows) where the analysis keeps them (see keepsExampleTexts).
 */
class ExampleList extends RowList {
  readonly texts: string[] = []

  pushExample(canonical: number, ordinal: number, file: number, line: number, text: string | null): void {
    this.push(canonical, ordinal, file, line)
    if (text !== null) this.texts.push(text)
  }

  override copy(from: this, i: number, owners?: Int32Array, files?: number[]): void {
    super.copy(from, i, owners, files)
    if (from.texts.length > 0) this.texts.push(from.texts[i]!)
  }
}

/** Two lists, each in ordinal order, as one in ordinal order (`into`); `b`'s ids mapped to `a`'s. */
function mergeByOrdinal<T extends RowList>(a: T, b: T, into: T, owners: Int32Array, files: number[]): T {
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a.ordinal.get(i) < b.ordinal.get(j))) into.copy(a, i++)
    else into.copy(b, j++, owners, files)
  }
  return into
}

/** Final diversity figures of a side whose rows were measured elsewhere (a saved or merged analysis). */
interface MeasuredDiversity {
  compressionRatio?: number | null
  distinct2?: number | null
}

interface SideState {
  rows: number
  invalidRows: number
  files: Set<string>
  provenance: [number, number, number]
  /** Null when this shard does not measure it, or the figure is already final in `measured`. */
  compression: CompressionMeter | null
  distinct2: DistinctN | null
  measured: MeasuredDiversity
}

function newSide(shard: Shard): SideState {
  // Compression and distinct-2 run over a side's rows in order, so one shard measures each over every row.
  return {
    rows: 0,
    invalidRows: 0,
    files: new Set(),
    provenance: [0, 0, 0],
    compression: shard.index === 0 ? new CompressionMeter() : null,
    distinct2: shard.index === 1 % shard.count ? new DistinctN(2) : null,
    measured: {}
  }
}

/** Counts, first examples and first row of a list of template keys, in flat columns (no object per key). */
class KeyTable {
  readonly counts: Int32Array
  /** Example indices into the view's ExampleList, EXAMPLES_PER_KEY per view; -1 when unused. */
  readonly examples: Int32Array
  /** Ordinal of each key's first row; Infinity for a key no row has (any more). */
  readonly first: Float64Array

  constructor(readonly size: number) {
    this.counts = new Int32Array(size * COUNT_SLOTS)
    this.examples = new Int32Array(size * VIEWS * EXAMPLES_PER_KEY).fill(-1)
    this.first = new Float64Array(size).fill(Infinity)
  }

  total(k: number, view: View): number {
    const at = k * COUNT_SLOTS + view * 3
    return this.counts[at]! + this.counts[at + 1]! + this.counts[at + 2]!
  }

  slot(k: number, slot: number): number {
    return this.counts[k * COUNT_SLOTS + slot]!
  }

  example(k: number, view: number, j: number): number {
    return this.examples[(k * VIEWS + view) * EXAMPLES_PER_KEY + j]!
  }

  /** Puts `index` in the first free example slot of key `k` in `view`, if any. */
  addExample(k: number, view: number, index: number): void {
    const start = (k * VIEWS + view) * EXAMPLES_PER_KEY
    for (let j = 0; j < EXAMPLES_PER_KEY; j++) {
      if (this.examples[start + j] === -1) {
        this.examples[start + j] = index
        return
      }
    }
  }
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

type UniqueCounts = Pick<CascadeCounts, 'exact' | 'normalised' | 'canonical'>

/** The resolved template keys, in first-seen order, with their counts and examples. */
interface Resolved {
  keys: string[]
  table: KeyTable
}

/**
 * The patterns after clustering (ids 0..size-1, in order of first appearance): rows per view and synthetic rows
 * per side, and each pattern's resolved keys, in flat columns. A million rows per side make 580k patterns; an
 * object with a key array for each, wrapped again and fully sorted for each view to keep five, had grown the
 * heap from 123 to 378 MB at this step.
 */
class PatternTable {
  readonly size: number
  /** Rows of pattern p in a view at rows[view * size + p]: each view's slice is the list of pattern sizes. */
  readonly rows: Int32Array
  /** Synthetic rows of pattern p at base and at head: synthetic[view * size + p], view BASE or HEAD. */
  private readonly synthetic: Int32Array
  /** Pattern p's keys are keys[keyStart[p]] .. keys[keyStart[p + 1] - 1], in first-seen order. */
  private readonly keyStart: Int32Array
  private readonly keys: Int32Array

  /** `ids[k]`: the pattern of resolved key k. */
  constructor(table: KeyTable, ids: Int32Array) {
    let size = 0
    for (let k = 0; k < ids.length; k++) if (ids[k]! >= size) size = ids[k]! + 1
    this.size = size
    this.rows = new Int32Array(VIEWS * size)
    this.synthetic = new Int32Array(2 * size)
    this.keyStart = new Int32Array(size + 1)
    for (let k = 0; k < ids.length; k++) {
      const p = ids[k]!
      for (let view = 0; view < VIEWS; view++) this.rows[view * size + p]! += table.total(k, view as View)
      this.synthetic[BASE * size + p]! += table.slot(k, BASE * 3 + 1)
      this.synthetic[HEAD * size + p]! += table.slot(k, HEAD * 3 + 1)
      this.keyStart[p + 1]!++
    }
    for (let p = 0; p < size; p++) this.keyStart[p + 1]! += this.keyStart[p]!
    const next = this.keyStart.slice(0, size)
    this.keys = new Int32Array(ids.length)
    for (let k = 0; k < ids.length; k++) this.keys[next[ids[k]!]!++] = k
  }

  /** The sizes of every pattern in a view (0 for a pattern with no rows there). */
  sizes(view: View): Int32Array {
    return this.rows.subarray(view * this.size, (view + 1) * this.size)
  }

  /** The synthetic rows of every pattern at one side. */
  syntheticSizes(view: typeof BASE | typeof HEAD): Int32Array {
    return this.synthetic.subarray(view * this.size, (view + 1) * this.size)
  }

  keysOf(p: number): Int32Array {
    return this.keys.subarray(this.keyStart[p]!, this.keyStart[p + 1]!)
  }

  /** The `count` largest patterns in a view, largest first; ties go to the pattern seen first. */
  largest(view: View, count: number): number[] {
    const sizes = this.sizes(view)
    const top: number[] = []
    for (let p = 0; p < sizes.length; p++) {
      const size = sizes[p]!
      if (size === 0 || (top.length === count && size <= sizes[top[count - 1]!]!)) continue
      // Patterns come in id order, so a pattern goes after every kept one at least its size.
      let at = top.length
      while (at > 0 && sizes[top[at - 1]!]! < size) at--
      top.splice(at, 0, p)
      if (top.length > count) top.pop()
    }
    return top
  }
}

export interface DatasetAnalysisResult {
  base: SideMetrics | null
  head: SideMetrics | null
  change: ChangeMetrics
  realism: DatasetRealism | null
}

/** A saved analysis: scalars and short lists as JSON, the large columns as typed arrays and string lists. */
export interface AnalysisState {
  json: AnalysisStateJson
  /** Hashes and ordinals as float64, counts and ids as int32. */
  numbers: Record<string, Float64Array | Int32Array>
  strings: Record<string, string[]>
}

interface SideStateJson {
  rows: number
  invalidRows: number
  files: string[]
  provenance: [number, number, number]
  measured: MeasuredDiversity
  /** Whether the figures in `measured` are final (the side is complete); else the meters start afresh. */
  final: boolean
}

interface AnalysisStateJson {
  version: number
  shard: Shard
  covered: number[]
  parameters: PatternParameters
  sampleSize: number
  sides: Record<Side, SideStateJson>
  ordinal: number
  headStarted: boolean
  added: number
  unchanged: number
  addedProvenance: [number, number, number]
  fileNames: string[]
  samples: Record<keyof RealismSamples, RealismSampleState> | null
}

export type { RealismOptions } from './realism/dataset-realism.js'

export class DatasetAnalysis {
  private readonly sides: Record<Side, SideState>
  /** Exact and normalised input hashes, each flagged with the sides that have it. */
  private exactInputs = new Hash53Flags()
  private normalisedInputs = new Hash53Flags()
  // Per canonical text, by its id in `canonicalIndex`: ordinal of its first row, template key id (the key of
  // that first row, so a canonical class has one key), counts per view and provenance, examples kept per view,
  // and the proper nouns its first row's scan saw: class c's are the nameHash values
  // nameHashes[canonicalNames[2c]] onwards, canonicalNames[2c + 1] of them. At a million rows per side 393k
  // of the 785k classes have some, 631k names in all; a map of string arrays had held them in 99 MB of heap.
  private canonicalIndex = new Hash53Index()
  private canonicalFirst = new GrowableFloat64()
  private canonicalKey = new GrowableInt32()
  private canonicalCounts = new GrowableInt32()
  private canonicalExamples = new GrowableInt32()
  private canonicalNames = new GrowableInt32()
  private nameHashes = new GrowableFloat64()
  /** Template keys by hash53 of the key: ids into keyStrings. */
  private keyIndex = new Hash53Index()
  private keyStrings: string[] = []
  /** Examples kept per key and view (unsharded analyses keep at most three per key). */
  private keyExamples = new GrowableInt32()
  private examples: ExampleList[] = [new ExampleList(), new ExampleList(), new ExampleList()]
  private readonly fileNames: string[] = []
  private readonly fileIndex = new Map<string, number>()
  // Base rows by content hash: how many are not yet matched by a head row, and their input hash.
  private contentIndex = new Hash53Index()
  private contentRemaining = new GrowableInt32()
  private contentInput = new GrowableFloat64()
  // And, for the base rows read in this run, their normalised input hash and canonical class, for head rows
  // that come with BASE_ROW_DIGEST. Neither is saved or merged: a base loaded from a cache was not read here.
  private contentNormalised = new GrowableFloat64()
  private contentCanonical = new GrowableInt32()
  /** Added rows by exact input hash, to pair them with removed rows of the same input ("changed"). */
  private addedInputs = new Hash53Counter()
  // Added rows by normalised input hash, with the first rows of each, to find those duplicating a base row
  // once every base row is known (in a shard, the base rows with the same input may live in another shard).
  private addedNormalised = new Hash53Index()
  private addedNormalisedCount = new GrowableInt32()
  /** Added rows by normalised input id, the first few of each, for the duplicate examples. */
  private duplicates = new RowList()
  private added = 0
  private unchanged = 0
  private readonly addedProvenance: [number, number, number] = [0, 0, 0]
  /** The next row's position in the dataset: base rows first, then head rows; counted in every shard. */
  private ordinal = 0
  private headStarted = false
  private finished = false
  /** The shards whose rows this analysis holds: its own, and those merged into it. */
  private readonly covered: Set<number>
  /** Where observe hashes a row's keys when no reader did. */
  private readonly keyHashes = new Float64Array(3)
  private samples: RealismSamples | null

  constructor(
    private readonly parameters: PatternParameters,
    private readonly realism: RealismOptions = { sampleSize: REALISM_SAMPLE_CAP, reference: null },
    private readonly shard: Shard = WHOLE
  ) {
    validateShard(shard)
    this.covered = new Set([shard.index])
    this.sides = { base: newSide(shard), head: newSide(shard) }
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

  /**
   * Hands the distinct-2 measure to whoever digests the rows (a reading thread that sees every row in order):
   * the analysis stops measuring it and takes the figures from `setDistinct2`. Says whether the reader should
   * measure it: only the shard that measures distinct-2 does. Calling it again changes nothing.
   */
  measuresDistinct2Elsewhere(): boolean {
    for (const side of ['base', 'head'] as const) this.sides[side].distinct2 = null
    return this.shard.index === 1 % this.shard.count
  }

  /** A side's distinct-2, measured over every row of the side in order (see measuresDistinct2Elsewhere). */
  setDistinct2(side: Side, value: number | null): void {
    this.sides[side].measured = { ...this.sides[side].measured, distinct2: value }
  }

  /**
   * Hands the realism comparison to the caller, to compute on another thread (realismOfJob) once every row is
   * in: the samples leave the analysis, and `finish` gives `realism: null`. Null when there is no realism
   * report to make (sample size 0), or it was taken already.
   */
  takeRealismJob(): RealismJob | null {
    if (this.samples === null) return null
    const job = realismJob(this.samples, this.realism)
    this.samples = null
    return job
  }

  /** Records a file as part of a side (rows do not add their files: the caller names each file once). */
  addFile(side: Side, file: string): void {
    this.sides[side].files.add(file)
  }

  /** Counts a row (or file) that could not be read; every shard counts every one. */
  addInvalid(side: Side): void {
    this.sides[side].invalidRows++
  }

  addBase(row: Row, digest?: RowDigest): void {
    if (this.headStarted) throw new Error('base rows must all be added before head rows')
    const ordinal = this.ordinal++
    const content = this.measure('base', row)
    if (content === null) return
    const { exactInput, normalisedInput, canonical } = this.observe('base', row, ordinal, digest, -1)
    const id = this.contentIndex.idOf(content)
    if (id === this.contentRemaining.length) {
      this.contentRemaining.push(1)
      this.contentInput.push(exactInput)
      if (this.contentCanonical.length === id) {
        this.contentNormalised.push(normalisedInput)
        this.contentCanonical.push(canonical)
      }
    } else {
      this.contentRemaining.add(id, 1)
    }
  }

  /**
   * Counts a head row. Returns what was computed for it when the row is added (its content matches no base row
   * left unmatched) and this shard owns it, for checks on added rows such as eval-set leakage; null otherwise.
   */
  addHead(row: Row, digest?: RowDigest): (AddedRowKeys & { ordinal: number }) | null {
    if (!this.headStarted) this.closeBase()
    this.headStarted = true
    const ordinal = this.ordinal++
    const content = this.measure('head', row)
    if (content === null) return null
    const id = this.contentIndex.find(content)
    const { exactInput, normalisedInput, canonical, file, text } = this.observe(
      'head',
      row,
      ordinal,
      digest,
      digest === BASE_ROW_DIGEST ? id : -1
    )
    const unchanged = id >= 0 && this.contentRemaining.get(id) > 0
    if (this.samples) this.sample(this.samples, row, content, unchanged)
    if (unchanged) {
      this.contentRemaining.add(id, -1)
      this.unchanged++
      return null
    }
    this.added++
    const p = PROVENANCE_INDEX[row.provenance]
    this.addedProvenance[p]++
    this.count(canonical, ADDED, p, ordinal, file, row, text)
    this.addedInputs.increment(exactInput)
    const normalisedId = this.addedNormalised.idOf(normalisedInput)
    if (normalisedId === this.addedNormalisedCount.length) this.addedNormalisedCount.push(0)
    const seen = this.addedNormalisedCount.get(normalisedId)
    this.addedNormalisedCount.set(normalisedId, seen + 1)
    if (seen < DUPLICATE_EXAMPLES) {
      this.duplicates.push(normalisedId, ordinal, file, row.line)
    }
    const input = row.input
    let templateKey: string | undefined
    return {
      ordinal,
      exactInput,
      normalisedInput,
      // The row's own key, computed only when a check asks for it: the key of its canonical class depends on
      // which row of the class came first, which a shard cannot know.
      get templateKey(): string {
        templateKey ??= templateScan(input).key
        return templateKey
      }
    }
  }

  /**
   * What every shard measures of every row: the side's compression and distinct-2 where this shard measures
   * them. Returns the row's content hash when this shard owns the row, else null.
   */
  private measure(side: Side, row: Row): number | null {
    const state = this.sides[side]
    state.compression?.add(row.input)
    state.distinct2?.add(distinctNText(row.input))
    const content = row.contentHash
    return this.shard.count === 1 || content % this.shard.count === this.shard.index ? content : null
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

  /** `baseContent`: the id of the base content a BASE_ROW_DIGEST row repeats (-1 for any other row). */
  private observe(side: Side, row: Row, ordinal: number, digest: RowDigest | undefined, baseContent: number) {
    const state = this.sides[side]
    state.rows++
    const p = PROVENANCE_INDEX[row.provenance]
    state.provenance[p]++
    let exactInput: number
    let normalisedInput: number
    let canonicalHash = 0
    let canonical = -1
    // A base content loaded from a cache has no normalised hash or class here: such rows are hashed below.
    if (baseContent >= 0 && baseContent < this.contentCanonical.length) {
      exactInput = this.contentInput.get(baseContent)
      normalisedInput = this.contentNormalised.get(baseContent)
      canonical = this.contentCanonical.get(baseContent)
    } else if (digest && digest !== BASE_ROW_DIGEST) {
      ;({ exactInput, normalisedInput, canonical: canonicalHash } = digest)
    } else {
      const hashes = this.keyHashes
      writeKeyHashes(row.input, hashes, 0)
      exactInput = hashes[0]!
      normalisedInput = hashes[1]!
      canonicalHash = hashes[2]!
    }
    this.exactInputs.mark(exactInput, SIDE_BIT[side])
    this.normalisedInputs.mark(normalisedInput, SIDE_BIT[side])

    // Each level of the cascade folds whole groups of the level above: every row of a canonical class shares
    // the template key of the first row seen in it. Otherwise `HOW DO I ...` (all words capitalised, so all
    // masked as names) would leave the pattern of `how do i ...` although it is a normalised duplicate, and
    // the unique counts could grow down the levels.
    if (canonical < 0) canonical = this.canonicalIndex.idOf(canonicalHash)
    if (canonical === this.canonicalFirst.length) {
      const scan = templateScan(row.input)
      this.canonicalFirst.push(ordinal)
      this.canonicalKey.push(this.keyIdOf(scan.key))
      this.canonicalCounts.pushZeros(COUNT_SLOTS)
      this.canonicalExamples.pushZeros(EXAMPLE_SLOTS)
      this.canonicalNames.push(this.nameHashes.length)
      this.canonicalNames.push(scan.names.length)
      for (const name of scan.names) this.nameHashes.push(nameHash(name))
    }
    const file = this.fileId(row.file)
    const text = this.count(canonical, VIEW_OF_SIDE[side], p, ordinal, file, row)
    return { exactInput, normalisedInput, canonical, file, text }
  }

  /**
   * Counts a row in a view and keeps it as an example while its canonical class has fewer than three there. A
   * sharded analysis keeps the example's snippet too, and returns it so the caller can reuse it for the row's
   * next view.
   */
  private count(
    canonical: number,
    view: View,
    p: number,
    ordinal: number,
    file: number,
    row: Row,
    text?: string
  ): string | undefined {
    this.canonicalCounts.add(canonical * COUNT_SLOTS + view * 3 + p, 1)
    const slot = canonical * EXAMPLE_SLOTS + view
    // The first rows of a key are among the first rows of its canonical classes, so three per class suffice.
    if (this.canonicalExamples.get(slot) >= EXAMPLES_PER_KEY) return undefined
    // Unsharded, a class keeps its key for good, so three per key suffice: a template with a million
    // different fillers keeps three examples, not a million. A shard keeps three per class, as a class's key
    // may change when the shards are merged.
    const keySlot = this.canonicalKey.get(canonical) * VIEWS + view
    if (this.shard.count === 1) {
      if (this.keyExamples.get(keySlot) >= EXAMPLES_PER_KEY) return undefined
      this.keyExamples.add(keySlot, 1)
    }
    this.canonicalExamples.add(slot, 1)
    if (!this.keepsExampleTexts) {
      this.examples[view]!.pushExample(canonical, ordinal, file, row.line, null)
      return undefined
    }
    text ??= this.exampleSnippet(canonical, view, row.input)
    this.examples[view]!.pushExample(canonical, ordinal, file, row.line, text)
    return text
  }

  /**
   * Whether examples keep a snippet of their text. A shard does, so that a merge can report without reading the
   * rows again; an unsharded analysis keeps only where they are (see example-texts.ts).
   */
  private get keepsExampleTexts(): boolean {
    return this.shard.count > 1
  }

  /** The snippet of a new example's input: an unchanged row's head example shares its base example's string. */
  private exampleSnippet(canonical: number, view: View, input: string): string {
    const text = textSnippet(input, EXAMPLE_SNIPPET_LENGTH)
    const baseSlot = canonical * EXAMPLE_SLOTS + VIEWS
    const base = this.examples[BASE]!
    if (view === BASE) {
      // The example about to be pushed is the class's first base example when it has none yet.
      if (this.canonicalExamples.get(baseSlot) === 0) this.canonicalExamples.set(baseSlot, base.length + 1)
      return text
    }
    const first = this.canonicalExamples.get(baseSlot) - 1
    return first >= 0 && first < base.length && base.texts[first] === text ? base.texts[first]! : text
  }

  private keyIdOf(key: string): number {
    const id = this.keyIndex.idOf(hash53(key))
    if (id === this.keyStrings.length) {
      this.keyStrings.push(key)
      this.keyExamples.pushZeros(VIEWS)
    }
    return id
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
    if (this.covered.size !== this.shard.count) {
      const missing = Array.from({ length: this.shard.count }, (_, i) => i).filter(i => !this.covered.has(i))
      throw new Error(`the analysis lacks shard(s) ${missing.join(', ')} of ${this.shard.count}`)
    }
    if (this.finished) throw new Error('an analysis is finished once')
    this.finished = true
    // What needs the row-level tables comes first; they are let go before the keys are clustered, which is
    // when memory peaks.
    const unique = { base: this.uniqueCounts('base'), head: this.uniqueCounts('head') }
    const removedByInput = new Hash53Counter()
    let removed = 0
    for (let id = 0; id < this.contentRemaining.length; id++) {
      const left = this.contentRemaining.get(id)
      if (left > 0) {
        removed += left
        removedByInput.increment(this.contentInput.get(id), left)
      }
    }
    let changed = 0
    this.addedInputs.forEach((input, count) => (changed += Math.min(count, removedByInput.get(input))))
    const duplicates = this.duplicatesOfBase()
    this.releaseRowTables()

    const resolved = this.resolveKeys(this.keyStats())
    this.releaseCanonicals()
    const ids = clusterPatterns(resolved.keys, this.parameters)
    const patterns = new PatternTable(resolved.table, ids)

    let newPatterns = 0
    let inExistingPatterns = 0
    let addedPatterns = 0
    const baseSizes = patterns.sizes(BASE)
    const addedSizes = patterns.sizes(ADDED)
    for (let p = 0; p < patterns.size; p++) {
      const added = addedSizes[p]!
      if (added === 0) continue
      addedPatterns++
      if (baseSizes[p]! > 0) inExistingPatterns += added
      else newPatterns++
    }
    // Every changed row's input matched a base input exactly, so it was also a duplicate candidate; an edited
    // answer to an existing prompt is an edit, not new data duplicating old.
    const duplicatesOfExisting = Math.max(0, duplicates.candidates - changed)

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
      largestAddedPatterns: this.largest(patterns, resolved, ADDED),
      duplicateExamples: duplicates.examples
    }
    return {
      base: present.base ? this.sideMetrics('base', patterns, resolved, unique.base) : null,
      head: present.head ? this.sideMetrics('head', patterns, resolved, unique.head) : null,
      change,
      realism: this.samples ? datasetRealism(this.samples, this.realism) : null
    }
  }

  /** A side's distinct exact inputs, normalised inputs and canonical texts. */
  private uniqueCounts(side: Side): UniqueCounts {
    const view = VIEW_OF_SIDE[side]
    let canonical = 0
    for (let c = 0; c < this.canonicalFirst.length; c++) {
      const at = c * COUNT_SLOTS + view * 3
      const counts = this.canonicalCounts
      if (counts.get(at) + counts.get(at + 1) + counts.get(at + 2) > 0) canonical++
    }
    const bit = Math.log2(SIDE_BIT[side])
    return { exact: this.exactInputs.sizeOf(bit), normalised: this.normalisedInputs.sizeOf(bit), canonical }
  }

  /** Lets the per-row tables go once finish has taken what it needs from them. */
  private releaseRowTables(): void {
    this.exactInputs = new Hash53Flags(16)
    this.normalisedInputs = new Hash53Flags(16)
    this.contentIndex = new Hash53Index(16)
    this.contentRemaining = new GrowableInt32(16)
    this.contentInput = new GrowableFloat64(16)
    this.contentNormalised = new GrowableFloat64(16)
    this.contentCanonical = new GrowableInt32(16)
    this.addedInputs = new Hash53Counter(16)
    this.addedNormalised = new Hash53Index(16)
    this.addedNormalisedCount = new GrowableInt32(16)
  }

  /** Lets the canonical classes and raw keys go once they are summed into the resolved keys. */
  private releaseCanonicals(): void {
    this.canonicalIndex = new Hash53Index(16)
    this.canonicalFirst = new GrowableFloat64(16)
    this.canonicalKey = new GrowableInt32(16)
    this.canonicalCounts = new GrowableInt32(16)
    this.canonicalExamples = new GrowableInt32(16)
    this.keyIndex = new Hash53Index(16)
    this.keyExamples = new GrowableInt32(16)
    this.keyStrings = []
  }

  /** Added rows whose normalised input is also a base row's, and the first of them by position. */
  private duplicatesOfBase(): { candidates: number; examples: RowRef[] } {
    const hashes = this.addedNormalised.keysById()
    const duplicate = new Uint8Array(hashes.length)
    let candidates = 0
    for (let id = 0; id < hashes.length; id++) {
      if (this.normalisedInputs.get(hashes[id]!) & SIDE_BIT.base) {
        duplicate[id] = 1
        candidates += this.addedNormalisedCount.get(id)
      }
    }
    const examples: RowRef[] = []
    const list = this.duplicates
    for (let i = 0; i < list.ordinal.length && examples.length < DUPLICATE_EXAMPLES; i++) {
      if (duplicate[list.owner.get(i)] === 1) {
        examples.push({ file: this.fileNames[list.file.get(i)]!, line: list.line.get(i) })
      }
    }
    return { candidates, examples }
  }

  /**
   * The template keys' counts and first examples, summed over their canonical classes, and the keys in order
   * of their first row (the order a single pass over the rows meets them in).
   */
  private keyStats(): { order: number[]; table: KeyTable } {
    const table = new KeyTable(this.keyStrings.length)
    for (let c = 0; c < this.canonicalFirst.length; c++) {
      const k = this.canonicalKey.get(c)
      const first = this.canonicalFirst.get(c)
      if (first < table.first[k]!) table.first[k] = first
      for (let slot = 0; slot < COUNT_SLOTS; slot++) {
        table.counts[k * COUNT_SLOTS + slot]! += this.canonicalCounts.get(c * COUNT_SLOTS + slot)
      }
    }
    for (let view = 0; view < VIEWS; view++) {
      const list = this.examples[view]!
      for (let i = 0; i < list.length; i++)
        table.addExample(this.canonicalKey.get(list.owner.get(i)), view, i)
    }
    const order: number[] = []
    let sorted = true
    for (let k = 0; k < table.size; k++) {
      // A key whose canonical classes all moved to another key (after a merge) has no rows.
      if (table.first[k] === Infinity) continue
      if (order.length > 0 && table.first[order[order.length - 1]!]! > table.first[k]!) sorted = false
      order.push(k)
    }
    if (!sorted) order.sort((a, b) => table.first[a]! - table.first[b]!)
    return { order, table }
  }

  /** Folds keys that resolve to the same text: counts added, examples of the earlier key first. */
  private resolveKeys(raw: { order: number[]; table: KeyTable }): Resolved {
    // Each canonical text counts its key's words once, so a key is observed once per class that has it.
    const evidence = new ProperNounEvidence()
    const classesOfKey = new Int32Array(this.keyStrings.length)
    for (let c = 0; c < this.canonicalFirst.length; c++) {
      classesOfKey[this.canonicalKey.get(c)]!++
      const start = this.canonicalNames.get(2 * c)
      const end = start + this.canonicalNames.get(2 * c + 1)
      for (let i = start; i < end; i++) evidence.observeName(this.nameHashes.get(i))
    }
    for (let k = 0; k < classesOfKey.length; k++) {
      if (classesOfKey[k]! > 0) evidence.observeKey(this.keyStrings[k]!, classesOfKey[k]!)
    }
    // The names were kept for this evidence alone: they go before the resolved keys are built.
    this.canonicalNames = new GrowableInt32(16)
    this.nameHashes = new GrowableFloat64(16)
    // Resolved keys by hash53 in a typed table, not a Map keyed by the strings themselves.
    const byKey = new Hash53Index(raw.order.length)
    const keys: string[] = []
    const table = new KeyTable(raw.order.length)
    for (const k of raw.order) {
      const key = evidence.resolveKey(this.keyStrings[k]!)
      const r = byKey.idOf(hash53(key))
      if (r === keys.length) keys.push(key)
      for (let slot = 0; slot < COUNT_SLOTS; slot++)
        table.counts[r * COUNT_SLOTS + slot]! += raw.table.slot(k, slot)
      for (let view = 0; view < VIEWS; view++) {
        for (let j = 0; j < EXAMPLES_PER_KEY; j++) {
          const example = raw.table.example(k, view, j)
          if (example >= 0) table.addExample(r, view, example)
        }
      }
    }
    return { keys, table }
  }

  /**
   * Turns the base side's running measures into their figures once head rows start: the distinct-2 set alone
   * holds up to 2 million n-gram hashes (32 MB), which the head side's reading need not carry.
   */
  private closeBase(): void {
    const base = this.sides.base
    if (base.compression) base.measured = { ...base.measured, compressionRatio: base.compression.result() }
    if (base.distinct2) base.measured = { ...base.measured, distinct2: base.distinct2.result() }
    base.compression = null
    base.distinct2 = null
  }

  private diversityOf(state: SideState): { compressionRatio: number | null; distinct2: number | null } {
    return {
      compressionRatio: state.compression
        ? state.compression.result()
        : (state.measured.compressionRatio ?? null),
      distinct2: state.distinct2 ? state.distinct2.result() : (state.measured.distinct2 ?? null)
    }
  }

  private sideMetrics(
    side: Side,
    patterns: PatternTable,
    resolved: Resolved,
    counts: UniqueCounts
  ): SideMetrics {
    const state = this.sides[side]
    const view = VIEW_OF_SIDE[side]
    const sizes = patterns.sizes(view)
    const synthetic = patterns.syntheticSizes(view === BASE ? BASE : HEAD)
    let patternCount = 0
    let syntheticPatterns = 0
    for (let p = 0; p < patterns.size; p++) {
      if (sizes[p]! > 0) patternCount++
      if (synthetic[p]! > 0) syntheticPatterns++
    }
    let template = 0
    for (let k = 0; k < resolved.keys.length; k++) if (resolved.table.total(k, view) > 0) template++
    const unique: CascadeCounts = {
      ...counts,
      template,
      pattern: patternCount
    }
    const mix = mixOf(state.provenance)
    return {
      files: [...state.files].sort(),
      rows: state.rows,
      invalidRows: state.invalidRows,
      unique,
      uniquePatternRatio: ratio(patternCount, state.rows),
      effectivePatterns: effectiveCount(sizes),
      mix,
      syntheticUniquePatternRatio: ratio(syntheticPatterns, mix.synthetic),
      diversity: this.diversityOf(state),
      largestPatterns: this.largest(patterns, resolved, view)
    }
  }

  private largest(patterns: PatternTable, resolved: Resolved, view: View): PatternSummary[] {
    const list = this.examples[view]!
    const sizes = patterns.sizes(view)
    // Ties broken by first appearance, so the list is the same on every run.
    return patterns.largest(view, LARGEST_PATTERNS).map(p => {
      const members = Array.from(patterns.keysOf(p), k => ({ k, count: resolved.table.total(k, view) }))
        .filter(m => m.count > 0)
        .sort((a, b) => b.count - a.count || a.k - b.k)
      const examples: RowRef[] = []
      const exampleTexts: string[] = []
      for (const { k } of members) {
        for (let j = 0; j < EXAMPLES_PER_KEY && examples.length < EXAMPLES_PER_PATTERN; j++) {
          const i = resolved.table.example(k, view, j)
          if (i < 0) break
          examples.push({ file: this.fileNames[list.file.get(i)]!, line: list.line.get(i) })
          // Unsharded, the texts are read back from git once the examples are known (see example-texts.ts).
          if (this.keepsExampleTexts) exampleTexts.push(list.texts[i]!)
        }
        if (examples.length >= EXAMPLES_PER_PATTERN) break
      }
      const summary: PatternSummary = {
        templateKey: resolved.keys[members[0]!.k]!,
        size: sizes[p]!,
        variants: members.length,
        examples,
        exampleTexts
      }
      if (view === ADDED) summary.existedAtBase = patterns.sizes(BASE)[p]! > 0
      return summary
    })
  }

  /**
   * Folds in the analysis of another shard of the same rows (same parameters and shard count, another index),
   * so that this analysis becomes the one of both shards' rows. Every shard read every row, so their ordinals
   * and invalid-row counts agree; their owned rows are disjoint, and the per-class first rows and examples are
   * chosen again by ordinal. Merging all shards gives exactly what one unsharded analysis gives.
   */
  mergeFrom(other: DatasetAnalysis): void {
    if (other.shard.count !== this.shard.count) {
      throw new Error(`cannot merge a shard of ${other.shard.count} with a shard of ${this.shard.count}`)
    }
    for (const index of other.covered) {
      if (this.covered.has(index)) throw new Error(`shard ${index} of ${this.shard.count} is given twice`)
    }
    if (JSON.stringify(other.parameters) !== JSON.stringify(this.parameters)) {
      throw new Error('cannot merge analyses made with different pattern parameters')
    }
    if (other.ordinal !== this.ordinal) {
      throw new Error(
        `the shards read different rows (${this.ordinal} and ${other.ordinal}): not the same data`
      )
    }
    for (const index of other.covered) this.covered.add(index)
    for (const side of ['base', 'head'] as const) this.mergeSide(this.sides[side], other.sides[side])
    other.exactInputs.forEach((key, bits) => this.exactInputs.mark(key, bits))
    other.normalisedInputs.forEach((key, bits) => this.normalisedInputs.mark(key, bits))
    this.added += other.added
    this.unchanged += other.unchanged
    for (let p = 0; p < 3; p++) this.addedProvenance[p]! += other.addedProvenance[p]!
    this.headStarted ||= other.headStarted

    const files = other.fileNames.map(name => this.fileId(name))
    const canonicals = this.mergeCanonicals(other)
    for (let view = 0; view < VIEWS; view++) {
      this.examples[view] = mergeByOrdinal(
        this.examples[view]!,
        other.examples[view]!,
        new ExampleList(),
        canonicals,
        files
      )
    }
    const contents = other.contentIndex.keysById()
    for (let id = 0; id < contents.length; id++) {
      const at = this.contentIndex.idOf(contents[id]!)
      if (at !== this.contentRemaining.length) throw new Error('two shards hold rows of the same content')
      this.contentRemaining.push(other.contentRemaining.get(id))
      this.contentInput.push(other.contentInput.get(id))
    }
    other.addedInputs.forEach((input, count) => this.addedInputs.increment(input, count))
    this.mergeDuplicates(other, files)
    if (this.samples && other.samples) {
      for (const name of SAMPLE_NAMES) this.samples[name].mergeFrom(other.samples[name])
    }
  }

  private mergeSide(into: SideState, from: SideState): void {
    into.rows += from.rows
    if (from.invalidRows !== into.invalidRows) throw new Error('the shards found different unreadable rows')
    for (const file of from.files) into.files.add(file)
    for (let p = 0; p < 3; p++) into.provenance[p]! += from.provenance[p]!
    into.measured = { ...measuredOf(into), ...measuredOf(from) }
    into.compression = null
    into.distinct2 = null
  }

  /** Adds the other analysis's canonical classes; returns their ids here. */
  private mergeCanonicals(other: DatasetAnalysis): Int32Array {
    const hashes = other.canonicalIndex.keysById()
    const ids = new Int32Array(hashes.length)
    for (let oc = 0; oc < hashes.length; oc++) {
      const c = this.canonicalIndex.idOf(hashes[oc]!)
      ids[oc] = c
      const first = other.canonicalFirst.get(oc)
      if (c === this.canonicalFirst.length) {
        this.canonicalFirst.push(first)
        this.canonicalKey.push(this.keyIdOf(other.keyStrings[other.canonicalKey.get(oc)]!))
        this.canonicalCounts.pushZeros(COUNT_SLOTS)
        this.canonicalExamples.pushZeros(EXAMPLE_SLOTS)
        this.canonicalNames.pushZeros(2)
        this.copyNames(other, oc, c)
      } else if (first < this.canonicalFirst.get(c)) {
        // A class's key is the key of its first row, wherever that row was read.
        this.canonicalFirst.set(c, first)
        this.canonicalKey.set(c, this.keyIdOf(other.keyStrings[other.canonicalKey.get(oc)]!))
        this.copyNames(other, oc, c)
      }
      for (let slot = 0; slot < COUNT_SLOTS; slot++) {
        this.canonicalCounts.add(c * COUNT_SLOTS + slot, other.canonicalCounts.get(oc * COUNT_SLOTS + slot))
      }
    }
    return ids
  }

  /**
   * Gives class `c` the names of the other analysis's class `oc`. They are appended: names a class had before
   * stay in nameHashes unused, which happens only for a class whose first row was in another shard.
   */
  private copyNames(other: DatasetAnalysis, oc: number, c: number): void {
    const start = other.canonicalNames.get(2 * oc)
    const count = other.canonicalNames.get(2 * oc + 1)
    this.canonicalNames.set(2 * c, this.nameHashes.length)
    this.canonicalNames.set(2 * c + 1, count)
    for (let i = start; i < start + count; i++) this.nameHashes.push(other.nameHashes.get(i))
  }

  private mergeDuplicates(other: DatasetAnalysis, files: number[]): void {
    const hashes = other.addedNormalised.keysById()
    const ids = new Int32Array(hashes.length)
    for (let on = 0; on < hashes.length; on++) {
      const n = this.addedNormalised.idOf(hashes[on]!)
      if (n === this.addedNormalisedCount.length) this.addedNormalisedCount.push(0)
      this.addedNormalisedCount.add(n, other.addedNormalisedCount.get(on))
      ids[on] = n
    }
    this.duplicates = mergeByOrdinal(this.duplicates, other.duplicates, new RowList(), ids, files)
  }

  /**
   * The analysis as data, to save and load later (`fromState`). `headComplete` says whether the head side is
   * final too; when it is not (an analysis saved after its base rows), the loaded analysis measures head
   * rows afresh.
   */
  toState(headComplete: boolean): AnalysisState {
    const numbers: Record<string, Float64Array | Int32Array> = {}
    const strings: Record<string, string[]> = { keys: this.keyStrings }
    const sideJson = (side: Side, final: boolean): SideStateJson => {
      const state = this.sides[side]
      return {
        rows: state.rows,
        invalidRows: state.invalidRows,
        files: [...state.files],
        provenance: [...state.provenance],
        measured: final ? measuredOf(state) : {},
        final
      }
    }
    const sides = { base: sideJson('base', true), head: sideJson('head', headComplete) }
    for (const [name, table] of [
      ['exact', this.exactInputs],
      ['normalised', this.normalisedInputs]
    ] as const) {
      const keys = new Float64Array(table.size)
      const bits = new Float64Array(table.size)
      let i = 0
      table.forEach((key, flags) => {
        keys[i] = key
        bits[i++] = flags
      })
      numbers[`${name}.key`] = keys
      numbers[`${name}.bits`] = bits
    }
    numbers['canonical.hash'] = this.canonicalIndex.keysById()
    numbers['canonical.first'] = this.canonicalFirst.view().slice()
    numbers['canonical.key'] = this.canonicalKey.view().slice()
    numbers['canonical.counts'] = this.canonicalCounts.view().slice()
    numbers['canonical.examples'] = this.canonicalExamples.view().slice()
    numbers['canonical.names'] = this.canonicalNames.view().slice()
    numbers['names.hash'] = this.nameHashes.view().slice()
    numbers['key.examples'] = this.keyExamples.view().slice()
    for (let view = 0; view < VIEWS; view++) {
      const list = this.examples[view]!
      list.save(numbers, `examples${view}`, 'canonical')
      strings[`examples${view}.texts`] = list.texts
    }
    numbers['content.hash'] = this.contentIndex.keysById()
    numbers['content.remaining'] = this.contentRemaining.view().slice()
    numbers['content.input'] = this.contentInput.view().slice()
    const addedInputs: number[] = []
    const addedInputCounts: number[] = []
    this.addedInputs.forEach((key, count) => {
      addedInputs.push(key)
      addedInputCounts.push(count)
    })
    numbers['addedInputs.key'] = Float64Array.from(addedInputs)
    numbers['addedInputs.count'] = Float64Array.from(addedInputCounts)
    numbers['addedNormalised.hash'] = this.addedNormalised.keysById()
    numbers['addedNormalised.count'] = this.addedNormalisedCount.view().slice()
    this.duplicates.save(numbers, 'duplicates', 'normalised')
    const samples = this.samples
    return {
      json: {
        version: ANALYSIS_STATE_VERSION,
        shard: this.shard,
        covered: [...this.covered].sort((a, b) => a - b),
        parameters: this.parameters,
        sampleSize: this.realism.sampleSize,
        sides,
        ordinal: this.ordinal,
        headStarted: this.headStarted,
        added: this.added,
        unchanged: this.unchanged,
        addedProvenance: [...this.addedProvenance],
        fileNames: this.fileNames,
        samples: samples
          ? {
              real: samples.real.toState(),
              synthetic: samples.synthetic.toState(),
              existing: samples.existing.toState(),
              added: samples.added.toState()
            }
          : null
      },
      numbers,
      strings
    }
  }

  /**
   * An analysis loaded from `toState`. Throws when the state was made by another layout version or with other
   * parameters, so a caller can treat it as absent.
   */
  static fromState(
    state: AnalysisState,
    parameters: PatternParameters,
    realism?: RealismOptions
  ): DatasetAnalysis {
    const json = state.json
    if (json.version !== ANALYSIS_STATE_VERSION) {
      throw new Error(
        `saved analysis has layout ${json.version}, this version reads ${ANALYSIS_STATE_VERSION}`
      )
    }
    if (JSON.stringify(json.parameters) !== JSON.stringify(parameters)) {
      throw new Error('saved analysis was made with other pattern parameters')
    }
    const options = realism ?? { sampleSize: json.sampleSize, reference: null }
    if (options.sampleSize !== json.sampleSize) {
      throw new Error('saved analysis was made with another realism sample size')
    }
    const analysis = new DatasetAnalysis(parameters, options, json.shard)
    const column = (name: string): Float64Array | Int32Array => {
      const values = state.numbers[name]
      if (!values) throw new Error(`saved analysis lacks ${name}`)
      return values
    }
    const text = (name: string): string[] => {
      const values = state.strings[name]
      if (!values) throw new Error(`saved analysis lacks ${name}`)
      return values
    }
    analysis.covered.clear()
    for (const index of json.covered) analysis.covered.add(index)
    for (const side of ['base', 'head'] as const) {
      const saved = json.sides[side]
      const into = analysis.sides[side]
      into.rows = saved.rows
      into.invalidRows = saved.invalidRows
      for (const file of saved.files) into.files.add(file)
      into.provenance = [...saved.provenance]
      if (saved.final) {
        into.measured = saved.measured
        into.compression = null
        into.distinct2 = null
      }
    }
    // Tables and columns are made at their saved size at once: grown by doubling, each left up to its own size
    // again in discarded buffers, and kept up to twice the room it needs.
    analysis.exactInputs = new Hash53Flags(column('exact.key').length)
    analysis.normalisedInputs = new Hash53Flags(column('normalised.key').length)
    analysis.keyIndex = new Hash53Index(text('keys').length)
    analysis.canonicalIndex = new Hash53Index(column('canonical.hash').length)
    analysis.contentIndex = new Hash53Index(column('content.hash').length)
    for (const [name, table] of [
      ['exact', analysis.exactInputs],
      ['normalised', analysis.normalisedInputs]
    ] as const) {
      const keys = column(`${name}.key`)
      const bits = column(`${name}.bits`)
      for (let i = 0; i < keys.length; i++) table.mark(keys[i]!, bits[i]!)
    }
    analysis.ordinal = json.ordinal
    analysis.headStarted = json.headStarted
    analysis.added = json.added
    analysis.unchanged = json.unchanged
    analysis.addedProvenance.splice(0, 3, ...json.addedProvenance)
    for (const name of json.fileNames) analysis.fileId(name)
    for (const key of text('keys')) analysis.keyIdOf(key)
    const names = column('canonical.names')
    const nameHashes = column('names.hash')
    for (let c = 0; c < names.length; c += 2) {
      if (names[c]! < 0 || names[c + 1]! < 0 || names[c]! + names[c + 1]! > nameHashes.length) {
        throw new Error('saved analysis has names out of range')
      }
    }
    if (names.length !== 2 * column('canonical.hash').length) {
      throw new Error('saved analysis has names for another number of canonical texts')
    }
    analysis.canonicalNames.append(names)
    analysis.nameHashes.append(nameHashes)
    fillIndex(analysis.canonicalIndex, column('canonical.hash'))
    analysis.canonicalFirst.append(column('canonical.first'))
    analysis.canonicalKey.append(column('canonical.key'))
    analysis.canonicalCounts.append(column('canonical.counts'))
    analysis.canonicalExamples.append(column('canonical.examples'))
    // keyIdOf above gave every key zero examples; the saved counts replace them.
    const keyExamples = column('key.examples')
    for (let i = 0; i < keyExamples.length; i++) analysis.keyExamples.set(i, keyExamples[i]!)
    for (let view = 0; view < VIEWS; view++) {
      const list = analysis.examples[view]!
      list.load(column, `examples${view}`, 'canonical')
      for (const value of text(`examples${view}.texts`)) list.texts.push(value)
      if (list.texts.length !== (analysis.keepsExampleTexts ? list.length : 0)) {
        throw new Error(`saved analysis has ${list.texts.length} example texts for ${list.length} examples`)
      }
    }
    fillIndex(analysis.contentIndex, column('content.hash'))
    analysis.contentRemaining.append(column('content.remaining'))
    analysis.contentInput.append(column('content.input'))
    const inputs = column('addedInputs.key')
    const counts = column('addedInputs.count')
    for (let i = 0; i < inputs.length; i++) analysis.addedInputs.increment(inputs[i]!, counts[i]!)
    fillIndex(analysis.addedNormalised, column('addedNormalised.hash'))
    analysis.addedNormalisedCount.append(column('addedNormalised.count'))
    analysis.duplicates.load(column, 'duplicates', 'normalised')
    if (analysis.samples && json.samples) {
      for (const name of SAMPLE_NAMES) {
        analysis.samples[name] = RealismSample.fromState(json.samples[name])
      }
    }
    return analysis
  }
}

const SAMPLE_NAMES = ['real', 'synthetic', 'existing', 'added'] as const

function measuredOf(state: SideState): MeasuredDiversity {
  const measured: MeasuredDiversity = { ...state.measured }
  if (state.compression) measured.compressionRatio = state.compression.result()
  if (state.distinct2) measured.distinct2 = state.distinct2.result()
  return measured
}

function fillIndex(index: Hash53Index, keys: ArrayLike<number>): void {
  for (let i = 0; i < keys.length; i++) {
    if (index.idOf(keys[i]!) !== i) throw new Error('saved analysis holds a key twice')
  }
}
