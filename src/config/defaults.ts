// Built-in settings, used for every key the config leaves out. The numbers come from the evidence in the
// metric design notes (human prompt sets, templated synthetic sets, the seed guidance on real data).
import type { PatternParameters, Threshold, Thresholds } from './types.js'

/** Where the action and the CLI look for the config, relative to the repository root. */
export const DEFAULT_CONFIG_PATH = '.github/dataset-guard.yml'

/** The gate rules, in the order their results are reported. */
export const RULES = [
  'min-unique-pattern-ratio',
  'max-unique-pattern-ratio-drop',
  'min-novel-pattern-ratio',
  'max-duplicate-share',
  'min-real-fraction',
  'max-unknown-fraction',
  'max-invalid-rows'
] as const satisfies readonly (keyof Thresholds)[]

export type RuleName = (typeof RULES)[number]

/** Human prompt sets score 0.99-1.00 and templated synthetic sets 0.004-0.07: 0.5 sits far from both. */
export const MIN_UNIQUE_PATTERN_RATIO = 0.5
/** A starting point, not measured: a tenth of the 0-1 scale lost in one pull request is much. */
export const MAX_UNIQUE_PATTERN_RATIO_DROP = 0.1
/** A starting point: below 3 new patterns per 10 added rows, an addition mostly re-fills old templates. */
export const MIN_NOVEL_PATTERN_RATIO = 0.3
/** A starting point: more than one added row in ten already in the dataset is copying, not collecting. */
export const MAX_DUPLICATE_SHARE = 0.1
/** The seed guidance: at least 70% real rows; synthetic data augments real data, it does not replace it. */
export const MIN_REAL_FRACTION = 0.7
/** Above half the rows unknown, the real fraction says little; a warning, as `provenance` may be unset. */
export const MAX_UNKNOWN_FRACTION = 0.5
/** A row the readers cannot parse is silently lost from training, so by default none is accepted. */
export const MAX_INVALID_ROWS = 0
/** Ratios over fewer added rows swing on single rows (one is 5% of 20): reported, not enforced. */
export const MIN_ADDED_ROWS = 20

/** Word 3-grams found 50 labelled templates with precision 1.0; 5-grams (web dedup) split short prompts. */
export const SHINGLE_SIZE = 3
/** Keys of one template had a median Jaccard of 0.74; other templates' keys a 99th percentile of 0.03. */
export const JACCARD = 0.5
/**
 * 32 bands x 4 rows (the 128 MinHash functions DESIGN.md names): a pair at Jaccard 0.5 becomes a candidate with
 * probability 0.87 and pair recall measured 0.98-0.99 on planted near-duplicates; 25 x 5 gave 0.55 and 0.89-0.91.
 */
export const BANDS = 32
/** See BANDS: with 4 rows per band, keys at Jaccard 0.03 become candidates about 3 times in 100,000. */
export const ROWS_PER_BAND = 4
/** Fixed, so the same data gives the same numbers on every run. */
export const SEED = 1

const fail = (value: number): Threshold => ({ value, level: 'fail' })
const warn = (value: number): Threshold => ({ value, level: 'warn' })

/** Every rule's default, with the level a bare number in the config keeps. Copy before changing. */
export const DEFAULT_THRESHOLDS = Object.freeze({
  'min-unique-pattern-ratio': fail(MIN_UNIQUE_PATTERN_RATIO),
  'max-unique-pattern-ratio-drop': fail(MAX_UNIQUE_PATTERN_RATIO_DROP),
  'min-novel-pattern-ratio': fail(MIN_NOVEL_PATTERN_RATIO),
  'max-duplicate-share': fail(MAX_DUPLICATE_SHARE),
  'min-real-fraction': fail(MIN_REAL_FRACTION),
  'max-unknown-fraction': warn(MAX_UNKNOWN_FRACTION),
  'max-invalid-rows': fail(MAX_INVALID_ROWS),
  'min-added-rows': MIN_ADDED_ROWS
}) satisfies Readonly<Record<RuleName, Threshold>> & Readonly<Required<Thresholds>>

export const DEFAULT_PATTERNS: Readonly<PatternParameters> = Object.freeze({
  shingleSize: SHINGLE_SIZE,
  jaccard: JACCARD,
  bands: BANDS,
  rowsPerBand: ROWS_PER_BAND,
  seed: SEED
})
