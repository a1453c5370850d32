import { describe, expect, it } from '@jest/globals'
import { selectAnnotations } from '../src/report/annotations.js'
import {
  checkOutput,
  checkTitle,
  CHECK_TITLE_MAX_CHARS,
  failedRunOutput
} from '../src/report/check-output.js'
import { CHECK_RUN_SUMMARY_MAX_BYTES, CHECK_RUN_TEXT_MAX_BYTES } from '../src/report/github-limits.js'
import type { Report } from '../src/types.js'
import { blobLineUrl, workflowRunUrl } from '../src/report/links.js'
import {
  buildDataset,
  buildFinding,
  buildPattern,
  buildReport,
  buildChange
} from './helpers/report-builder.js'
import { HOSTILE } from './helpers/hostile-text.js'
import { detailsBalanced, fencedBlocks, utf8Bytes } from './helpers/markdown-inspect.js'

const fileUrl = (file: string, line: number) => `https://github.com/o/r/blob/abc/${file}#L${line}`

function outputOf(report: Report, max = 50) {
  return checkOutput(report, { fileUrl, annotations: selectAnnotations(report, max), maxAnnotations: max })
}

/** A report far over every budget: many datasets, long hostile findings, big patterns. */
function hugeReport(): Report {
  const datasets = Array.from({ length: 60 }, (_, d) =>
    buildDataset(`data/shard-${d}-${'é'.repeat(40)}.jsonl`, {
      findings: Array.from({ length: 200 }, (_, i) =>
        buildFinding({
          file: `data/shard-${d}.jsonl`,
          line: i + 1,
          message: `${HOSTILE[i % HOSTILE.length]} ${'ü'.repeat(300)}`
        })
      ),
      findingsOmitted: 1000,
      change: buildChange({
        largestAddedPatterns: Array.from({ length: 10 }, (_, p) =>
          buildPattern({ templateKey: `${'€'.repeat(150)} ${p}`, exampleTexts: ['你好'.repeat(100), 'x'] })
        )
      })
    })
  )
  return buildReport({ datasets })
}

describe('checkOutput', () => {
  it('uses the verdict as the title, the markdown report as the summary, and notes annotations not sent', () => {
    const report = buildReport({
      datasets: [
        buildDataset('data/train.jsonl', {
          findings: Array.from({ length: 60 }, (_, i) => buildFinding({ line: i + 1 }))
        })
      ]
    })
    const output = outputOf(report)
    expect(output.title).toBe('unique-pattern ratio 0.04 < 0.50 in data/train.jsonl')
    expect(output.summary).toContain('## dataset-guard: ❌ failed')
    const total = selectAnnotations(report, 50).all.length
    expect(output.summary).toContain(
      `**Annotations:** 50 of ${total} sent (\`max-annotations: 50\`); the other ${total - 50} are listed in the details below.`
    )
    expect(output.text).toContain(`### Annotations not sent (${total - 50})`)
    expect(output.text).toContain('### Every gate result (4)')
    expect(output.text).toContain(
      '[<code>data/train\\.jsonl:60</code>](https://github.com/o/r/blob/abc/data/train.jsonl#L60)'
    )
    expect(output.text).toContain('### Parameters\n\n- shingleSize: <code>3</code>')
  })

  it('says how many annotations were sent when none were left out', () => {
    const output = outputOf(buildReport(), 50)
    expect(output.summary).toMatch(/\*\*Annotations:\*\* \d+ on the dataset rows/)
    expect(output.text).not.toContain('Annotations not sent')
  })

  it('gives a one-line summary when no dataset changed', () => {
    const report = buildReport({
      datasets: [],
      verdict: { results: [], headline: 'No dataset changed', conclusion: 'neutral' }
    })
    expect(outputOf(report)).toEqual({
      title: 'No dataset changed',
      summary: 'No dataset changed between the base and head commits.',
      text: ''
    })
  })

  it('keeps summary and text within 65,535 bytes each, says what it left out, and never cuts an element', () => {
    const output = outputOf(hugeReport(), 1000)
    expect(utf8Bytes(output.summary)).toBeLessThanOrEqual(CHECK_RUN_SUMMARY_MAX_BYTES)
    expect(utf8Bytes(output.text)).toBeLessThanOrEqual(CHECK_RUN_TEXT_MAX_BYTES)
    expect(output.summary).toContain("Left out to stay under GitHub's size limit")
    expect(output.text).toMatch(
      /\*\*Left out to stay under GitHub's size limit:\*\* [\d,]+ more lines\. The JSON report has everything\.\n$/
    )
    expect(detailsBalanced(output.summary)).toBe(true)
    // Every line of the details is a whole list item, heading, note or blank.
    for (const line of output.text.split('\n')) expect(line).toMatch(/^(- |### |\*\*Left out|$)/)
  })

  it('cuts the title to one line', () => {
    const report = buildReport({ verdict: { headline: `ratio 0.1 < 0.5 in ${'x'.repeat(500)}\n::error::` } })
    const title = checkTitle(report)
    expect([...title].length).toBe(CHECK_TITLE_MAX_CHARS)
    expect(title).not.toContain('\n')
  })
})

describe('failedRunOutput', () => {
  it('shows the error in a fence no line of it can close', () => {
    const output = failedRunOutput(
      'Invalid config:\n  - a: bad ```\n  - <details> @octocat',
      'Fix: set `fetch-depth: 0`.'
    )
    expect(output.title).toBe('dataset-guard could not run: Invalid config:')
    const [block] = fencedBlocks(output.summary.replace(/^````/gm, '```'))
    expect(block?.body).toEqual(['Invalid config:', '  - a: bad ```', '  - <details> @octocat'])
    expect(output.summary).toMatch(/^````text$/m)
    expect(output.summary).toContain('Fix: set `fetch-depth: 0`.')
    expect(output.text).toBe('')
  })
})

describe('links', () => {
  it('encodes file paths and trims the server URL', () => {
    expect(blobLineUrl('https://ghe.example/', { owner: 'o', repo: 'r' }, 'abc', 'data/a b#1.jsonl', 7)).toBe(
      'https://ghe.example/o/r/blob/abc/data/a%20b%231.jsonl#L7'
    )
    expect(workflowRunUrl('https://github.com', { owner: 'o', repo: 'r' }, '42')).toBe(
      'https://github.com/o/r/actions/runs/42'
    )
  })
})
