// Result shapes of the realism report (DESIGN.md "How far the synthetic rows are from the real ones"). Plain
// JSON-serialisable data, like everything in src/types.ts, so the report can be cached and re-read.
import type { RowRef } from '../../types.js'

export type FeatureName =
  | 'terse-input'
  | 'shorthand-input'
  | 'lowercase-start'
  | 'no-final-punctuation'
  | 'question-mark'
  | 'likely-typo'
  | 'uncertainty-output'
  | 'refusal-output'
  | 'politeness-output'
  | 'input-length'
  | 'output-length'

/** The features measured as a length in words and compared by their distribution. */
export type LengthFeatureName = 'input-length' | 'output-length'
/** The features a row either shows or does not, compared by the share of rows that show them. */
export type RateFeatureName = Exclude<FeatureName, LengthFeatureName>

export interface FeatureComparison {
  feature: FeatureName
  /** What the feature is, in plain words, e.g. "input has a likely typo". */
  description: string
  kind: 'rate' | 'length'
  /** For a rate, the share of side A's sampled rows showing the feature (0..1); for a length, the median in words. */
  a: number
  /** The same for side B. */
  b: number
  /** Jensen-Shannon divergence (base 2, 0..1) between the two sides' distributions of the feature. */
  divergence: number
  /** Up to 3 rows of side A showing the feature (for a length, typical rows of that side). */
  examplesA: RowRef[]
  /** Up to 3 rows of side B showing the feature. */
  examplesB: RowRef[]
  /**
   * The examples' text, cut to a readable length, in the order of `examplesA`: the input for an input feature,
   * the output for an output feature. Untrusted: escape before rendering.
   */
  exampleTextsA: string[]
  /** The same for `examplesB`. */
  exampleTextsB: string[]
}

export interface Gap {
  feature: FeatureName
  /** One sentence a reviewer can act on, e.g. "real inputs: 9% have a likely typo, synthetic: 0%". */
  sentence: string
  divergence: number
  examplesA: RowRef[]
  examplesB: RowRef[]
  /** The examples' text, as in FeatureComparison. Untrusted: escape before rendering. */
  exampleTextsA: string[]
  exampleTextsB: string[]
}

export interface RealismComparison {
  labelA: string
  labelB: string
  /** All rows seen on each side. */
  rowsA: number
  rowsB: number
  /** Rows kept in each side's sample, on which every figure here is computed. */
  sampledA: number
  sampledB: number
  features: FeatureComparison[]
  /** Jensen-Shannon divergence (base 2) between the two sides' input word distributions. */
  vocabularyDivergence: number
  /** Cross-validated ROC-AUC of a classifier telling the sides apart; null when a side has < 10 sampled rows. */
  separability: number | null
  /** Features whose shift is large enough to mention, largest divergence first. */
  gaps: Gap[]
}
