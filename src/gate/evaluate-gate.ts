// The gate: each dataset's metrics against its thresholds -> a result per rule -> the check's verdict.
// Pure, so the action, the CLI and the tests reach the same verdict from the same reports.
import { RULES, type RuleName } from '../config/defaults.js'
import type { Thresholds } from '../config/types.js'
import type {
  DatasetReport,
  RealismComparison,
  RuleResult,
  SideMetrics,
  ValueUnit,
  Verdict
} from '../types.js'

/**
 * Metrics are floating-point quotients (0.8 - 0.7 = 0.10000000000000009), so a value that equals its
 * threshold in decimal must not flip to a failure on the last bit.
 */
const TOLERANCE = 1e-9
/** A crossed value that prints like its threshold (0.497 as 0.50) gets up to this many more digits. */
const MAX_EXTRA_DIGITS = 4
const RATIO_DIGITS = 2
/**
 * Heavily templated sets score 0.004-0.07, and two decimals would print 0.004 as 0.00, hiding how collapsed a
 * set is; below 0.01 a ratio keeps two significant digits instead.
 */
const RATIO_SIGNIFICANT_BELOW = 0.01

type ValueKind = ValueUnit

interface Measurement {
  value: number | null
  baseValue?: number | null
  /** Why the rule is not enforced; absent when it is. */
  skip?: string
}

interface RuleSpec {
  metric: string
  kind: ValueKind
  /** What crossing the threshold means, in one sentence. */
  crossed: string
  /**
   * Whether the rule concerns this dataset at all; when not, it gives no result (not even a skipped one), so a
   * rule about a feature that is not configured does not crowd every report.
   */
  appliesTo?(dataset: DatasetReport): boolean
  measure(dataset: DatasetReport, head: SideMetrics, minAddedRows: number): Measurement
}

const NO_HEAD_ROWS = 'the dataset has no readable rows at head'
const NO_PROVENANCE = 'no row has a known provenance: set `provenance` in the config to enforce this'

function tooFewAdded(added: number, minAddedRows: number): string {
  return `only ${added} ${added === 1 ? 'row' : 'rows'} added (fewer than min-added-rows ${minAddedRows}): reported, not enforced`
}

/** Eval-set rules apply only where eval sets are configured (a report file from elsewhere may lack the key). */
const hasLeakage = (dataset: DatasetReport): boolean => (dataset.leakage ?? null) !== null

/**
 * The real-vs-synthetic comparison a realism rule judges, or why there is none. A comparison with baseline
 * `none` has no real side: it holds the synthetic rows' own rates, which nothing can diverge from.
 */
function realismComparison(dataset: DatasetReport): { comparison: RealismComparison } | { skip: string } {
  const realism = dataset.realism ?? null
  if (realism === null || realism.realVsSynthetic === null) {
    return { skip: 'no synthetic rows at head to compare with real ones (see `provenance`)' }
  }
  if (realism.baseline === 'none') {
    return { skip: 'no real rows at head and no `realism.reference` to compare the synthetic rows with' }
  }
  return { comparison: realism.realVsSynthetic }
}

/** Rules about the added rows alone, which a handful of rows cannot judge. */
function addedRowsMeasurement(value: number | null, added: number, minAddedRows: number): Measurement {
  if (added < minAddedRows) return { value, skip: tooFewAdded(added, minAddedRows) }
  if (value === null) return { value, skip: 'no rows added' }
  return { value }
}

const RULE_SPECS: Record<RuleName, RuleSpec> = {
  'min-unique-pattern-ratio': {
    metric: 'unique-pattern ratio',
    kind: 'ratio',
    crossed: 'a few patterns repeat across many rows: the data is templated or duplicated',
    measure: (dataset, head) => {
      const measured = { value: head.uniquePatternRatio, baseValue: dataset.base?.uniquePatternRatio ?? null }
      return head.uniquePatternRatio === null ? { ...measured, skip: NO_HEAD_ROWS } : measured
    }
  },
  'max-unique-pattern-ratio-drop': {
    metric: 'drop in unique-pattern ratio',
    kind: 'ratio',
    crossed: 'the change makes the dataset markedly more repetitive than it was at base',
    measure: (dataset, head, minAddedRows) => {
      const before = dataset.base?.uniquePatternRatio ?? null
      const after = head.uniquePatternRatio
      const value = before !== null && after !== null ? before - after : null
      if (dataset.base === null) return { value, skip: 'new dataset: no base to compare with' }
      if (before === null) return { value, skip: 'no readable rows at base to compare with' }
      if (after === null) return { value, skip: NO_HEAD_ROWS }
      if (dataset.change.added < minAddedRows)
        return { value, skip: tooFewAdded(dataset.change.added, minAddedRows) }
      return { value }
    }
  },
  'min-novel-pattern-ratio': {
    metric: 'novel-pattern ratio of added rows',
    kind: 'ratio',
    crossed: 'most added rows repeat patterns the dataset already has',
    measure: (dataset, _head, minAddedRows) =>
      addedRowsMeasurement(dataset.change.novelPatternRatio, dataset.change.added, minAddedRows)
  },
  'max-duplicate-share': {
    metric: 'share of added rows duplicating existing data',
    kind: 'percent',
    crossed: 'many added rows repeat inputs the dataset already has',
    measure: (dataset, _head, minAddedRows) =>
      addedRowsMeasurement(dataset.change.duplicateShare, dataset.change.added, minAddedRows)
  },
  'min-real-fraction': {
    metric: 'real fraction',
    kind: 'percent',
    crossed: 'synthetic rows outweigh real ones: synthetic data should augment real data, not replace it',
    measure: (dataset, head) => {
      const measured = { value: head.mix.realFraction, baseValue: dataset.base?.mix.realFraction ?? null }
      if (head.rows === 0) return { ...measured, skip: NO_HEAD_ROWS }
      return head.mix.realFraction === null ? { ...measured, skip: NO_PROVENANCE } : measured
    }
  },
  'max-unknown-fraction': {
    metric: 'unknown-provenance fraction',
    kind: 'percent',
    crossed: 'many rows have no known provenance: set `provenance` in the config to classify them',
    measure: (_dataset, head) =>
      head.mix.unknownFraction === null
        ? { value: null, skip: NO_HEAD_ROWS }
        : { value: head.mix.unknownFraction }
  },
  'max-invalid-rows': {
    metric: 'unparseable rows',
    kind: 'count',
    crossed: 'some rows cannot be parsed and would be lost from training: see the findings',
    measure: (_dataset, head) => ({ value: head.invalidRows })
  },
  'max-eval-leaks': {
    metric: 'added rows repeating eval-set rows (exact or normalised)',
    kind: 'count',
    crossed:
      'added training rows repeat rows of an eval set, so its scores would measure memory: see the leaks',
    appliesTo: hasLeakage,
    measure: dataset => {
      const leakage = dataset.leakage
      return leakage ? { value: leakage.exact + leakage.normalised } : { value: null, skip: 'no eval sets' }
    }
  },
  'max-eval-near-duplicates': {
    metric: 'added rows nearly repeating eval-set rows',
    kind: 'count',
    crossed:
      'added training rows are near-duplicates of eval rows (reworded, or with new numbers): see the leaks',
    appliesTo: hasLeakage,
    measure: dataset => {
      const leakage = dataset.leakage
      return leakage ? { value: leakage.nearDuplicate } : { value: null, skip: 'no eval sets' }
    }
  },
  'max-separability': {
    metric: 'separability of real and synthetic rows (AUC)',
    kind: 'ratio',
    crossed:
      'a simple classifier tells synthetic rows from real ones: see the realism gaps for how they differ',
    measure: dataset => {
      const found = realismComparison(dataset)
      if ('skip' in found) return { value: null, skip: found.skip }
      const value = found.comparison.separability
      return value === null
        ? { value, skip: 'fewer than 10 sampled rows on a side: separability is not measured' }
        : { value }
    }
  },
  'max-feature-divergence': {
    metric: 'largest feature divergence of real and synthetic rows',
    kind: 'ratio',
    crossed: 'one feature is distributed very differently in synthetic and real rows: see the realism gaps',
    measure: dataset => {
      const found = realismComparison(dataset)
      if ('skip' in found) return { value: null, skip: found.skip }
      const divergences = found.comparison.features.map(f => f.divergence)
      return { value: divergences.length > 0 ? Math.max(...divergences) : null }
    }
  }
}

/** Each dataset against its thresholds: a result per enabled rule; datasets in order, rules as in RULES. */
export function evaluateGate(
  datasets: DatasetReport[],
  thresholds: (dataset: string) => Required<Thresholds>
): Verdict {
  if (datasets.length === 0) {
    return {
      conclusion: 'neutral',
      passed: true,
      headline: 'No dataset changed',
      results: [],
      failures: 0,
      warnings: 0
    }
  }
  const results = datasets.flatMap(dataset => datasetResults(dataset, thresholds(dataset.name)))
  const failed = results.filter(r => r.outcome === 'fail')
  const warnings = results.filter(r => r.outcome === 'warn').length
  const conclusion = failed.length > 0 ? 'failure' : 'success'
  return {
    conclusion,
    passed: conclusion !== 'failure',
    headline: headline(datasets.length, results, failed, warnings),
    results,
    failures: failed.length,
    warnings
  }
}

function datasetResults(dataset: DatasetReport, thresholds: Required<Thresholds>): RuleResult[] {
  const results: RuleResult[] = []
  for (const rule of RULES) {
    const threshold = thresholds[rule]
    if (threshold === null) continue
    const spec = RULE_SPECS[rule]
    if (spec.appliesTo && !spec.appliesTo(dataset)) continue
    const measured: Measurement =
      dataset.head === null
        ? { value: null, skip: 'dataset deleted' }
        : spec.measure(dataset, dataset.head, thresholds['min-added-rows'])
    const result: RuleResult = {
      rule,
      dataset: dataset.name,
      metric: spec.metric,
      value: measured.value,
      ...(measured.baseValue !== undefined && { baseValue: measured.baseValue }),
      comparator: comparatorOf(rule),
      threshold: threshold.value,
      unit: spec.kind,
      level: threshold.level,
      outcome: 'pass'
    }
    if (measured.skip !== undefined || measured.value === null) {
      result.outcome = 'skipped'
      result.note = measured.skip ?? 'not measured'
    } else if (!satisfies(measured.value, result.comparator, threshold.value)) {
      result.outcome = threshold.level
      result.note = spec.crossed
    }
    results.push(result)
  }
  return results
}

function comparatorOf(rule: string): RuleResult['comparator'] {
  return rule.startsWith('min-') ? '>=' : '<='
}

function satisfies(value: number, comparator: RuleResult['comparator'], threshold: number): boolean {
  return comparator === '>=' ? value >= threshold - TOLERANCE : value <= threshold + TOLERANCE
}

function headline(
  datasetCount: number,
  results: RuleResult[],
  failed: RuleResult[],
  warnings: number
): string {
  const first = failed[0]
  if (first !== undefined) {
    const more = failed.length - 1
    const extra = [
      more > 0 ? `and ${more} more ${more === 1 ? 'failure' : 'failures'}` : '',
      warnings > 0 ? `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : ''
    ].filter(Boolean)
    const tail = extra.length > 0 ? ` (${extra.join(', ')})` : ''
    return `${describeResult(first)} in ${first.dataset}${tail}`
  }
  const checked = `${datasetCount} ${datasetCount === 1 ? 'dataset' : 'datasets'} checked`
  if (results.length === 0) return `${checked}: every rule is off`
  if (results.every(r => r.outcome === 'skipped')) return `${checked}: every rule was skipped`
  if (warnings > 0) return `${checked}: pass with ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`
  return `${checked}: all rules pass`
}

/** Decimals of a percentage in a headline, the same as in the report's tables. */
const PERCENT_DIGITS = 1

/** The unit of a rule's value, by its config key. */
export function ruleUnit(rule: string): ValueKind {
  if (Object.hasOwn(RULE_SPECS, rule)) return RULE_SPECS[rule as RuleName].kind
  return rule === 'min-added-rows' ? 'count' : 'ratio'
}

function formatted(kind: ValueKind, value: number, extraDigits: number): string {
  let text: string
  if (kind === 'count') text = String(Math.round(value))
  // One decimal, `.0` dropped, as the report's tables print it: `26.8%`, `70%`.
  else if (kind === 'percent')
    text = `${(value * 100).toFixed(PERCENT_DIGITS + extraDigits).replace(/\.0$/, '')}%`
  else text = value.toFixed(ratioDigits(value) + extraDigits)
  // Floating-point noise below zero (a drop of -1e-17) would print as `-0.00`.
  return /^-0(\.0*)?%?$/.test(text) ? text.slice(1) : text
}

function ratioDigits(value: number): number {
  const magnitude = Math.abs(value)
  if (magnitude < TOLERANCE || magnitude >= RATIO_SIGNIFICANT_BELOW) return RATIO_DIGITS
  return 1 - Math.floor(Math.log10(magnitude))
}

/**
 * A rule's value in its unit: ratios with 2 decimals (`0.04`; 2 significant digits below 0.01), fractions as
 * percentages (`64%`), counts as integers.
 */
export function formatRuleValue(rule: string, value: number | null): string {
  return value === null ? 'n/a' : formatted(ruleUnit(rule), value, 0)
}

/** One rule's result in words: `unique-pattern ratio 0.04 < 0.50`, or why it was skipped. */
export function describeResult(r: RuleResult): string {
  if (r.outcome === 'skipped') {
    const value = r.value === null ? '' : ` ${formatRuleValue(r.rule, r.value)}`
    return `${r.metric}${value} skipped: ${r.note ?? 'not enforced'}`
  }
  if (r.value === null) return `${r.metric} n/a`
  if (r.outcome === 'pass') {
    return `${r.metric} ${formatRuleValue(r.rule, r.value)} ${r.comparator} ${formatRuleValue(r.rule, r.threshold)}`
  }
  const crossing = r.comparator === '>=' ? '<' : '>'
  const [value, threshold] = distinctTexts(ruleUnit(r.rule), r.value, r.threshold)
  return `${r.metric} ${value} ${crossing} ${threshold}`
}

/** A value and its threshold, with as many more digits as it takes for them not to print alike. */
function distinctTexts(kind: ValueKind, value: number, threshold: number): [string, string] {
  let pair: [string, string] = [formatted(kind, value, 0), formatted(kind, threshold, 0)]
  const printAlike = ([a, b]: [string, string]): boolean => parseFloat(a) === parseFloat(b)
  for (let extra = 1; printAlike(pair) && kind !== 'count' && extra <= MAX_EXTRA_DIGITS; extra++) {
    pair = [formatted(kind, value, extra), formatted(kind, threshold, extra)]
  }
  return pair
}
