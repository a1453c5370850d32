import { ruleUnit } from '../src/gate/evaluate-gate.js'
import { describe, expect, it } from '@jest/globals'
import {
  formatAddedRemoved,
  formatChange,
  formatCount,
  formatDecimal,
  formatPercent,
  formatRatio,
  formatRuleChange,
  formatThreshold,
  ruleValueKind,
  shortSha
} from '../src/report/format.js'
import { buildRule } from './helpers/report-builder.js'

describe('number formats', () => {
  it('writes counts with thousands separators and a real minus sign', () => {
    expect(formatCount(0)).toBe('0')
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatCount(999.6)).toBe('1,000')
    expect(formatCount(-1234)).toBe('−1,234')
    expect(formatCount(null)).toBe('—')
    expect(formatCount(Number.NaN)).toBe('—')
  })
  it('writes ratios with two decimals, and two significant digits when that would read 0.00', () => {
    expect(formatRatio(0.5)).toBe('0.50')
    expect(formatRatio(1)).toBe('1.00')
    expect(formatRatio(0.0043)).toBe('0.0043')
    expect(formatRatio(0)).toBe('0.00')
    expect(formatRatio(13.456)).toBe('13.46')
    expect(formatRatio(undefined)).toBe('—')
    expect(formatDecimal(12345.67, 1)).toBe('12,345.7')
  })
  it('writes fractions as percentages', () => {
    expect(formatPercent(0.7)).toBe('70%')
    expect(formatPercent(0.6523)).toBe('65.2%')
    expect(formatPercent(1)).toBe('100%')
    expect(formatPercent(0.00001)).toBe('<0.1%')
    expect(formatPercent(0)).toBe('0%')
    expect(formatPercent(null)).toBe('—')
  })
  it('writes changes with an arrow and — for a missing side', () => {
    expect(formatChange(1000, 1200, formatCount)).toBe('1,000 → 1,200')
    expect(formatChange(null, 0.5, formatRatio)).toBe('— → 0.50')
    expect(formatAddedRemoved(1250, 3)).toBe('+1,250 / −3')
  })
  it('shortens only hex SHAs', () => {
    expect(shortSha('0123456789ABCDEF0123')).toBe('0123456')
    expect(shortSha('<script>')).toBe('')
  })
})

describe('rule values', () => {
  it.each([
    ['min-unique-pattern-ratio', 'unique-pattern ratio', 'ratio'],
    ['max-unique-pattern-ratio-drop', 'drop in unique-pattern ratio', 'ratio'],
    ['min-novel-pattern-ratio', 'novel-pattern ratio of added rows', 'ratio'],
    ['max-duplicate-share', 'share of added rows duplicating existing data', 'percent'],
    ['min-real-fraction', 'real fraction', 'percent'],
    ['max-unknown-fraction', 'unknown-provenance fraction', 'percent'],
    ['max-invalid-rows', 'unparseable rows', 'count']
  ])('reads %s (%s) as a %s, the unit the gate states', (rule, _metric, kind) => {
    expect(ruleUnit(rule)).toBe(kind)
    expect(ruleValueKind({ unit: ruleUnit(rule) })).toBe(kind)
  })
  it('formats thresholds and base → head in the rule’s unit', () => {
    const real = buildRule({
      rule: 'min-real-fraction',
      metric: 'real fraction',
      value: 0.65,
      baseValue: 0.8
    })
    expect(formatThreshold({ ...real, threshold: 0.7 })).toBe('≥ 70%')
    expect(formatRuleChange(real)).toBe('80% → 65%')
    const invalid = buildRule({
      rule: 'max-invalid-rows',
      metric: 'unparseable rows',
      comparator: '<=',
      threshold: 1000
    })
    expect(formatThreshold(invalid)).toBe('≤ 1,000')
    expect(formatRuleChange(buildRule({ value: null, baseValue: undefined }))).toBe('—')
  })
})
