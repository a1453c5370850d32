// The shapes that flow through the pipeline: inputs -> config -> git -> readers -> analysis -> gate -> report.
// Everything here is plain data (JSON-serialisable) so the report can be written, cached and re-read.

import type { RealismComparison } from './analysis/realism/types.js'

export type { FeatureComparison, FeatureName, Gap, RealismComparison } from './analysis/realism/types.js'

export type Provenance = 'real' | 'synthetic' | 'unknown'
export const PROVENANCES: readonly Provenance[] = ['real', 'synthetic', 'unknown']

export type DataFormat = 'jsonl' | 'json' | 'csv' | 'tsv' | 'parquet'

/** Where a row lives: a repository path and a 1-based line (for Parquet, the 1-based row number). */
export interface RowRef {
  file: string
  line: number
}

/** One dataset row after reading and text extraction. The texts are dropped once the row is analysed. */
export interface Row extends RowRef {
  /** The user-facing side: prompt, instruction (+ input), question, or the user turns of a chat. */
  input: string
  /** The model side: completion, response, answer, or the assistant turns of a chat. */
  output: string
  provenance: Provenance
  /** A hash of the whole record, equal for equal records whatever their key order (see readers/content-hash.ts). */
  contentHash: number
}

export type FindingKind =
  | 'invalid-row' // a row that cannot be parsed or has none of the expected fields
  | 'invalid-file' // a whole file that cannot be read (wrong format, corrupt, binary)
  | 'lfs-pointer' // a Git LFS pointer instead of the data
  | 'skipped-file' // a file that was left out on purpose (symlink, submodule)

export interface Finding {
  kind: FindingKind
  file: string
  /** 1-based; absent when the finding concerns the whole file. */
  line?: number
  message: string
  /** Which side of the comparison the finding was made on. */
  side: 'base' | 'head'
}

/** Counts per provenance, with fractions. `realFraction` counts only rows whose provenance is known. */
export interface Mix {
  real: number
  synthetic: number
  unknown: number
  /** real / (real + synthetic); null when no row has a known provenance. */
  realFraction: number | null
  /** unknown / rows; null when there are no rows. */
  unknownFraction: number | null
}

/** Unique counts at each level of the key cascade (see README "Metrics"). */
export interface CascadeCounts {
  exact: number
  normalised: number
  canonical: number
  template: number
  pattern: number
}

export interface PatternSummary {
  /** The most frequent template key in the pattern, e.g. `what is <n> + <n>`. */
  templateKey: string
  /** Rows in the pattern on this side (or, for added-row summaries, added rows in it). */
  size: number
  /** How many distinct template keys the pattern joins (near-duplicates folded into it). */
  variants: number
  /** A few rows of the pattern, first seen first. */
  examples: RowRef[]
  /** The example rows' input text, cut to a readable length. Untrusted: escape before rendering. */
  exampleTexts: string[]
  /** Whether the pattern already existed at base (only meaningful for added-row summaries). */
  existedAtBase?: boolean
}

export interface Diversity {
  /** Bytes of the joined input texts / bytes after gzip. Higher means more repetitive. */
  compressionRatio: number | null
  /** Distinct word bigrams / all word bigrams over the sampled input texts. */
  distinct2: number | null
}

/** The analysis of one dataset at one commit. */
export interface SideMetrics {
  files: string[]
  rows: number
  invalidRows: number
  unique: CascadeCounts
  /** patterns / rows; null when there are no rows. */
  uniquePatternRatio: number | null
  /** exp(Shannon entropy of the pattern-size distribution). */
  effectivePatterns: number | null
  mix: Mix
  /** Unique-pattern ratio of the synthetic rows alone; null when there are none. */
  syntheticUniquePatternRatio: number | null
  diversity: Diversity
  largestPatterns: PatternSummary[]
}

/** What the pull request does to one dataset. */
export interface ChangeMetrics {
  added: number
  removed: number
  unchanged: number
  /** Added rows whose input equals a removed row's input (the same prompt, edited). */
  changed: number
  /** Added rows whose input (normalised) already exists in the base dataset. */
  duplicatesOfExisting: number
  /** duplicatesOfExisting / added; null when nothing was added. */
  duplicateShare: number | null
  /** Added rows that fall into a pattern the base already had. */
  inExistingPatterns: number
  /** Patterns that only the added rows have. */
  newPatterns: number
  /** newPatterns / added; null when nothing was added. */
  novelPatternRatio: number | null
  /** Unique-pattern ratio of the added rows alone. */
  addedUniquePatternRatio: number | null
  addedMix: Mix
  largestAddedPatterns: PatternSummary[]
  /** A few added rows that duplicate existing data. */
  duplicateExamples: RowRef[]
}

export type DatasetStatus = 'added' | 'deleted' | 'modified'

/**
 * What the synthetic rows at head are measured against: the dataset's own real rows at head, the configured
 * reference set (when the dataset has no real rows), or nothing, when neither exists: then only the synthetic
 * rows' own rates are known.
 */
export type RealismBaseline = 'real' | 'reference' | 'none'

/** How far the rows of a dataset at head are from real ones (DESIGN.md "How far the synthetic rows are..."). */
export interface DatasetRealism {
  /** Rows sampled per side at most; every figure rests on these samples. */
  sampleSize: number
  /** Null when `realVsSynthetic` is null. */
  baseline: RealismBaseline | null
  /** The reference set's name, when the baseline is `reference`. */
  reference: string | null
  /**
   * Side A the baseline (label `real` or `reference`), side B the synthetic rows at head. With baseline `none`
   * side A is empty: its rates read 0, nothing diverges, there are no gaps and no separability, and side B's
   * rates are the synthetic rows' absolute rates. Null when there are no synthetic rows at head.
   */
  realVsSynthetic: RealismComparison | null
  /**
   * Side A the head rows unchanged from base (label `existing`), side B the added rows. Null unless both exist.
   */
  existingVsAdded: RealismComparison | null
}

/** How an added training row matches an eval row: its input byte for byte, after normalisation, or nearly. */
export type LeakKind = 'exact' | 'normalised' | 'near-duplicate'

export interface EvalLeak {
  kind: LeakKind
  /** The eval set's name from the config. */
  evalSet: string
  /** The added training row, at head. */
  row: RowRef
  /** The training row's input, cut to a readable length. Untrusted: escape before rendering. */
  text: string
  /** The first row of the eval set it matches, at head. */
  evalRow: RowRef
  /** Jaccard similarity of the two template keys' shingles: 1 for exact and normalised matches. */
  similarity: number
}

/** Added rows of one dataset checked against the configured eval sets. */
export interface Leakage {
  /**
   * Each eval set with its rows at head, and how many added rows lie in its own files (they are never checked
   * against the set they belong to).
   */
  evalSets: { name: string; rows: number; ownRows: number }[]
  /** Added rows checked against at least one eval set. */
  checked: number
  /** Added rows by their strongest match: exact beats normalised beats near-duplicate; each row counts once. */
  exact: number
  normalised: number
  nearDuplicate: number
  /** Leaks kept, exact first, then normalised, then near-duplicates; each kind capped, the rest only counted. */
  leaks: EvalLeak[]
  leaksOmitted: number
}

export interface DatasetReport {
  name: string
  status: DatasetStatus
  format: DataFormat | 'mixed'
  base: SideMetrics | null
  head: SideMetrics | null
  change: ChangeMetrics
  findings: Finding[]
  /** Findings beyond the kept ones are counted, not stored, so one broken file cannot flood memory. */
  findingsOmitted: number
  /** Null when the realism report is switched off or nothing could be compared (no synthetic or added rows). */
  realism: DatasetRealism | null
  /** Null when no eval sets are configured. */
  leakage: Leakage | null
}

export type RuleLevel = 'fail' | 'warn'
/** How a rule's value reads: a ratio (`0.52`), a fraction shown as a percentage (`64%`), or a count. */
export type ValueUnit = 'ratio' | 'percent' | 'count'
export type RuleOutcome = 'pass' | 'warn' | 'fail' | 'skipped'

export interface RuleResult {
  rule: string
  dataset: string
  /** Plain-words name of the metric, e.g. "unique-pattern ratio". */
  metric: string
  value: number | null
  /** The metric at base, where the rule compares with it. */
  baseValue?: number | null
  comparator: '>=' | '<='
  threshold: number
  unit: ValueUnit
  level: RuleLevel
  outcome: RuleOutcome
  /** Why a rule was skipped, or what a failure means, in one sentence. */
  note?: string
}

export type Conclusion = 'success' | 'failure' | 'neutral'

export interface Verdict {
  conclusion: Conclusion
  passed: boolean
  /** One line, e.g. `unique-pattern ratio 0.04 < 0.50 in data/train.jsonl`. */
  headline: string
  results: RuleResult[]
  failures: number
  warnings: number
}

export interface Report {
  tool: { name: 'dataset-guard'; version: string }
  base: { ref: string; sha: string }
  head: { ref: string; sha: string }
  datasets: DatasetReport[]
  verdict: Verdict
  /** Parameters that shaped the numbers, so a reader can reproduce them. */
  parameters: Record<string, number | string | boolean>
}
