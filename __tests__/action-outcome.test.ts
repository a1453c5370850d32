import { describe, expect, it } from '@jest/globals'
import {
  actionOutputs,
  checkConclusion,
  commentMarker,
  commentPlan,
  stepFails
} from '../src/action-outcome.js'
import { DEFAULT_MARKER, renderMarkdown } from '../src/report/markdown.js'
import {
  buildDataset,
  buildReport,
  buildRule,
  buildSide,
  buildChange,
  buildComparison,
  buildLeakage,
  buildMix,
  buildRealism
} from './helpers/report-builder.js'

const failing = buildReport()
const warningOnly = buildReport({
  verdict: {
    results: [buildRule({ outcome: 'warn', level: 'warn' })],
    headline: '1 dataset checked: pass with 1 warning'
  }
})
const passing = buildReport({ verdict: { results: [buildRule({ outcome: 'pass', value: 0.9 })] } })
const untouched = buildReport({
  datasets: [],
  verdict: { results: [], conclusion: 'neutral', headline: 'No dataset changed' }
})

describe('checkConclusion and stepFails', () => {
  it('fails on a failed gate by default, and with fail-on: warn on warnings too', () => {
    expect(checkConclusion(failing.verdict, 'fail')).toBe('failure')
    expect(checkConclusion(warningOnly.verdict, 'fail')).toBe('success')
    expect(checkConclusion(warningOnly.verdict, 'warn')).toBe('failure')
    expect(checkConclusion(passing.verdict, 'warn')).toBe('success')
    expect(stepFails(failing.verdict, 'fail')).toBe(true)
    expect(stepFails(warningOnly.verdict, 'warn')).toBe(true)
    expect(stepFails(warningOnly.verdict, 'fail')).toBe(false)
  })

  it('never blocks with fail-on: never: a failed gate is neutral', () => {
    expect(checkConclusion(failing.verdict, 'never')).toBe('neutral')
    expect(checkConclusion(passing.verdict, 'never')).toBe('success')
    expect(stepFails(failing.verdict, 'never')).toBe(false)
  })

  it('is neutral when no dataset changed, whatever fail-on says', () => {
    for (const failOn of ['fail', 'warn', 'never'] as const) {
      expect(checkConclusion(untouched.verdict, failOn)).toBe('neutral')
      expect(stepFails(untouched.verdict, failOn)).toBe(false)
    }
  })
})

describe('actionOutputs', () => {
  it('reports the lowest value over datasets, four decimals, and passed as the step sees it', () => {
    const report = buildReport({
      datasets: [
        buildDataset('a.jsonl', {
          head: buildSide({ uniquePatternRatio: 0.52, mix: buildMix(70, 30) }),
          change: buildChange({ novelPatternRatio: 0.5 }),
          realism: buildRealism({ realVsSynthetic: buildComparison({ separability: 0.61 }) }),
          leakage: buildLeakage({ exact: 2, normalised: 1, nearDuplicate: 0 })
        }),
        buildDataset('b.jsonl', {
          head: buildSide({ uniquePatternRatio: 0.04123, mix: buildMix(90, 10) }),
          change: buildChange({ novelPatternRatio: null }),
          realism: buildRealism({ realVsSynthetic: buildComparison({ separability: 0.93456 }) }),
          leakage: buildLeakage({ exact: 0, normalised: 0, nearDuplicate: 4 })
        }),
        buildDataset('gone.jsonl', { head: null, change: buildChange({ novelPatternRatio: null }) })
      ]
    })
    expect(actionOutputs(report, 'fail')).toEqual({
      passed: 'false',
      'unique-pattern-ratio': '0.0412',
      'real-fraction': '0.7000',
      'novel-pattern-ratio': '0.5000',
      'synthetic-separability': '0.9346',
      'eval-leaks': '7'
    })
    expect(actionOutputs(report, 'never').passed).toBe('true')
  })

  it('leaves a metric no dataset has empty', () => {
    expect(actionOutputs(untouched, 'fail')).toEqual({
      passed: 'true',
      'unique-pattern-ratio': '',
      'real-fraction': '',
      'novel-pattern-ratio': '',
      'synthetic-separability': '',
      'eval-leaks': ''
    })
  })
})

describe('commentPlan', () => {
  it('posts always, on a dataset change, or on failure; updates a passing one; removes a stale one', () => {
    expect(commentPlan('always', untouched, 'fail')).toBe('post')
    expect(commentPlan('on-change', passing, 'fail')).toBe('post')
    expect(commentPlan('on-change', untouched, 'fail')).toBe('remove')
    expect(commentPlan('on-failure', failing, 'fail')).toBe('post')
    expect(commentPlan('on-failure', passing, 'fail')).toBe('update')
    expect(commentPlan('on-failure', failing, 'never')).toBe('update')
    expect(commentPlan('on-failure', warningOnly, 'warn')).toBe('post')
    expect(commentPlan('never', failing, 'fail')).toBe('leave')
  })
})

describe('commentMarker', () => {
  it('keeps the default marker for the default check, and gives other names their own', () => {
    expect(commentMarker('dataset-guard')).toBe(DEFAULT_MARKER)
    expect(commentMarker('sft data')).toBe('<!-- dataset-guard: sft data -->')
    expect(commentMarker('sft data')).not.toBe(commentMarker('sft'))
  })

  it('is embedded verbatim by the renderer, even for names that try to end the comment', () => {
    for (const name of ['sft data', 'evil --> <b>', 'a-<-b', '-->-->', 'x\ny']) {
      const marker = commentMarker(name)
      expect(marker).toMatch(/^<!-- [^]*? -->$/)
      expect(marker.slice(4, -3)).not.toMatch(/--|[<>]/)
      expect(renderMarkdown(failing, { marker }).startsWith(`${marker}\n`)).toBe(true)
    }
  })
})
