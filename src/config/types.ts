import type { DataFormat, Provenance, RuleLevel } from '../types.js'

/** Field paths into a record: `prompt`, `meta.source`, `messages` (a chat list). */
export interface FieldsConfig {
  /** Fields whose text forms the input side, joined with a blank line. */
  input?: string[]
  /** Fields whose text forms the output side, joined with a blank line. */
  output?: string[]
}

export interface ProvenanceConfig {
  /** A record field that says where the row came from (`source`, `meta.origin`, `is_synthetic`). */
  field?: string
  /** Maps the field's values (compared as lower-case strings; booleans as `true`/`false`) to provenance. */
  values?: Record<string, Provenance>
  /** Path globs whose files are wholly real or wholly synthetic. */
  paths?: { real?: string[]; synthetic?: string[] }
  /** Provenance of rows nothing else classifies. */
  default?: Provenance
}

export interface Threshold {
  value: number
  level: RuleLevel
}

/** Every gate rule, by its config key. Absent keys fall back to the defaults. */
export interface Thresholds {
  'min-unique-pattern-ratio'?: Threshold | null
  'max-unique-pattern-ratio-drop'?: Threshold | null
  'min-novel-pattern-ratio'?: Threshold | null
  'max-duplicate-share'?: Threshold | null
  'min-real-fraction'?: Threshold | null
  'max-unknown-fraction'?: Threshold | null
  'max-invalid-rows'?: Threshold | null
  /** Added rows whose input equals an eval row's, exactly or after normalisation. */
  'max-eval-leaks'?: Threshold | null
  /** Added rows whose template nearly repeats an eval row's. */
  'max-eval-near-duplicates'?: Threshold | null
  /** ROC-AUC of telling real from synthetic rows at head by their features. */
  'max-separability'?: Threshold | null
  /** The largest Jensen-Shannon divergence of one feature between real and synthetic rows at head. */
  'max-feature-divergence'?: Threshold | null
  /** Below this many added rows, ratios of the added rows are reported but not enforced. */
  'min-added-rows'?: number
}

export interface DatasetConfig {
  name: string
  /** Globs relative to the repository root. */
  paths: string[]
  format?: DataFormat
  fields?: FieldsConfig
  provenance?: ProvenanceConfig
  thresholds?: Thresholds
}

/** Files the config names outside the datasets, read at the head commit: an eval set or a reference set. */
export interface RowSetConfig {
  name: string
  /** Globs relative to the repository root. */
  paths: string[]
  format?: DataFormat
  fields?: FieldsConfig
}

export interface RealismConfig {
  /** Rows sampled per side of each comparison; 0 switches the realism report off. */
  sampleSize: number
  /** Real rows the synthetic rows are compared with when a dataset has no real rows of its own. */
  reference: RowSetConfig | null
}

export interface PatternParameters {
  /** Word n-gram size of the MinHash shingles. */
  shingleSize: number
  /** Exact Jaccard similarity at or above which two template keys are one pattern. */
  jaccard: number
  bands: number
  rowsPerBand: number
  seed: number
}

export interface Config {
  /** Empty means: every changed data file is a dataset of its own. */
  datasets: DatasetConfig[]
  /** Applied to datasets found without configuration, and under each dataset's own. */
  defaults: {
    fields?: FieldsConfig
    provenance?: ProvenanceConfig
  }
  thresholds: Required<Thresholds>
  patterns: PatternParameters
  /** Evaluation sets that added training rows must not repeat. */
  evalSets: RowSetConfig[]
  realism: RealismConfig
  /** Where the config came from, for messages; null when built-in defaults are used. */
  source: string | null
}
