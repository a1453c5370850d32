import { describe, expect, it } from '@jest/globals'
import {
  reportAnnotations,
  selectAnnotations,
  workflowCommandAnnotations,
  type Annotation
} from '../src/report/annotations.js'
import { ANNOTATION_TITLE_MAX_CHARS, WORKFLOW_ANNOTATIONS_PER_KIND } from '../src/report/github-limits.js'
import {
  buildChange,
  buildDataset,
  buildFinding,
  buildLeakage,
  buildPattern,
  buildReport,
  buildRule
} from './helpers/report-builder.js'
import { HOSTILE } from './helpers/hostile-text.js'

const invalidRows = (n: number, file = 'data/train.jsonl') =>
  Array.from({ length: n }, (_, i) => buildFinding({ file, line: 100 + i, message: `bad row ${i}` }))

describe('reportAnnotations', () => {
  it('annotates head-side findings on their file and line, and leaves base-side ones to the summary', () => {
    const report = buildReport({
      datasets: [
        buildDataset('data/train.jsonl', {
          findings: [
            buildFinding({ line: 7, message: 'Unexpected token } in JSON' }),
            buildFinding({ line: 9, side: 'base' }),
            buildFinding({
              kind: 'lfs-pointer',
              line: undefined,
              file: 'data/big.parquet',
              message: 'is a Git LFS pointer'
            }),
            buildFinding({
              kind: 'skipped-file',
              line: undefined,
              file: 'data/link.jsonl',
              message: 'symlink'
            })
          ],
          change: buildChange({ largestAddedPatterns: [], duplicateExamples: [] })
        })
      ]
    })
    const annotations = reportAnnotations(report)
    // Failures first, then warnings, then notices.
    expect(annotations).toEqual([
      {
        path: 'data/train.jsonl',
        line: 7,
        level: 'failure',
        title: 'Unparseable row in data/train.jsonl',
        message:
          'Unexpected token } in JSON. The row is left out of the analysis and would be lost from training.'
      },
      {
        path: 'data/big.parquet',
        line: 1,
        level: 'warning',
        title: 'Git LFS pointer, not data: data/train.jsonl was not analysed from this file',
        message: 'This file is a Git LFS pointer'
      },
      {
        path: 'data/link.jsonl',
        line: 1,
        level: 'notice',
        title: 'File skipped in data/train.jsonl',
        message: 'symlink'
      }
    ])
  })

  it('puts one annotation per repeated pattern on its first row, listing where the rest are', () => {
    const pattern = buildPattern({
      size: 120,
      variants: 2,
      examples: [
        { file: 'data/train.jsonl', line: 10 },
        { file: 'data/train.jsonl', line: 11 },
        { file: 'data/more.jsonl', line: 3 }
      ]
    })
    const single = buildPattern({
      templateKey: 'one off',
      size: 1,
      examples: [{ file: 'data/train.jsonl', line: 40 }]
    })
    const report = buildReport({
      datasets: [
        buildDataset('data/train.jsonl', {
          change: buildChange({ largestAddedPatterns: [pattern, single], duplicateExamples: [] })
        })
      ]
    })
    const [annotation, ...rest] = reportAnnotations(report)
    expect(rest).toEqual([])
    expect(annotation).toEqual({
      path: 'data/train.jsonl',
      line: 10,
      // The report's unique-pattern rule failed, so its patterns are failures too.
      level: 'failure',
      title: 'Repeated pattern: 120 added rows in data/train.jsonl',
      message:
        '120 added rows share the template "what is <n> + <n>" (2 variants folded together), a pattern new in this change. ' +
        'This is the first of them. Others: data/train.jsonl:11, data/more.jsonl:3, and 117 more rows. ' +
        'The report lists the largest patterns with examples.'
    })
  })

  it('takes the pattern and duplicate levels from the rules that judged them', () => {
    const dataset = buildDataset('d.jsonl', {
      change: buildChange({
        duplicateExamples: [{ file: 'd.jsonl', line: 5 }],
        duplicatesOfExisting: 5,
        added: 250
      })
    })
    const levels = (results: ReturnType<typeof buildRule>[]) =>
      reportAnnotations(buildReport({ datasets: [dataset], verdict: { results } })).map(
        a => `${a.title.split(':')[0]} ${a.level}`
      )
    const pass = { dataset: 'd.jsonl', outcome: 'pass' as const }
    expect(levels([buildRule({ ...pass }), buildRule({ ...pass, rule: 'max-duplicate-share' })])).toEqual([
      'Repeated pattern notice',
      'Repeated pattern notice',
      'Added row duplicates existing data in d.jsonl notice'
    ])
    expect(
      levels([
        buildRule({ dataset: 'd.jsonl', rule: 'min-novel-pattern-ratio', outcome: 'warn' }),
        buildRule({ ...pass, rule: 'max-duplicate-share', outcome: 'fail' })
      ])
    ).toEqual([
      'Added row duplicates existing data in d.jsonl failure',
      'Repeated pattern warning',
      'Repeated pattern warning'
    ])
  })

  it('puts each kept eval leak on its training row, at the level its rule gave', () => {
    const leakage = buildLeakage()
    const dataset = buildDataset('data/train.jsonl', {
      leakage,
      change: buildChange({ largestAddedPatterns: [] })
    })
    const annotations = reportAnnotations(
      buildReport({
        datasets: [dataset],
        verdict: {
          results: [
            buildRule({ dataset: 'data/train.jsonl', rule: 'max-eval-leaks', outcome: 'fail' }),
            buildRule({ dataset: 'data/train.jsonl', rule: 'max-eval-near-duplicates', outcome: 'warn' })
          ]
        }
      })
    ).filter(a => a.title.startsWith('Added row repeats an eval row'))
    expect(annotations.map(a => [a.path, a.line, a.level])).toEqual([
      ['data/train.jsonl', 1201, 'failure'],
      ['data/train.jsonl', 1202, 'failure'],
      ['data/train.jsonl', 1203, 'warning']
    ])
    expect(annotations[0]?.title).toBe('Added row repeats an eval row of gsm8k-test in data/train.jsonl')
    expect(annotations[0]?.message).toContain(
      'matches eval/test.jsonl:1 of the eval set gsm8k-test word for word'
    )
    expect(annotations[2]?.message).toContain('nearly (template similarity 0.62)')
  })

  it('orders by level, then whole files, then patterns by size, then single rows', () => {
    const report = buildReport({
      datasets: [
        buildDataset('data/train.jsonl', {
          findings: [
            ...invalidRows(2),
            buildFinding({ kind: 'invalid-file', line: undefined, file: 'data/x.csv', message: 'not CSV' })
          ],
          change: buildChange({
            largestAddedPatterns: [
              buildPattern({
                size: 5,
                templateKey: 'small',
                examples: [{ file: 'data/train.jsonl', line: 1 }]
              }),
              buildPattern({
                size: 50,
                templateKey: 'big',
                examples: [{ file: 'data/train.jsonl', line: 2 }]
              })
            ],
            duplicateExamples: []
          })
        })
      ]
    })
    expect(reportAnnotations(report).map(a => `${a.path}:${a.line}`)).toEqual([
      'data/x.csv:1',
      'data/train.jsonl:2',
      'data/train.jsonl:1',
      'data/train.jsonl:100',
      'data/train.jsonl:101'
    ])
  })

  it('keeps hostile text to one plain line and titles within 255 characters', () => {
    const name = `data/${'x'.repeat(400)}.jsonl`
    const report = buildReport({
      datasets: [
        buildDataset(name, {
          findings: HOSTILE.map((message, i) =>
            buildFinding({ file: name, line: i + 1, message: `${message}\u001b[31m` })
          ),
          change: buildChange({
            largestAddedPatterns: [buildPattern({ templateKey: 'a\nb\r\n::set-output name=x::y' })],
            duplicateExamples: []
          })
        })
      ]
    })
    for (const a of reportAnnotations(report)) {
      expect([...a.title].length).toBeLessThanOrEqual(ANNOTATION_TITLE_MAX_CHARS)
      expect(a.message).not.toMatch(/[\n\r\u200b-\u200d\u202e]/)
      expect(a.message).not.toContain('\u001b')
      expect(a.title).not.toMatch(/[\n\r]/)
    }
    expect(reportAnnotations(report).find(a => a.title.startsWith('Repeated'))?.message).toContain(
      '"a⏎b⏎::set-output'
    )
  })

  it('places Parquet rows on the file, naming the row', () => {
    const report = buildReport({
      datasets: [
        buildDataset('p', {
          format: 'parquet',
          findings: [buildFinding({ file: 'data/p.parquet', line: 12345, message: 'no prompt field' })],
          change: buildChange({ largestAddedPatterns: [], duplicateExamples: [] })
        })
      ]
    })
    expect(reportAnnotations(report)[0]).toMatchObject({
      path: 'data/p.parquet',
      line: 1,
      message: expect.stringMatching(/^Row 12345: no prompt field/)
    })
  })
  it('keeps a hostile path verbatim, since GitHub matches it exactly; title and message stay plain text', () => {
    const file = 'data/first line\nsecond "q" `t` @octocat #1 <img src=x onerror=alert(1)>\u200b.jsonl'
    const report = buildReport({
      datasets: [buildDataset('d', { findings: [buildFinding({ file, line: 3, message: 'bad\nrow' })] })]
    })
    const [annotation] = reportAnnotations(report)
    expect(annotation?.path).toBe(file)
    expect(annotation?.message).not.toMatch(/\n/)
  })
})

describe('selectAnnotations', () => {
  it('sends the most important up to the cap and counts the rest', () => {
    const report = buildReport({
      datasets: [buildDataset('data/train.jsonl', { findings: invalidRows(70) })]
    })
    const all = reportAnnotations(report)
    const selection = selectAnnotations(report, 50)
    expect(selection.annotations).toEqual(all.slice(0, 50))
    expect(selection.all).toEqual(all)
    expect(selection.omitted).toBe(all.length - 50)
    expect(selectAnnotations(report, 0).annotations).toEqual([])
  })
})

describe('workflowCommandAnnotations', () => {
  const of = (level: Annotation['level'], n: number): Annotation[] =>
    Array.from({ length: n }, (_, i) => ({
      path: 'a',
      line: i + 1,
      level,
      title: `${level} ${i}`,
      message: 'm'
    }))

  it('keeps the first 10 of each kind, minus the ones the step prints anyway', () => {
    const all = [...of('failure', 15), ...of('warning', 12), ...of('notice', 3)]
    const { annotations, omitted } = workflowCommandAnnotations(all, { failure: 1, warning: 2 })
    expect(annotations.filter(a => a.level === 'failure').map(a => a.title)).toEqual(
      of('failure', WORKFLOW_ANNOTATIONS_PER_KIND - 1).map(a => a.title)
    )
    expect(annotations.filter(a => a.level === 'warning')).toHaveLength(WORKFLOW_ANNOTATIONS_PER_KIND - 2)
    expect(annotations.filter(a => a.level === 'notice')).toHaveLength(3)
    expect(omitted).toBe(30 - annotations.length)
  })
})
