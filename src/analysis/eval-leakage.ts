// Evaluation rows leaking into training data. An eval set is indexed once per run (its rows at head); every
// row a pull request adds to a dataset is then looked up by its exact input, its normalised input, and its
// template key's shingles, the same MinHash/Jaccard test that joins rows into patterns. Memory grows with the
// eval set's distinct rows, never with the training rows.

import type { PatternParameters } from '../config/types.js'
import type { EvalLeak, LeakKind, Leakage, Row, RowRef } from '../types.js'
import { hash53 } from './hash.js'
import { jaccard, minHashSalts, shingles, writeMinHashSignature } from './minhash.js'
import { textSnippet } from './snippet.js'
import { SENTENCE_START_MARK, normalisedKey, templateScan } from './text-keys.js'

// A module-scope binding: inside Jest's vm context every lookup of the global `Math` goes through an
// interceptor, which made hashing-heavy tests much slower. Plain Node is unaffected.
const { imul } = Math

/**
 * Near-duplicates are looked for only between template keys of at least this many tokens. A shorter key is
 * mostly slots and stop words: `what is the capital of <name>` would match every capital question of an eval
 * set, which is a shared template, not a leak of one eval item. Long keys that share half their word 3-grams
 * after masking are one question reworded or with new numbers.
 */
export const MIN_NEAR_DUPLICATE_TOKENS = 10
/** Leaks listed per kind and dataset; the rest are counted. Exact leaks stay listed however many near ones. */
export const LEAKS_KEPT_PER_KIND = 50
/** Characters of a leaking row's input kept to show in the report. */
const LEAK_TEXT_LENGTH = 160
/** 2^32: band hashes are 32-bit, so band * 2^32 + hash is one exact Map key per (band, hash). */
const BAND_STRIDE = 0x1_0000_0000

const EMPTY_INPUT = hash53('')
const KIND_RANK: Record<LeakKind, number> = { exact: 0, normalised: 1, 'near-duplicate': 2 }

/** What the analysis computed for an added row, reused so the leak check hashes and scans nothing twice. */
export interface AddedRowKeys {
  /** hash53 of the input as it is. */
  exactInput: number
  /** hash53 of normalisedKey(input). */
  normalisedInput: number
  /** templateScan(input).key, sentence-start words still marked. */
  templateKey: string
}

export interface EvalMatch {
  kind: LeakKind
  evalRow: RowRef
  similarity: number
}

/**
 * A template key for matching across corpora: sentence-start words are kept as plain words. Within a dataset
 * they are resolved by corpus-wide evidence (ProperNounEvidence); here the two sides are different corpora, and
 * the plain word is the reading both sides agree on.
 */
export function leakKey(templateKey: string): string {
  if (!templateKey.includes(SENTENCE_START_MARK)) return templateKey
  return templateKey
    .split(' ')
    .map(token =>
      token.length > SENTENCE_START_MARK.length && token.startsWith(SENTENCE_START_MARK)
        ? token.slice(SENTENCE_START_MARK.length)
        : token
    )
    .join(' ')
}

function tokenCount(key: string): number {
  if (key === '') return 0
  let count = 1
  for (let at = key.indexOf(' '); at !== -1; at = key.indexOf(' ', at + 1)) count++
  return count
}

/** The rows of one eval set, indexed for lookups by exact input, normalised input and near-duplicate template. */
export class EvalIndex {
  readonly files = new Set<string>()
  private readonly exact = new Map<number, RowRef>()
  private readonly normalised = new Map<number, RowRef>()
  private readonly keyIds = new Map<string, number>()
  private readonly keyRefs: RowRef[] = []
  private readonly keyShingles: Uint32Array[] = []
  /** LSH buckets: band * 2^32 + band hash -> ids of the keys in that bucket, in insertion order. */
  private readonly buckets = new Map<number, number[]>()
  private readonly salts: Uint32Array
  private readonly signature: Uint32Array
  private rowCount = 0

  constructor(
    readonly name: string,
    private readonly parameters: PatternParameters
  ) {
    this.salts = minHashSalts(parameters.bands * parameters.rowsPerBand, parameters.seed)
    this.signature = new Uint32Array(this.salts.length)
  }

  /** Records a file as part of the set, so training rows in it are never checked against the set itself. */
  addFile(file: string): void {
    this.files.add(file)
  }

  add(row: Row): void {
    this.rowCount++
    this.files.add(row.file)
    const normalised = normalisedKey(row.input)
    // An empty input matches every other empty input; that is a broken row, not a leak.
    if (normalised === '') return
    const ref: RowRef = { file: row.file, line: row.line }
    const exact = hash53(row.input)
    if (!this.exact.has(exact)) this.exact.set(exact, ref)
    const normalisedHash = hash53(normalised)
    if (!this.normalised.has(normalisedHash)) this.normalised.set(normalisedHash, ref)
    const key = leakKey(templateScan(row.input).key)
    if (tokenCount(key) < MIN_NEAR_DUPLICATE_TOKENS || this.keyIds.has(key)) return
    const id = this.keyRefs.length
    const set = shingles(key, this.parameters.shingleSize)
    this.keyIds.set(key, id)
    this.keyRefs.push(ref)
    this.keyShingles.push(set)
    for (const bucket of this.bucketsOf(set)) {
      const members = this.buckets.get(bucket)
      if (members) members.push(id)
      else this.buckets.set(bucket, [id])
    }
  }

  /** Rows read from the set, including those with an empty input. */
  get rows(): number {
    return this.rowCount
  }

  /** The strongest match of a training row in this set (the first such eval row), or null. */
  match(keys: AddedRowKeys): EvalMatch | null {
    if (keys.normalisedInput === EMPTY_INPUT) return null
    const exact = this.exact.get(keys.exactInput)
    if (exact) return { kind: 'exact', evalRow: exact, similarity: 1 }
    const normalised = this.normalised.get(keys.normalisedInput)
    if (normalised) return { kind: 'normalised', evalRow: normalised, similarity: 1 }
    return this.nearDuplicate(leakKey(keys.templateKey))
  }

  private nearDuplicate(key: string): EvalMatch | null {
    if (this.keyRefs.length === 0 || tokenCount(key) < MIN_NEAR_DUPLICATE_TOKENS) return null
    const same = this.keyIds.get(key)
    if (same !== undefined) return { kind: 'near-duplicate', evalRow: this.keyRefs[same]!, similarity: 1 }
    const set = shingles(key, this.parameters.shingleSize)
    const threshold = this.parameters.jaccard
    const tried = new Set<number>()
    let best = -1
    let bestSimilarity = 0
    for (const bucket of this.bucketsOf(set)) {
      for (const id of this.buckets.get(bucket) ?? []) {
        if (tried.has(id)) continue
        tried.add(id)
        const similarity = jaccard(set, this.keyShingles[id]!)
        // Ties go to the earlier eval row, so the report names the same row on every run.
        if (
          similarity >= threshold &&
          (similarity > bestSimilarity || (similarity === bestSimilarity && id < best))
        ) {
          best = id
          bestSimilarity = similarity
        }
      }
    }
    return best < 0
      ? null
      : { kind: 'near-duplicate', evalRow: this.keyRefs[best]!, similarity: bestSimilarity }
  }

  /** The LSH bucket of a shingle set in each band, as patterns.ts forms them. */
  private bucketsOf(set: Uint32Array): number[] {
    const { bands, rowsPerBand } = this.parameters
    const signature = this.signature
    writeMinHashSignature(set, 0, set.length, this.salts, signature)
    const out: number[] = []
    for (let band = 0; band < bands; band++) {
      let h = 0x811c9dc5
      for (let row = band * rowsPerBand; row < (band + 1) * rowsPerBand; row++) {
        h = imul(h ^ signature[row]!, 0x01000193)
        h ^= h >>> 15
      }
      h = imul(h ^ (h >>> 16), 0x85ebca6b)
      h = imul(h ^ (h >>> 13), 0xc2b2ae35)
      out.push(band * BAND_STRIDE + ((h ^ (h >>> 16)) >>> 0))
    }
    return out
  }
}

/** A listed leak with the global ordinal of its training row, which decides which leaks a merge keeps. */
export interface KeptLeakState {
  ordinal: number
  leak: EvalLeak
}

/** A LeakageCheck as plain JSON, for a shard to hand to the merge. */
export interface LeakageState {
  checked: number
  counts: Record<LeakKind, number>
  /** Rows skipped per eval set, in the order of the check's indexes. */
  ownRows: number[]
  /** The eval sets' names and rows, in the same order: what the report says of them. */
  evalSets: { name: string; rows: number }[]
  /** Per kind, the listed leaks in ordinal order. */
  kept: Record<LeakKind, KeptLeakState[]>
  /** Leaks counted but not listed: the sum over kinds of count minus listed. */
  omitted: number
}

const LEAK_KINDS: readonly LeakKind[] = ['exact', 'normalised', 'near-duplicate']

/**
 * The added rows of one dataset against every eval set. A row is counted once, at its strongest match (exact
 * beats normalised beats near-duplicate; between sets, the first configured wins), and is never checked against
 * a set whose files it lives in: an eval set is not a leak of itself.
 */
export class LeakageCheck {
  private checked = 0
  private readonly counts: Record<LeakKind, number> = { exact: 0, normalised: 0, 'near-duplicate': 0 }
  /**
   * Per kind, the leaks of the rows with the smallest ordinals, in ordinal order. Listing by ordinal rather than
   * by arrival makes the list the same whether one check saw every row or shards' checks were merged.
   */
  private readonly kept: Record<LeakKind, KeptLeakState[]> = {
    exact: [],
    normalised: [],
    'near-duplicate': []
  }
  private readonly ownRows: number[]
  /** Name and rows of each eval set: of the indexes, or of the state a check was restored from. */
  private sets: { name: string; rows: number }[]

  constructor(private readonly indexes: readonly EvalIndex[]) {
    this.ownRows = indexes.map(() => 0)
    this.sets = indexes.map(index => ({ name: index.name, rows: index.rows }))
  }

  /**
   * Checks one added row. `ordinal` is the row's position among all the dataset's rows (increasing in a single
   * run); of each kind, the leaks with the smallest ordinals are listed, which in a single run are the first.
   */
  check(row: Row, keys: AddedRowKeys, ordinal: number): void {
    if (this.indexes.length !== this.sets.length) {
      throw new Error(
        'this leak check was restored without its eval sets: it can be merged and reported only'
      )
    }
    if (!Number.isSafeInteger(ordinal) || ordinal < 0) {
      throw new Error(`a leak check needs a row's ordinal as a non-negative integer, got ${ordinal}`)
    }
    let match: EvalMatch | null = null
    let evalSet = ''
    let checkedAny = false
    for (let i = 0; i < this.indexes.length; i++) {
      const index = this.indexes[i]!
      if (index.files.has(row.file)) {
        this.ownRows[i]!++
        continue
      }
      checkedAny = true
      if (match?.kind === 'exact') continue
      const found = index.match(keys)
      if (found && (match === null || KIND_RANK[found.kind] < KIND_RANK[match.kind])) {
        match = found
        evalSet = index.name
      }
    }
    if (checkedAny) this.checked++
    if (match === null) return
    this.counts[match.kind]++
    // Checked before building the leak, so rows past the list cost no snippet.
    if (!this.wouldList(match.kind, ordinal)) return
    this.list({
      ordinal,
      leak: {
        kind: match.kind,
        evalSet,
        row: { file: row.file, line: row.line },
        text: textSnippet(row.input, LEAK_TEXT_LENGTH),
        evalRow: match.evalRow,
        similarity: match.similarity
      }
    })
  }

  /** The check as plain JSON, for a shard to hand to the merge. */
  toState(): LeakageState {
    return {
      checked: this.checked,
      counts: { ...this.counts },
      ownRows: [...this.ownRows],
      evalSets: this.sets.map(set => ({ ...set })),
      kept: {
        exact: [...this.kept.exact],
        normalised: [...this.kept.normalised],
        'near-duplicate': [...this.kept['near-duplicate']]
      },
      omitted: this.omitted
    }
  }

  /**
   * The check a state was taken from, against the same eval sets (in the same order) it was taken with; or,
   * with `indexes` null, one that can only be merged and reported (a merge has the shards' states, not the eval
   * sets themselves).
   */
  static fromState(indexes: readonly EvalIndex[] | null, state: LeakageState): LeakageCheck {
    if (indexes !== null && state.ownRows.length !== indexes.length) {
      throw new Error(
        `a leakage state for ${state.ownRows.length} eval sets cannot be restored against ${indexes.length}`
      )
    }
    const check = new LeakageCheck(indexes ?? [])
    check.sets = state.evalSets.map(set => ({ ...set }))
    check.checked = state.checked
    check.ownRows.splice(0, check.ownRows.length, ...state.ownRows)
    for (const kind of LEAK_KINDS) {
      check.counts[kind] = state.counts[kind]
      for (const entry of state.kept[kind]) check.list(entry)
    }
    if (check.omitted !== state.omitted) {
      throw new Error(
        `a leakage state omits ${state.omitted} leaks, but its counts and lists say ${check.omitted}`
      )
    }
    return check
  }

  /**
   * Takes in another check's counts and leaks. When the two saw disjoint rows (shards of one dataset), the
   * result is exactly that of one check that saw all of them in ordinal order.
   */
  mergeFrom(other: LeakageCheck): void {
    if (other === this) throw new Error('a leakage check cannot be merged with itself')
    const names = (check: LeakageCheck) => check.sets.map(set => set.name).join('\u0000')
    if (names(other) !== names(this)) {
      throw new Error('cannot merge leakage checks made against different eval sets')
    }
    this.checked += other.checked
    other.ownRows.forEach((rows, i) => (this.ownRows[i]! += rows))
    for (const kind of LEAK_KINDS) {
      this.counts[kind] += other.counts[kind]
      for (const entry of other.kept[kind]) {
        if (this.wouldList(kind, entry.ordinal)) this.list(entry)
      }
    }
  }

  result(): Leakage {
    return {
      evalSets: this.sets.map((set, i) => ({ ...set, ownRows: this.ownRows[i]! })),
      checked: this.checked,
      exact: this.counts.exact,
      normalised: this.counts.normalised,
      nearDuplicate: this.counts['near-duplicate'],
      leaks: LEAK_KINDS.flatMap(kind => this.kept[kind].map(entry => entry.leak)),
      leaksOmitted: this.omitted
    }
  }

  /** Leaks counted but not listed. */
  private get omitted(): number {
    let omitted = 0
    for (const kind of LEAK_KINDS) omitted += Math.max(0, this.counts[kind] - this.kept[kind].length)
    return omitted
  }

  /** Whether a leak of this kind and ordinal would be listed now. */
  private wouldList(kind: LeakKind, ordinal: number): boolean {
    const list = this.kept[kind]
    return list.length < LEAKS_KEPT_PER_KIND || ordinal < list[list.length - 1]!.ordinal
  }

  /**
   * Lists a leak in ordinal order, dropping the largest ordinal when the list is full. In a single run ordinals
   * only grow, so this is an append until the list fills.
   */
  private list(entry: KeptLeakState): void {
    const list = this.kept[entry.leak.kind]
    let at = list.length
    while (at > 0 && list[at - 1]!.ordinal > entry.ordinal) at--
    list.splice(at, 0, entry)
    if (list.length > LEAKS_KEPT_PER_KIND) list.pop()
  }
}
