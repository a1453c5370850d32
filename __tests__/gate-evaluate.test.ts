import { formatPercent } from '../src/report/format.js'
import { describe, expect, it } from '@jest/globals'
import { DEFAULT_THRESHOLDS, RULES } from '../src/config/defaults.js'
import type { Thresholds } from '../src/config/types.js'
import { describeResult, evaluateGate, formatRuleValue } from '../src/gate/evaluate-gate.js'
import type { ChangeMetrics, DatasetReport, Mix, RuleResult, SideMetrics } from '../src/types.js'
import { buildComparison, buildFeature, buildLeakage, buildRealism } from './helpers/report-builder.js'

function mix(real: number, synthetic: number, unknown: number): Mix {
  const rows = real + synthetic + unknown
  return {
    real,
    synthetic,
    unknown,
    realFraction: real + synthetic > 0 ? real / (real + synthetic) : null,
    unknownFraction: rows > 0 ? unknown / rows : null
  }
}

function side(overrides: Partial<SideMetrics> = {}): SideMetrics {
  return {
    files: ['data/train.jsonl'],
    rows: 1000,
    invalidRows: 0,
    unique: { exact: 1000, normalised: 990, canonical: 980, template: 960, pattern: 950 },
    uniquePatternRatio: 0.95,
    effectivePatterns: 940,
    mix: mix(800, 200, 0),
    syntheticUniquePatternRatio: 0.9,
    diversity: { compressionRatio: 2.5, distinct2: 0.8 },
    largestPatterns: [],
    ...overrides
  }
}

function change(overrides: Partial<ChangeMetrics> = {}): ChangeMetrics {
  return {
    added: 100,
    removed: 0,
    unchanged: 900,
    changed: 0,
    duplicatesOfExisting: 2,
    duplicateShare: 0.02,
    inExistingPatterns: 10,
    newPatterns: 90,
    novelPatternRatio: 0.9,
    addedUniquePatternRatio: 0.95,
    addedMix: mix(80, 20, 0),
    largestAddedPatterns: [],
    duplicateExamples: [],
    ...overrides
  }
}

/** A healthy modified dataset: every default rule passes. */
function dataset(overrides: Partial<DatasetReport> = {}): DatasetReport {
  return {
    name: 'data/train.jsonl',
    status: 'modified',
    format: 'jsonl',
    base: side({ rows: 900, uniquePatternRatio: 0.96 }),
    head: side(),
    change: change(),
    findings: [],
    findingsOmitted: 0,
    realism: null,
    leakage: null,
    ...overrides
  }
}

const defaults = (): Required<Thresholds> => structuredClone(DEFAULT_THRESHOLDS)
/**
 * The rules a dataset without eval sets gets by default: the eval-set rules do not apply to it, and the realism
 * rules and near-duplicate leaks are off until the config sets them.
 */
const DEFAULT_ON = RULES.filter(
  rule =>
    DEFAULT_THRESHOLDS[rule] !== null && rule !== 'max-eval-leaks' && rule !== 'max-eval-near-duplicates'
)
const withThresholds = (overrides: Partial<Thresholds>) => (): Required<Thresholds> => ({
  ...defaults(),
  ...overrides
})

function resultFor(results: RuleResult[], rule: string): RuleResult {
  const found = results.find(r => r.rule === rule)
  if (found === undefined) throw new Error(`no result for ${rule}`)
  return found
}

describe('evaluateGate', () => {
  it('passes a healthy dataset with one result per rule, in rule order', () => {
    const verdict = evaluateGate([dataset()], defaults)
    expect(verdict.results.map(r => r.rule)).toEqual(DEFAULT_ON)
    expect(verdict.results.map(r => r.outcome)).toEqual(DEFAULT_ON.map(() => 'pass'))
    expect(verdict).toMatchObject({
      conclusion: 'success',
      passed: true,
      failures: 0,
      warnings: 0,
      headline: '1 dataset checked: all rules pass'
    })
    expect(resultFor(verdict.results, 'min-unique-pattern-ratio')).toEqual({
      rule: 'min-unique-pattern-ratio',
      dataset: 'data/train.jsonl',
      metric: 'unique-pattern ratio',
      value: 0.95,
      baseValue: 0.96,
      comparator: '>=',
      threshold: 0.5,
      unit: 'ratio',
      level: 'fail',
      outcome: 'pass'
    })
  })

  it('reports the metric, value, comparator and base value of every rule', () => {
    const results = evaluateGate([dataset()], defaults).results
    expect(results.map(r => [r.rule, r.metric, r.comparator, r.value, r.baseValue])).toEqual([
      ['min-unique-pattern-ratio', 'unique-pattern ratio', '>=', 0.95, 0.96],
      [
        'max-unique-pattern-ratio-drop',
        'drop in unique-pattern ratio',
        '<=',
        expect.closeTo(0.01, 9),
        undefined
      ],
      ['min-novel-pattern-ratio', 'novel-pattern ratio of added rows', '>=', 0.9, undefined],
      ['max-duplicate-share', 'share of added rows duplicating existing data', '<=', 0.02, undefined],
      ['min-real-fraction', 'real fraction', '>=', 0.8, 0.8],
      ['max-unknown-fraction', 'unknown-provenance fraction', '<=', 0, undefined],
      ['max-invalid-rows', 'unparseable rows', '<=', 0, undefined]
    ])
  })

  const failing: [string, Partial<DatasetReport>, string][] = [
    [
      'min-unique-pattern-ratio',
      { base: side({ uniquePatternRatio: 0.05 }), head: side({ uniquePatternRatio: 0.04 }) },
      'unique-pattern ratio 0.04 < 0.50'
    ],
    [
      'max-unique-pattern-ratio-drop',
      { base: side({ uniquePatternRatio: 0.9 }), head: side({ uniquePatternRatio: 0.75 }) },
      'drop in unique-pattern ratio 0.15 > 0.10'
    ],
    [
      'min-novel-pattern-ratio',
      { change: change({ novelPatternRatio: 0.1 }) },
      'novel-pattern ratio of added rows 0.10 < 0.30'
    ],
    [
      'max-duplicate-share',
      { change: change({ duplicateShare: 0.25 }) },
      'share of added rows duplicating existing data 25% > 10%'
    ],
    ['min-real-fraction', { head: side({ mix: mix(64, 36, 0) }) }, 'real fraction 64% < 70%'],
    ['max-invalid-rows', { head: side({ invalidRows: 3 }) }, 'unparseable rows 3 > 0']
  ]
  it.each(failing)('fails %s alone when its threshold is crossed', (rule, overrides, description) => {
    const verdict = evaluateGate([dataset(overrides)], defaults)
    expect(verdict.results.filter(r => r.outcome !== 'pass').map(r => r.rule)).toEqual([rule])
    const result = resultFor(verdict.results, rule)
    expect(result.outcome).toBe('fail')
    expect(result.note).toEqual(expect.any(String))
    expect(describeResult(result)).toBe(description)
    expect(verdict).toMatchObject({ conclusion: 'failure', passed: false, failures: 1, warnings: 0 })
    expect(verdict.headline).toBe(`${description} in data/train.jsonl`)
  })

  it('warns, without failing, on a rule whose level is warn', () => {
    const verdict = evaluateGate([dataset({ head: side({ mix: mix(30, 0, 70) }) })], defaults)
    const unknown = resultFor(verdict.results, 'max-unknown-fraction')
    expect(unknown.outcome).toBe('warn')
    expect(describeResult(unknown)).toBe('unknown-provenance fraction 70% > 50%')
    expect(verdict).toMatchObject({ conclusion: 'success', passed: true, failures: 0, warnings: 1 })
    expect(verdict.headline).toBe('1 dataset checked: pass with 1 warning')
  })

  it('uses the level each threshold sets', () => {
    const thresholds = withThresholds({
      'min-unique-pattern-ratio': { value: 0.5, level: 'warn' },
      'max-unknown-fraction': { value: 0.5, level: 'fail' }
    })
    const report = dataset({
      base: side({ uniquePatternRatio: 0.1 }),
      head: side({ uniquePatternRatio: 0.1, mix: mix(30, 0, 70) })
    })
    const verdict = evaluateGate([report, { ...report, name: 'b' }], thresholds)
    expect(resultFor(verdict.results, 'min-unique-pattern-ratio').outcome).toBe('warn')
    expect(resultFor(verdict.results, 'max-unknown-fraction').outcome).toBe('fail')
    expect(verdict.failures).toBe(2)
    expect(verdict.warnings).toBe(2)
  })

  it('asks for thresholds by dataset name and applies each its own', () => {
    const asked: string[] = []
    const thresholds = (name: string): Required<Thresholds> => {
      asked.push(name)
      return name === 'strict'
        ? { ...defaults(), 'min-unique-pattern-ratio': { value: 0.99, level: 'fail' } }
        : defaults()
    }
    const verdict = evaluateGate([dataset({ name: 'loose' }), dataset({ name: 'strict' })], thresholds)
    expect(asked).toEqual(['loose', 'strict'])
    expect(verdict.results.filter(r => r.outcome === 'fail').map(r => r.dataset)).toEqual(['strict'])
    expect(verdict.results.slice(0, DEFAULT_ON.length).every(r => r.dataset === 'loose')).toBe(true)
  })

  it('leaves out the rules that are off', () => {
    const thresholds = withThresholds({ 'min-real-fraction': null, 'max-invalid-rows': null })
    const verdict = evaluateGate(
      [dataset({ head: side({ invalidRows: 5, mix: mix(1, 99, 0) }) })],
      thresholds
    )
    expect(verdict.results.map(r => r.rule)).toEqual(
      DEFAULT_ON.filter(r => r !== 'min-real-fraction' && r !== 'max-invalid-rows')
    )
    expect(verdict.conclusion).toBe('success')
  })

  it('does not fail a value equal to its threshold after floating-point arithmetic', () => {
    // 0.8 - 0.7 is 0.10000000000000009 in floating point.
    const verdict = evaluateGate(
      [dataset({ base: side({ uniquePatternRatio: 0.8 }), head: side({ uniquePatternRatio: 0.7 }) })],
      defaults
    )
    expect(resultFor(verdict.results, 'max-unique-pattern-ratio-drop').outcome).toBe('pass')
  })
})

describe('evaluateGate skips', () => {
  it('reports but does not enforce the added-row rules below min-added-rows', () => {
    const report = dataset({
      base: side({ uniquePatternRatio: 0.9 }),
      head: side({ uniquePatternRatio: 0.5 }),
      change: change({ added: 5, novelPatternRatio: 0, duplicateShare: 1 })
    })
    const verdict = evaluateGate([report], defaults)
    const note = 'only 5 rows added (fewer than min-added-rows 20): reported, not enforced'
    for (const rule of ['max-unique-pattern-ratio-drop', 'min-novel-pattern-ratio', 'max-duplicate-share']) {
      expect(resultFor(verdict.results, rule)).toMatchObject({ outcome: 'skipped', note })
    }
    expect(resultFor(verdict.results, 'max-duplicate-share').value).toBe(1)
    expect(resultFor(verdict.results, 'max-unique-pattern-ratio-drop').value).toBeCloseTo(0.4)
    expect(verdict.conclusion).toBe('success')
    expect(describeResult(resultFor(verdict.results, 'max-duplicate-share'))).toBe(
      `share of added rows duplicating existing data 100% skipped: ${note}`
    )
  })

  it('enforces them once enough rows were added', () => {
    const report = dataset({ change: change({ added: 5, novelPatternRatio: 0, duplicateShare: 1 }) })
    const verdict = evaluateGate([report], withThresholds({ 'min-added-rows': 5 }))
    expect(resultFor(verdict.results, 'min-novel-pattern-ratio').outcome).toBe('fail')
    expect(resultFor(verdict.results, 'max-duplicate-share').outcome).toBe('fail')
  })

  it('says "1 row" for a single added row', () => {
    const verdict = evaluateGate([dataset({ change: change({ added: 1 }) })], defaults)
    expect(resultFor(verdict.results, 'min-novel-pattern-ratio').note).toBe(
      'only 1 row added (fewer than min-added-rows 20): reported, not enforced'
    )
  })

  it('skips the real fraction when no row has a known provenance', () => {
    const verdict = evaluateGate([dataset({ head: side({ mix: mix(0, 0, 1000) }) })], defaults)
    expect(resultFor(verdict.results, 'min-real-fraction')).toMatchObject({
      value: null,
      outcome: 'skipped',
      note: 'no row has a known provenance: set `provenance` in the config to enforce this'
    })
    expect(resultFor(verdict.results, 'max-unknown-fraction').outcome).toBe('warn')
  })

  it('skips every rule of a deleted dataset', () => {
    const verdict = evaluateGate([dataset({ status: 'deleted', head: null })], defaults)
    expect(verdict.results).toHaveLength(DEFAULT_ON.length)
    for (const r of verdict.results)
      expect(r).toMatchObject({ value: null, outcome: 'skipped', note: 'dataset deleted' })
    expect(verdict).toMatchObject({ conclusion: 'success', passed: true })
    expect(verdict.headline).toBe('1 dataset checked: every rule was skipped')
  })

  it('skips the drop, but checks the rest, for a new dataset', () => {
    const verdict = evaluateGate([dataset({ status: 'added', base: null })], defaults)
    expect(resultFor(verdict.results, 'max-unique-pattern-ratio-drop')).toMatchObject({
      value: null,
      outcome: 'skipped',
      note: 'new dataset: no base to compare with'
    })
    expect(resultFor(verdict.results, 'min-unique-pattern-ratio')).toMatchObject({
      baseValue: null,
      outcome: 'pass'
    })
    expect(verdict.results.filter(r => r.outcome === 'skipped')).toHaveLength(1)
  })

  it('skips the ratios of a head without rows, but still counts its unparseable rows', () => {
    const empty = side({ rows: 0, invalidRows: 4, uniquePatternRatio: null, mix: mix(0, 0, 0) })
    const verdict = evaluateGate([dataset({ head: empty })], defaults)
    const outcomes = Object.fromEntries(verdict.results.map(r => [r.rule, r.outcome]))
    expect(outcomes).toMatchObject({
      'min-unique-pattern-ratio': 'skipped',
      'max-unique-pattern-ratio-drop': 'skipped',
      'min-real-fraction': 'skipped',
      'max-unknown-fraction': 'skipped',
      'max-invalid-rows': 'fail'
    })
    expect(resultFor(verdict.results, 'min-real-fraction').note).toBe(
      'the dataset has no readable rows at head'
    )
  })
})

describe('verdict headline', () => {
  it('is neutral when no dataset changed', () => {
    expect(evaluateGate([], defaults)).toEqual({
      conclusion: 'neutral',
      passed: true,
      headline: 'No dataset changed',
      results: [],
      failures: 0,
      warnings: 0
    })
  })

  it('names the first failure and counts the others', () => {
    const bad = dataset({
      name: 'data/a.jsonl',
      base: side({ uniquePatternRatio: 0.04 }),
      head: side({ uniquePatternRatio: 0.04, invalidRows: 2 })
    })
    const alsoBad = dataset({ name: 'data/b.jsonl', head: side({ mix: mix(1, 9, 0) }) })
    expect(evaluateGate([bad, alsoBad], defaults).headline).toBe(
      'unique-pattern ratio 0.04 < 0.50 in data/a.jsonl (and 2 more failures)'
    )
    expect(evaluateGate([alsoBad, dataset({ name: 'ok' })], defaults).headline).toBe(
      'real fraction 10% < 70% in data/b.jsonl'
    )
    const failedAndWarned = dataset({
      name: 'data/c.jsonl',
      head: side({ uniquePatternRatio: 0.04, mix: mix(10, 0, 90) })
    })
    expect(evaluateGate([failedAndWarned], defaults).headline).toBe(
      'unique-pattern ratio 0.04 < 0.50 in data/c.jsonl (and 1 more failure, 1 warning)'
    )
    expect(evaluateGate([bad], defaults).headline).toBe(
      'unique-pattern ratio 0.04 < 0.50 in data/a.jsonl (and 1 more failure)'
    )
  })

  it('counts datasets and warnings on success', () => {
    const warned = dataset({ name: 'w', head: side({ mix: mix(10, 0, 90) }) })
    expect(evaluateGate([dataset(), dataset({ name: 'b' }), dataset({ name: 'c' })], defaults).headline).toBe(
      '3 datasets checked: all rules pass'
    )
    expect(evaluateGate([warned, { ...warned, name: 'w2' }, dataset()], defaults).headline).toBe(
      '3 datasets checked: pass with 2 warnings'
    )
  })

  it('says so when every rule is off', () => {
    const off = (): Required<Thresholds> =>
      ({
        ...Object.fromEntries(RULES.map(r => [r, null])),
        'min-added-rows': 20
      }) as Required<Thresholds>
    expect(evaluateGate([dataset()], off)).toMatchObject({
      conclusion: 'success',
      results: [],
      headline: '1 dataset checked: every rule is off'
    })
  })
})

describe('formatRuleValue and describeResult', () => {
  it('formats ratios with 2 decimals, fractions as percentages and counts as integers', () => {
    expect(formatRuleValue('min-unique-pattern-ratio', 0.04)).toBe('0.04')
    expect(formatRuleValue('min-unique-pattern-ratio', 0.004)).toBe('0.0040')
    expect(formatRuleValue('min-unique-pattern-ratio', 0)).toBe('0.00')
    expect(formatRuleValue('max-unique-pattern-ratio-drop', 0.125)).toBe('0.13')
    expect(formatRuleValue('max-unique-pattern-ratio-drop', -0.001)).toBe('-0.0010')
    expect(formatRuleValue('max-unique-pattern-ratio-drop', 0.3 - 0.1 - 0.2)).toBe('0.00')
    expect(formatRuleValue('min-novel-pattern-ratio', 1)).toBe('1.00')
    expect(formatRuleValue('min-real-fraction', 0.64)).toBe('64%')
    expect(formatRuleValue('max-unknown-fraction', 0.5)).toBe('50%')
    expect(formatRuleValue('max-duplicate-share', 0.1)).toBe('10%')
    expect(formatRuleValue('max-invalid-rows', 12)).toBe('12')
    expect(formatRuleValue('min-added-rows', 20)).toBe('20')
    expect(formatRuleValue('min-real-fraction', null)).toBe('n/a')
  })

  it('prints a value as the report tables do, so the headline and the tables agree', () => {
    const realFraction = resultFor(
      evaluateGate([dataset({ head: side({ mix: mix(66, 180, 0) }) })], defaults).results,
      'min-real-fraction'
    )
    expect(describeResult(realFraction)).toBe(
      `real fraction ${formatPercent(66 / 246)} < ${formatPercent(0.7)}`
    )
    expect(formatPercent(66 / 246)).toBe('26.8%')
  })

  it('adds digits when a crossed value would print like its threshold', () => {
    const realFraction = resultFor(
      evaluateGate([dataset({ head: side({ mix: mix(6995, 3005, 0) }) })], defaults).results,
      'min-real-fraction'
    )
    expect(realFraction.outcome).toBe('fail')
    // 69.95% prints as 70.0%, so 70% with its `.0` dropped: as the threshold would read.
    expect(describeResult(realFraction)).toBe('real fraction 69.95% < 70.00%')
    const ratio = resultFor(
      evaluateGate(
        [dataset({ base: side({ uniquePatternRatio: 0.499 }), head: side({ uniquePatternRatio: 0.499 }) })],
        defaults
      ).results,
      'min-unique-pattern-ratio'
    )
    expect(describeResult(ratio)).toBe('unique-pattern ratio 0.499 < 0.500')
  })

  it('describes a passing result with its comparator', () => {
    const result = resultFor(evaluateGate([dataset()], defaults).results, 'min-real-fraction')
    expect(describeResult(result)).toBe('real fraction 80% >= 70%')
  })
})

describe('evaluateGate: eval-set leakage and realism rules', () => {
  const on = withThresholds({
    'max-eval-near-duplicates': { value: 0, level: 'warn' },
    'max-separability': { value: 0.9, level: 'warn' },
    'max-feature-divergence': { value: 0.1, level: 'warn' }
  })

  it('fails on one exact or normalised leak by default, and counts both kinds', () => {
    const leaky = dataset({ leakage: buildLeakage({ exact: 2, normalised: 1, nearDuplicate: 5 }) })
    const verdict = evaluateGate([leaky], defaults)
    expect(resultFor(verdict.results, 'max-eval-leaks')).toMatchObject({
      metric: 'added rows repeating eval-set rows (exact or normalised)',
      value: 3,
      comparator: '<=',
      threshold: 0,
      level: 'fail',
      outcome: 'fail'
    })
    // Near-duplicates are off by default, and the realism rules too.
    expect(verdict.results.map(r => r.rule)).not.toContain('max-eval-near-duplicates')
    expect(verdict.results.map(r => r.rule)).not.toContain('max-separability')
    expect(verdict.headline).toBe(
      'added rows repeating eval-set rows (exact or normalised) 3 > 0 in data/train.jsonl'
    )
  })

  it('passes when the added rows leak nothing, and gives no leak result without eval sets', () => {
    const clean = dataset({ leakage: buildLeakage({ exact: 0, normalised: 0, nearDuplicate: 0, leaks: [] }) })
    expect(resultFor(evaluateGate([clean], defaults).results, 'max-eval-leaks').outcome).toBe('pass')
    const results = evaluateGate([dataset({ leakage: null })], on).results.map(r => r.rule)
    expect(results).not.toContain('max-eval-leaks')
    expect(results).not.toContain('max-eval-near-duplicates')
  })

  it('warns on near-duplicates, separability and feature divergence once switched on', () => {
    const report = dataset({ leakage: buildLeakage({ exact: 0, normalised: 0 }), realism: buildRealism() })
    const verdict = evaluateGate([report], on)
    expect(resultFor(verdict.results, 'max-eval-near-duplicates')).toMatchObject({
      value: 1,
      outcome: 'warn'
    })
    expect(resultFor(verdict.results, 'max-separability')).toMatchObject({
      metric: 'separability of real and synthetic rows (AUC)',
      value: 0.94,
      threshold: 0.9,
      outcome: 'warn'
    })
    // The largest per-feature divergence of the comparison: input length, 0.3.
    expect(resultFor(verdict.results, 'max-feature-divergence')).toMatchObject({
      value: 0.3,
      outcome: 'warn'
    })
    expect(verdict.conclusion).toBe('success')
    expect(describeResult(resultFor(verdict.results, 'max-separability'))).toBe(
      'separability of real and synthetic rows (AUC) 0.94 > 0.90'
    )
  })

  it('passes synthetic rows that look like the real ones', () => {
    const alike = buildRealism({
      realVsSynthetic: buildComparison({
        separability: 0.55,
        features: [buildFeature({ divergence: 0.001 })],
        gaps: []
      })
    })
    const verdict = evaluateGate([dataset({ realism: alike })], on)
    expect(resultFor(verdict.results, 'max-separability').outcome).toBe('pass')
    expect(resultFor(verdict.results, 'max-feature-divergence')).toMatchObject({
      value: 0.001,
      outcome: 'pass'
    })
  })

  it('judges the comparison with the reference set like one with real rows', () => {
    const realism = buildRealism({ baseline: 'reference', reference: 'user-prompts' })
    expect(resultFor(evaluateGate([dataset({ realism })], on).results, 'max-separability').outcome).toBe(
      'warn'
    )
  })

  it('skips the realism rules, saying why, when there is nothing to compare', () => {
    const cases: [DatasetReport['realism'], string][] = [
      [null, 'no synthetic rows at head to compare with real ones (see `provenance`)'],
      [
        buildRealism({ realVsSynthetic: null, baseline: null }),
        'no synthetic rows at head to compare with real ones (see `provenance`)'
      ],
      [
        buildRealism({ baseline: 'none', realVsSynthetic: buildComparison({ rowsA: 0, sampledA: 0 }) }),
        'no real rows at head and no `realism.reference` to compare the synthetic rows with'
      ]
    ]
    for (const [realism, note] of cases) {
      const verdict = evaluateGate([dataset({ realism })], on)
      expect(resultFor(verdict.results, 'max-separability')).toMatchObject({ outcome: 'skipped', note })
      expect(resultFor(verdict.results, 'max-feature-divergence')).toMatchObject({ outcome: 'skipped', note })
    }
    const few = buildRealism({ realVsSynthetic: buildComparison({ separability: null }) })
    expect(
      resultFor(evaluateGate([dataset({ realism: few })], on).results, 'max-separability')
    ).toMatchObject({
      outcome: 'skipped',
      note: 'fewer than 10 sampled rows on a side: separability is not measured'
    })
  })

  it('reads a report without the realism and leakage keys (written before they existed)', () => {
    const old = dataset() as Partial<DatasetReport>
    delete old.realism
    delete old.leakage
    const verdict = evaluateGate([old as DatasetReport], on)
    expect(verdict.results.map(r => r.rule)).not.toContain('max-eval-leaks')
    expect(resultFor(verdict.results, 'max-separability').outcome).toBe('skipped')
  })
})
