// Built-in settings, used for every key the config leaves out. The numbers come from the evidence in the
// metric design notes (human prompt sets, templated synthetic sets, the seed guidance on real data).
import { REALISM_SAMPLE_CAP } from '../analysis/realism/realism-sample.js'
import type { RuleLevel } from '../types.js'
import type { PatternParameters, RealismConfig, Threshold, Thresholds } from './types.js'

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
  'max-invalid-rows',
  'max-eval-leaks',
  'max-eval-near-duplicates',
  'max-separability',
  'max-feature-divergence'
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
/** A training row that repeats an eval row makes the eval score a memory test: by default none is accepted. */
export const MAX_EVAL_LEAKS = 0

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

/**
 * The level of each rule when the config gives a bare number. The realism rules and near-duplicate leaks are
 * off by default and warn when switched on: they explain a shift, they do not prove a defect.
 */
export const RULE_LEVELS: Readonly<Record<RuleName, RuleLevel>> = Object.freeze({
  'min-unique-pattern-ratio': 'fail',
  'max-unique-pattern-ratio-drop': 'fail',
  'min-novel-pattern-ratio': 'fail',
  'max-duplicate-share': 'fail',
  'min-real-fraction': 'fail',
  'max-unknown-fraction': 'warn',
  'max-invalid-rows': 'fail',
  'max-eval-leaks': 'fail',
  'max-eval-near-duplicates': 'warn',
  'max-separability': 'warn',
  'max-feature-divergence': 'warn'
})

/** Every rule's default (null: off until the config sets it). Copy before changing. */
export const DEFAULT_THRESHOLDS = Object.freeze({
  'min-unique-pattern-ratio': fail(MIN_UNIQUE_PATTERN_RATIO),
  'max-unique-pattern-ratio-drop': fail(MAX_UNIQUE_PATTERN_RATIO_DROP),
  'min-novel-pattern-ratio': fail(MIN_NOVEL_PATTERN_RATIO),
  'max-duplicate-share': fail(MAX_DUPLICATE_SHARE),
  'min-real-fraction': fail(MIN_REAL_FRACTION),
  'max-unknown-fraction': warn(MAX_UNKNOWN_FRACTION),
  'max-invalid-rows': fail(MAX_INVALID_ROWS),
  'max-eval-leaks': fail(MAX_EVAL_LEAKS),
  'max-eval-near-duplicates': null,
  'max-separability': null,
  'max-feature-divergence': null,
  'min-added-rows': MIN_ADDED_ROWS
}) satisfies Readonly<Record<RuleName, Threshold | null>> & Readonly<Required<Thresholds>>

export const DEFAULT_PATTERNS: Readonly<PatternParameters> = Object.freeze({
  shingleSize: SHINGLE_SIZE,
  jaccard: JACCARD,
  bands: BANDS,
  rowsPerBand: ROWS_PER_BAND,
  seed: SEED
})

/** Rows sampled per side by default; see REALISM_SAMPLE_CAP for what that buys. */
export const REALISM_SAMPLE_SIZE = REALISM_SAMPLE_CAP
/**
 * The largest sample the config accepts. A sampled row keeps up to 256 word hashes and two 120-character
 * snippets (a few KB at worst), and a dataset keeps four samples: 20,000 rows a side stays under about 200 MB
 * even then, and a rate is already known within ±0.7 points.
 */
export const MAX_REALISM_SAMPLE_SIZE = 20_000

export const DEFAULT_REALISM: Readonly<RealismConfig> = Object.freeze({
  sampleSize: REALISM_SAMPLE_SIZE,
  reference: null
})
