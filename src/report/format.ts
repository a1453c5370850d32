// Number formatting shared by the markdown and terminal reports. Kept here rather than imported from gate/ so the
// renderers stay pure leaves of the module graph.

import type { RuleResult, ValueUnit } from '../types.js'

/** Shown wherever a number is missing (no rows, nothing added, no known provenance). */
export const MISSING = '—'
export const ARROW = '→'
/** U+2212, so `−50` lines up with `+250` instead of reading as a hyphen. */
export const MINUS = '−'

const RATIO_DIGITS = 2
// Below 0.01 two decimals print 0.00, which hides the difference between a templated set (0.004) and a totally
// collapsed one; small ratios keep two significant digits instead.
const RATIO_SIGNIFICANT_BELOW = 0.01
const RATIO_SIGNIFICANT_DIGITS = 2
const PERCENT_DIGITS = 1
// The smallest non-zero percentage that one decimal can show; anything smaller prints as `<0.1%`, never `0%`.
const SMALLEST_PERCENT = 0.1

function withThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** `1,234,567`; non-integers are rounded. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING
  const rounded = Math.round(value)
  const sign = rounded < 0 ? MINUS : ''
  return sign + withThousands(String(Math.abs(rounded)))
}

/** A number with a fixed count of decimals and thousands separators: `12,345.6`. */
export function formatDecimal(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING
  const fixed = Math.abs(value).toFixed(digits)
  const [whole = '0', fraction] = fixed.split('.')
  const sign = value < 0 && Number(fixed) !== 0 ? MINUS : ''
  return sign + withThousands(whole) + (fraction === undefined ? '' : `.${fraction}`)
}

/** A ratio such as the unique-pattern ratio: `0.52`, or `0.0043` when two decimals would read as zero. */
export function formatRatio(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING
  const magnitude = Math.abs(value)
  if (magnitude > 0 && magnitude < RATIO_SIGNIFICANT_BELOW) {
    return (value < 0 ? MINUS : '') + magnitude.toPrecision(RATIO_SIGNIFICANT_DIGITS)
  }
  return formatDecimal(value, RATIO_DIGITS)
}

/** A fraction as a percentage: `0.7` → `70%`, `0.655` → `65.5%`, `0.0001` → `<0.1%`. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING
  const percent = value * 100
  if (percent > 0 && percent < SMALLEST_PERCENT) return `<${SMALLEST_PERCENT}%`
  const text = formatDecimal(percent, PERCENT_DIGITS).replace(/\.0$/, '')
  return `${text}%`
}

/** `base → head`; a side that does not exist prints as `—`. */
export function formatChange<T>(
  base: T | null | undefined,
  head: T | null | undefined,
  format: (v: T) => string
) {
  const side = (v: T | null | undefined) => (v === null || v === undefined ? MISSING : format(v))
  return `${side(base)} ${ARROW} ${side(head)}`
}

/** `+250 / −50`. */
export function formatAddedRemoved(added: number, removed: number): string {
  return `+${formatCount(added)} / ${MINUS}${formatCount(removed)}`
}

export type ValueKind = ValueUnit

/** How a rule's value reads: the gate states each rule's unit. */
export function ruleValueKind(rule: Pick<RuleResult, 'unit'>): ValueKind {
  return rule.unit
}

export function formatValue(kind: ValueKind, value: number | null | undefined): string {
  if (kind === 'percent') return formatPercent(value)
  if (kind === 'count') return formatCount(value)
  return formatRatio(value)
}

/** A rule's value, formatted for its kind. */
export function formatRuleValue(rule: Pick<RuleResult, 'unit'>, value: number | null | undefined) {
  return formatValue(ruleValueKind(rule), value)
}

/** `≥ 0.50` / `≤ 10%`. */
export function formatThreshold(rule: Pick<RuleResult, 'unit' | 'comparator' | 'threshold'>): string {
  const symbol = rule.comparator === '>=' ? '≥' : '≤'
  return `${symbol} ${formatRuleValue(rule, rule.threshold)}`
}

/** The value a rule judged, with the base value first when the rule compares with base. */
export function formatRuleChange(rule: RuleResult): string {
  if (rule.baseValue === undefined) return formatRuleValue(rule, rule.value)
  return formatChange(rule.baseValue, rule.value, v => formatRuleValue(rule, v))
}

// Seven hex digits is what GitHub itself shows for a commit.
const SHORT_SHA_LENGTH = 7

/** A commit's short form; anything that is not a hex SHA is cut, not trusted. */
export function shortSha(sha: string): string {
  return /^[0-9a-f]+$/i.test(sha) ? sha.slice(0, SHORT_SHA_LENGTH).toLowerCase() : ''
}

/**
 * Words for a separability. DESIGN.md: synthetic against synthetic stayed near 0.5, Alpaca-style prompts
 * against real user prompts reached 0.90-0.995; the steps between are for reading, not measured boundaries.
 */
const SEPARABILITY_WORDS: readonly [number, string][] = [
  [0.9, 'easy to tell apart'],
  [0.75, 'clearly different'],
  [0.6, 'somewhat different']
]
const LOOK_ALIKE = 'hard to tell apart'

/** An AUC with 2 decimals, or 3 when 2 would round a value below 1 up to `1.00`. */
export function formatSeparability(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING
  const v = value
  const two = v.toFixed(2)
  return two === '1.00' && v < 1 ? v.toFixed(3) : two
}

export function separabilityWords(value: number): string {
  for (const [from, words] of SEPARABILITY_WORDS) if (value >= from) return words
  return LOOK_ALIKE
}
