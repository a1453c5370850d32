// The realism report for two sides of a dataset (usually real and synthetic rows): a bounded sample of each
// side's row features, compared feature by feature, by vocabulary and by a classifier, and turned into the few
// sentences a reviewer acts on. DESIGN.md "How far the synthetic rows are from the real ones".
import { INITIAL_ENTRIES } from '../growable.js'
import { hash53 } from '../hash.js'
import { textSnippet } from '../snippet.js'
import type { RowRef } from '../../types.js'
import { bernoulliDivergence, jensenShannon, lengthDivergence } from './divergence.js'
import {
  FEATURE_DESCRIPTIONS,
  LENGTH_FEATURES,
  RATE_FEATURES,
  rowFeatures,
  vocabularyTokens
} from './features.js'
import { crossValidatedAuc } from './separability.js'
import type {
  FeatureComparison,
  FeatureName,
  LengthFeatureName,
  RateFeatureName,
  RealismComparison
} from './types.js'

/**
 * Rows kept per side: a rate is then known within ±1.4 points (95%, at worst), and comparing two full samples
 * takes about 0.3 s (measured on GSM8K against Alpaca).
 */
export const REALISM_SAMPLE_CAP = 5000
/** Input tokens kept per sampled row for the vocabulary; bounds memory at cap × this × 8 bytes per side. */
export const MAX_VOCABULARY_TOKENS_PER_ROW = 256
/** Words per side entering the vocabulary divergence: the long tail is mostly one-off words and numbers. */
export const VOCABULARY_TOP_WORDS = 20_000
/**
 * A feature shift above this divergence is a gap. Synthetic against synthetic stays under 0.002 on average
 * (DESIGN.md), and 0.02 is where a rate moves from 4% to 0%, or from 50% to about 33%.
 */
export const GAP_MIN_DIVERGENCE = 0.02
/** A rare feature is also a gap when one side shows it this many times as often as the other... */
export const GAP_MIN_RATE_RATIO = 2
/** ...and the rates differ by at least this much, so 3 rows in 5,000 against none is not reported. */
export const GAP_MIN_RATE_DIFFERENCE = 0.01
/** The side showing a feature more must show it in at least this many rows for a gap: fewer is anecdote. */
export const GAP_MIN_ROWS = 3
/** Example rows per side for each feature. */
export const EXAMPLES_PER_FEATURE = 3
/**
 * Code points of a sampled row's input and output kept for examples: the markdown cuts example text at 120, and
 * two such snippets over 5,000 rows a side stay around 2 MB per sample.
 */
export const SNIPPET_LENGTH = 120
/** The classifier's default seed; any fixed value keeps reports reproducible. */
export const DEFAULT_REALISM_SEED = 0x5eed
/**
 * Length examples are typical rows of each side, not outliers: on the side with the longer median, rows near
 * its upper quartile; on the other, rows near its lower quartile, so the examples show the contrast.
 */
const LONG_EXAMPLE_QUANTILE = 0.75
const SHORT_EXAMPLE_QUANTILE = 0.25
/** A median ratio below this reads as "about the same length", and the sentence speaks of the spread. */
const MIN_LENGTH_RATIO_TO_NAME = 1.1

/**
 * What the sample keeps of one row: its features, packed, its input's word hashes and the start of each text
 * for examples. Never the whole text.
 */
export interface SampledRow {
  ref: RowRef
  key: number
  /** Bit i set when RATE_FEATURES[i] holds. */
  flags: number
  inputWords: number
  outputWords: number
  vocabulary: Float64Array
  /** The first SNIPPET_LENGTH code points of the input and of the output. */
  inputSnippet: string
  outputSnippet: string
}

/**
 * A SampledRow as plain JSON, for a shard's partial state: the vocabulary's hashes are integers below 2^53,
 * which JSON carries exactly, so a number[] restores the same Float64Array.
 */
export interface SampledRowState {
  ref: RowRef
  key: number
  flags: number
  inputWords: number
  outputWords: number
  vocabulary: number[]
  inputSnippet: string
  outputSnippet: string
}

/** A RealismSample as plain JSON: its cap, the rows it counted, and its kept rows in key order. */
export interface RealismSampleState {
  cap: number
  /** All rows offered to the sample, kept or not (RealismSample.rows). */
  seen: number
  rows: SampledRowState[]
}

/**
 * A row offered to one or more samples, whose features are computed on first need and then shared. Until then
 * it holds the row's two texts, which is cheaper than computing features for a row that leaves the sample
 * again: most rows that enter a bottom-k sample early are pushed out by smaller keys later.
 */
export class PendingRow {
  private sampled: SampledRow | null = null
  readonly ref: RowRef

  constructor(
    ref: RowRef,
    readonly key: number,
    private input: string,
    private output: string
  ) {
    // A copy: the caller may pass the whole row, and the sample must not keep its other fields alive.
    this.ref = { file: ref.file, line: ref.line }
  }

  /** A row whose features are already known, as restored from a partial state or taken from another sample. */
  static computed(row: SampledRow): PendingRow {
    const pending = new PendingRow(row.ref, row.key, '', '')
    pending.sampled = { ...row, ref: pending.ref }
    return pending
  }

  /** The row as plain data for another thread: its texts while its features are not computed, else those. */
  toTransfer(): PendingRowTransfer {
    return { ref: this.ref, key: this.key, input: this.input, output: this.output, sampled: this.sampled }
  }

  /** The row toTransfer described, on the thread that received it. */
  static fromTransfer(transfer: PendingRowTransfer): PendingRow {
    if (transfer.sampled !== null) return PendingRow.computed(transfer.sampled)
    return new PendingRow(transfer.ref, transfer.key, transfer.input, transfer.output)
  }

  /** Characters of text still held; 0 once the features are computed. */
  get pendingChars(): number {
    return this.sampled === null ? this.input.length + this.output.length : 0
  }

  /** The row's features, computed once; the texts are released then. */
  features(): SampledRow {
    if (this.sampled === null) {
      this.sampled = sampleRow(this.ref, this.input, this.output, this.key)
      this.input = ''
      this.output = ''
    }
    return this.sampled
  }
}

/** A PendingRow as plain data (structured-cloneable): the texts are empty once `sampled` is known. */
export interface PendingRowTransfer {
  ref: RowRef
  key: number
  input: string
  output: string
  sampled: SampledRow | null
}

/**
 * Text a sample may hold for rows whose features are not computed yet, in UTF-16 code units (at most 8 MB a
 * sample). A 5,000-row sample of rows averaging 800 characters fits whole, so on prompt datasets features are
 * computed only for the rows that end in the sample; longer rows are computed in batches as the budget fills.
 * Profiled on 100k GSM8K and Alpaca rows (4 samples of 5,000): features computed on entry took 2.8 s, deferred
 * 1.1 s.
 */
export const PENDING_CHARS_PER_SAMPLE = 4_000_000

/**
 * A bounded, deterministic sample of one side's rows: the `cap` rows with the smallest keys (bottom-k). Keys are
 * hashes of row content, so the same rows give the same sample whatever order they arrive in. A row's features
 * are computed only once it is in the sample, and lazily (see PendingRow), so most rows of a large side never
 * cost more than one comparison.
 */
export class RealismSample {
  /** A max-heap on (key, file, line): the root is the first row to leave when a smaller key arrives. */
  private readonly heap: PendingRow[] = []
  /**
   * heap[i].key, beside the heap: most comparisons are settled by the keys, and these (at most 40 KB) stay in cache where
   * the rows do not (at a million head rows, sift-downs reading the rows' keys took 0.49 s of the main thread).
   */
  private keys: Float64Array
  private seen = 0
  /** Text held by pending rows of this sample; an upper bound, as another sample may compute a shared row. */
  private pendingChars = 0

  constructor(
    private readonly cap = REALISM_SAMPLE_CAP,
    private readonly pendingBudget = PENDING_CHARS_PER_SAMPLE
  ) {
    if (!Number.isInteger(cap) || cap < 1) {
      throw new Error(`the realism sample needs a positive integer cap, got ${cap}`)
    }
    this.keys = new Float64Array(Math.min(cap, INITIAL_ENTRIES))
  }

  add(ref: RowRef, input: string, output: string, key: number): void {
    this.offer(ref, key, () => new PendingRow(ref, key, input, output))
  }

  /**
   * Counts a row and keeps it when its key is among the `cap` smallest seen. `row` is called only then, so most
   * rows of a large side cost one comparison; two samples offered the same PendingRow share its features.
   * `row()` must describe the row at `ref` with key `key`.
   */
  offer(ref: RowRef, key: number, row: () => PendingRow): void {
    this.seen++
    if (!this.wouldKeep(key, ref)) return
    this.insert(row())
  }

  /** Whether a row with this key and position would enter the sample now. */
  wouldKeep(key: number, ref: RowRef): boolean {
    if (this.heap.length < this.cap) return true
    const top = this.keys[0]!
    return key < top || (key === top && compareRows(key, ref, this.heap[0]!) < 0)
  }

  /**
   * The sample as plain JSON, for a shard to hand to the merge. Pending features are computed first: the state
   * must not carry row texts, and a restored sample has no texts to compute them from.
   */
  toState(): RealismSampleState {
    return { cap: this.cap, seen: this.seen, rows: this.sampledRows().map(sampledRowState) }
  }

  /** The sample a state was taken from: the same rows, count and cap, and it can keep taking rows. */
  static fromState(state: RealismSampleState, pendingBudget = PENDING_CHARS_PER_SAMPLE): RealismSample {
    const rows = state.rows.map(row => PendingRow.computed(sampledRowFromState(row)))
    return RealismSample.fromKept({ cap: state.cap, seen: state.seen, rows }, pendingBudget)
  }

  /** The rows kept, in no particular order, with the count of rows seen: what `fromKept` takes back. */
  kept(): { cap: number; seen: number; rows: readonly PendingRow[] } {
    return { cap: this.cap, seen: this.seen, rows: this.heap }
  }

  /** The sample `kept()` described: the same rows (shared with other samples as given), cap and count. */
  static fromKept(
    kept: { cap: number; seen: number; rows: readonly PendingRow[] },
    pendingBudget = PENDING_CHARS_PER_SAMPLE
  ): RealismSample {
    const sample = new RealismSample(kept.cap, pendingBudget)
    if (kept.rows.length > kept.cap || !Number.isInteger(kept.seen) || kept.seen < kept.rows.length) {
      throw new Error(
        `a realism sample keeps ${kept.rows.length} rows of ${kept.seen} seen with a cap of ${kept.cap}`
      )
    }
    for (const row of kept.rows) sample.insert(row)
    sample.seen = kept.seen
    return sample
  }

  /**
   * Takes in another sample's rows, so this one becomes the bottom-k of both. The `cap` smallest keys of a union
   * are among the `cap` smallest of each part, so when the two samples saw disjoint rows (shards of one side)
   * the result is exactly the sample one instance would hold after seeing all of them, in any order. A row seen
   * by both would be kept twice: shards must not overlap.
   */
  mergeFrom(other: RealismSample): void {
    if (other === this) throw new Error('a realism sample cannot be merged with itself')
    if (other.cap !== this.cap) {
      throw new Error(`cannot merge realism samples with different caps (${this.cap} and ${other.cap})`)
    }
    for (const row of other.heap) {
      if (this.wouldKeep(row.key, row.ref)) this.insert(row)
    }
    this.seen += other.seen
  }

  private insert(row: PendingRow): void {
    if (this.heap.length < this.cap) {
      if (this.heap.length === this.keys.length) {
        // Grown as the heap grows: a dataset of a few rows keeps four samples of a few keys.
        const keys = new Float64Array(Math.min(this.cap, this.keys.length * 2))
        keys.set(this.keys)
        this.keys = keys
      }
      this.heap.push(row)
      this.keys[this.heap.length - 1] = row.key
      this.siftUp(this.heap.length - 1)
    } else {
      this.pendingChars -= this.heap[0]!.pendingChars
      this.heap[0] = row
      this.keys[0] = row.key
      this.siftDown(0)
    }
    this.pendingChars += row.pendingChars
    if (this.pendingChars > this.pendingBudget) {
      // The running sum can only overstate: count again before computing anything.
      this.pendingChars = 0
      for (const entry of this.heap) this.pendingChars += entry.pendingChars
      if (this.pendingChars > this.pendingBudget) this.computeAll()
    }
  }

  private computeAll(): void {
    for (const entry of this.heap) entry.features()
    this.pendingChars = 0
  }

  /** All rows seen, sampled or not. */
  get rows(): number {
    return this.seen
  }

  /** Rows kept in the sample. */
  get sampled(): number {
    return this.heap.length
  }

  /** The sampled rows in key order (the order the report picks examples in). Used by compareSamples. */
  sampledRows(): readonly SampledRow[] {
    this.computeAll()
    return [...this.heap].sort((x, y) => compareRows(x.key, x.ref, y)).map(entry => entry.features())
  }

  /** Whether heap entry a comes after entry b in (key, file, line) order. */
  private after(a: number, b: number): boolean {
    const keys = this.keys
    if (keys[a] !== keys[b]) return keys[a]! > keys[b]!
    const row = this.heap[a]!
    return compareRows(row.key, row.ref, this.heap[b]!) > 0
  }

  private swap(a: number, b: number): void {
    const { heap, keys } = this
    const row = heap[a]!
    heap[a] = heap[b]!
    heap[b] = row
    const key = keys[a]!
    keys[a] = keys[b]!
    keys[b] = key
  }

  private siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (!this.after(index, parent)) return
      this.swap(index, parent)
      index = parent
    }
  }

  private siftDown(index: number): void {
    const size = this.heap.length
    for (;;) {
      let largest = index
      const left = 2 * index + 1
      if (left < size && this.after(left, largest)) largest = left
      const right = left + 1
      if (right < size && this.after(right, largest)) largest = right
      if (largest === index) return
      this.swap(index, largest)
      index = largest
    }
  }
}

/**
 * Compares two sides' samples: every feature's rates (or lengths) and divergence, the vocabulary divergence, the
 * classifier's separability, and the gaps worth a reviewer's attention, largest first.
 */
export function compareSamples(
  a: RealismSample,
  b: RealismSample,
  labels: { a: string; b: string },
  options: { seed?: number } = {}
): RealismComparison {
  const rowsA = a.sampledRows()
  const rowsB = b.sampledRows()
  const comparable = rowsA.length > 0 && rowsB.length > 0
  const features: FeatureComparison[] = [
    ...RATE_FEATURES.map((feature, bit) => rateComparison(feature, bit, rowsA, rowsB, comparable)),
    ...LENGTH_FEATURES.map(feature => lengthComparison(feature, rowsA, rowsB, comparable))
  ]
  const gaps = comparable
    ? features
        .filter(comparison => isGap(comparison, rowsA, rowsB))
        .map(comparison => ({
          feature: comparison.feature,
          sentence: gapSentence(comparison, labels),
          divergence: comparison.divergence,
          examplesA: comparison.examplesA,
          examplesB: comparison.examplesB,
          exampleTextsA: comparison.exampleTextsA,
          exampleTextsB: comparison.exampleTextsB
        }))
        .sort((x, y) => y.divergence - x.divergence)
    : []
  return {
    labelA: labels.a,
    labelB: labels.b,
    rowsA: a.rows,
    rowsB: b.rows,
    sampledA: rowsA.length,
    sampledB: rowsB.length,
    features,
    vocabularyDivergence: comparable ? vocabularyDivergence(rowsA, rowsB) : 0,
    separability: crossValidatedAuc(rowsA.map(featureVector), rowsB.map(featureVector), {
      seed: options.seed ?? DEFAULT_REALISM_SEED
    }),
    gaps
  }
}

/** What a sample keeps of one row: its features, its vocabulary and the start of its texts. */
export function sampleRow(ref: RowRef, input: string, output: string, key: number): SampledRow {
  const features = rowFeatures(input, output)
  let flags = 0
  RATE_FEATURES.forEach((feature, bit) => {
    if (features[feature]) flags |= 1 << bit
  })
  const tokens = vocabularyTokens(input).slice(0, MAX_VOCABULARY_TOKENS_PER_ROW)
  return {
    // A copy: the caller may pass the whole row, and the sample must not keep its text alive.
    ref: { file: ref.file, line: ref.line },
    key,
    flags,
    inputWords: features['input-length'],
    outputWords: features['output-length'],
    vocabulary: Float64Array.from(tokens, token => hash53(token)),
    inputSnippet: textSnippet(input, SNIPPET_LENGTH),
    outputSnippet: textSnippet(output, SNIPPET_LENGTH)
  }
}

function sampledRowState(row: SampledRow): SampledRowState {
  return { ...row, ref: { file: row.ref.file, line: row.ref.line }, vocabulary: Array.from(row.vocabulary) }
}

function sampledRowFromState(row: SampledRowState): SampledRow {
  return {
    ref: { file: row.ref.file, line: row.ref.line },
    key: row.key,
    flags: row.flags,
    inputWords: row.inputWords,
    outputWords: row.outputWords,
    vocabulary: Float64Array.from(row.vocabulary),
    inputSnippet: row.inputSnippet,
    outputSnippet: row.outputSnippet
  }
}

/** Orders rows by key; equal keys (identical content) by position, so the sample never depends on arrival order. */
function compareRows(key: number, ref: RowRef, other: { key: number; ref: RowRef }): number {
  if (key !== other.key) return key < other.key ? -1 : 1
  if (ref.file !== other.ref.file) return ref.file < other.ref.file ? -1 : 1
  return ref.line - other.ref.line
}

/** Rate features as 0/1, lengths on a log scale (a 10-word difference matters at 5 words, not at 500). */
function featureVector(row: SampledRow): number[] {
  const vector = RATE_FEATURES.map((_, bit) => (row.flags >> bit) & 1)
  vector.push(Math.log1p(row.inputWords), Math.log1p(row.outputWords))
  return vector
}

function rateComparison(
  feature: RateFeatureName,
  bit: number,
  rowsA: readonly SampledRow[],
  rowsB: readonly SampledRow[],
  comparable: boolean
): FeatureComparison {
  const shows = (row: SampledRow): boolean => ((row.flags >> bit) & 1) === 1
  const a = share(rowsA, shows)
  const b = share(rowsB, shows)
  return {
    feature,
    description: FEATURE_DESCRIPTIONS[feature],
    kind: 'rate',
    a,
    b,
    divergence: comparable ? bernoulliDivergence(a, b) : 0,
    ...exampleFields(feature, rowsA.filter(shows), rowsB.filter(shows))
  }
}

function lengthComparison(
  feature: LengthFeatureName,
  rowsA: readonly SampledRow[],
  rowsB: readonly SampledRow[],
  comparable: boolean
): FeatureComparison {
  const length = (row: SampledRow): number => (feature === 'input-length' ? row.inputWords : row.outputWords)
  const lengthsA = rowsA.map(length)
  const lengthsB = rowsB.map(length)
  const a = quantile(lengthsA, 0.5)
  const b = quantile(lengthsB, 0.5)
  const targetA = a === b ? 0.5 : a > b ? LONG_EXAMPLE_QUANTILE : SHORT_EXAMPLE_QUANTILE
  const targetB = a === b ? 0.5 : b > a ? LONG_EXAMPLE_QUANTILE : SHORT_EXAMPLE_QUANTILE
  return {
    feature,
    description: FEATURE_DESCRIPTIONS[feature],
    kind: 'length',
    a,
    b,
    divergence: comparable ? lengthDivergence(lengthsA, lengthsB) : 0,
    ...exampleFields(
      feature,
      nearest(rowsA, length, quantile(lengthsA, targetA)),
      nearest(rowsB, length, quantile(lengthsB, targetB))
    )
  }
}

function isGap(
  comparison: FeatureComparison,
  rowsA: readonly SampledRow[],
  rowsB: readonly SampledRow[]
): boolean {
  if (comparison.kind === 'length') {
    return (
      comparison.divergence > GAP_MIN_DIVERGENCE &&
      rowsA.length >= GAP_MIN_ROWS &&
      rowsB.length >= GAP_MIN_ROWS
    )
  }
  const high = Math.max(comparison.a, comparison.b)
  const low = Math.min(comparison.a, comparison.b)
  const highRows = Math.round(high * (comparison.a >= comparison.b ? rowsA.length : rowsB.length))
  if (highRows < GAP_MIN_ROWS) return false
  if (comparison.divergence > GAP_MIN_DIVERGENCE) return true
  return high >= GAP_MIN_RATE_RATIO * low && high - low >= GAP_MIN_RATE_DIFFERENCE
}

/** How each rate feature reads in a gap sentence: whose text, what most of it does, and the "never" form. */
const RATE_WORDING: Readonly<
  Record<RateFeatureName, { texts: 'inputs' | 'outputs'; verb: string; never?: string }>
> = {
  'terse-input': { texts: 'inputs', verb: 'are terse (5 words or fewer)' },
  'shorthand-input': { texts: 'inputs', verb: 'are shorthand like "2+2=?"' },
  'lowercase-start': { texts: 'inputs', verb: 'start in lower case' },
  'no-final-punctuation': { texts: 'inputs', verb: 'end without punctuation' },
  'question-mark': { texts: 'inputs', verb: 'have a question mark' },
  'likely-typo': { texts: 'inputs', verb: 'have a likely typo' },
  // For outputs, absence on one side is the lesson: a model trained on it learns never to do it.
  'uncertainty-output': {
    texts: 'outputs',
    verb: 'say they do not know or are not sure',
    never: 'never say they do not know'
  },
  'refusal-output': { texts: 'outputs', verb: 'refuse', never: 'never refuse' },
  'politeness-output': {
    texts: 'outputs',
    verb: 'show politeness or eagerness ("Certainly!", "I\'d be happy to")',
    never: 'never show politeness or eagerness ("Certainly!", "I\'d be happy to")'
  }
}

function gapSentence(comparison: FeatureComparison, labels: { a: string; b: string }): string {
  if (comparison.kind === 'length') return lengthSentence(comparison, labels)
  const wording = RATE_WORDING[comparison.feature as RateFeatureName]
  const { a, b } = comparison
  if (wording.never !== undefined && (a === 0) !== (b === 0)) {
    const [never, other, rate] = a === 0 ? [labels.a, labels.b, b] : [labels.b, labels.a, a]
    return `${never} ${wording.texts} ${wording.never} (${other}: ${percent(rate)})`
  }
  return `${labels.a} ${wording.texts}: ${percent(a)} ${wording.verb}, ${labels.b}: ${percent(b)}`
}

function lengthSentence(comparison: FeatureComparison, labels: { a: string; b: string }): string {
  const texts = comparison.feature === 'input-length' ? 'inputs' : 'outputs'
  const { a, b } = comparison
  const [longer, shorter, high, low] = a > b ? [labels.a, labels.b, a, b] : [labels.b, labels.a, b, a]
  const medians = `(median ${words(high)} vs ${number(low)})`
  if (low > 0 && high / low < MIN_LENGTH_RATIO_TO_NAME) {
    return `${labels.a} and ${labels.b} ${texts.slice(0, -1)} lengths are spread differently (median ${words(a)} vs ${number(b)})`
  }
  if (low === 0) return `${longer} ${texts} are longer than ${shorter} ${medians}`
  return `${longer} ${texts} are ${ratio(high / low)}x longer than ${shorter} ${medians}`
}

function vocabularyDivergence(rowsA: readonly SampledRow[], rowsB: readonly SampledRow[]): number {
  const countsA = wordCounts(rowsA)
  const countsB = wordCounts(rowsB)
  const words = new Set([...topWords(countsA), ...topWords(countsB)])
  const p: number[] = []
  const q: number[] = []
  for (const word of words) {
    p.push(countsA.get(word) ?? 0)
    q.push(countsB.get(word) ?? 0)
  }
  return jensenShannon(p, q)
}

function wordCounts(rows: readonly SampledRow[]): Map<number, number> {
  const counts = new Map<number, number>()
  for (const row of rows) for (const word of row.vocabulary) counts.set(word, (counts.get(word) ?? 0) + 1)
  return counts
}

/** The VOCABULARY_TOP_WORDS most frequent words; ties broken by hash so the cut is deterministic. */
function topWords(counts: Map<number, number>): number[] {
  const entries = [...counts]
  if (entries.length > VOCABULARY_TOP_WORDS) {
    entries.sort((x, y) => y[1] - x[1] || x[0] - y[0])
    entries.length = VOCABULARY_TOP_WORDS
  }
  return entries.map(([word]) => word)
}

function share(rows: readonly SampledRow[], shows: (row: SampledRow) => boolean): number {
  if (rows.length === 0) return 0
  let count = 0
  for (const row of rows) if (shows(row)) count++
  return count / rows.length
}

/** Features about the output side, whose examples show the output rather than the input. */
const OUTPUT_FEATURES: ReadonlySet<FeatureName> = new Set([
  'uncertainty-output',
  'refusal-output',
  'politeness-output',
  'output-length'
])

function exampleFields(
  feature: FeatureName,
  rowsA: readonly SampledRow[],
  rowsB: readonly SampledRow[]
): Pick<FeatureComparison, 'examplesA' | 'examplesB' | 'exampleTextsA' | 'exampleTextsB'> {
  const text = (row: SampledRow) => (OUTPUT_FEATURES.has(feature) ? row.outputSnippet : row.inputSnippet)
  const a = rowsA.slice(0, EXAMPLES_PER_FEATURE)
  const b = rowsB.slice(0, EXAMPLES_PER_FEATURE)
  return {
    examplesA: a.map(row => ({ file: row.ref.file, line: row.ref.line })),
    examplesB: b.map(row => ({ file: row.ref.file, line: row.ref.line })),
    exampleTextsA: a.map(text),
    exampleTextsB: b.map(text)
  }
}

/** Rows ordered by how close their length is to `target`; the sort is stable, so ties stay in key order. */
function nearest(
  rows: readonly SampledRow[],
  length: (row: SampledRow) => number,
  target: number
): SampledRow[] {
  return [...rows].sort((x, y) => Math.abs(length(x) - target) - Math.abs(length(y) - target))
}

/** The q-quantile by linear interpolation between order statistics; 0 for no values. */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((x, y) => x - y)
  const position = (sorted.length - 1) * q
  const below = Math.floor(position)
  const above = Math.ceil(position)
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below)
}

function percent(rate: number): string {
  if (rate === 0) return '0%'
  if (rate === 1) return '100%'
  const value = rate * 100
  if (value < 0.1) return '<0.1%'
  if (value < 1) return `${value.toFixed(1)}%`
  if (value > 99) return '>99%'
  return `${Math.round(value)}%`
}

function ratio(value: number): string {
  return value >= 10 ? String(Math.round(value)) : value.toFixed(1)
}

function number(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}

function words(value: number): string {
  return `${number(value)} ${value === 1 ? 'word' : 'words'}`
}
