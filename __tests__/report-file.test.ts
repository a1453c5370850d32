// The publish mode's input is written by a run of the pull request's code: it must be a Report or nothing.

import { describe, expect, it } from '@jest/globals'
import {
  parseReportFile,
  REPORT_FILE_MAX_BYTES,
  reportFileText,
  ReportFileError
} from '../src/report/report-file.js'
import type { Report } from '../src/types.js'
import { buildDataset, buildFinding, buildReport, buildSide } from './helpers/report-builder.js'

const text = (value: unknown) => JSON.stringify(value)

function rejection(content: string): string {
  try {
    parseReportFile(content)
  } catch (error) {
    expect(error).toBeInstanceOf(ReportFileError)
    return (error as Error).message
  }
  throw new Error('expected the report to be refused')
}

describe('parseReportFile', () => {
  it('reads back what the analysis writes, unchanged', () => {
    const report = buildReport({
      datasets: [
        buildDataset('data/train.jsonl', {
          findings: [buildFinding(), buildFinding({ line: undefined, kind: 'lfs-pointer' })]
        }),
        buildDataset('gone.csv', { status: 'deleted', format: 'csv', head: null }),
        buildDataset('new.jsonl', {
          status: 'added',
          base: null,
          head: buildSide({ uniquePatternRatio: null })
        })
      ]
    })
    expect(parseReportFile(JSON.stringify(report, null, 2))).toEqual(report)
  })

  it('drops keys a Report does not have, at every level', () => {
    const report = buildReport() as unknown as Record<string, unknown>
    const datasets = report.datasets as Record<string, unknown>[]
    datasets[0]!.onLoad = 'alert(1)'
    report.__proto__extra = { x: 1 }
    const parsed = parseReportFile(text(report)) as unknown as Record<string, unknown>
    expect(parsed).not.toHaveProperty('__proto__extra')
    expect((parsed.datasets as Record<string, unknown>[])[0]).not.toHaveProperty('onLoad')
  })

  it('refuses what is not JSON, without quoting it', () => {
    expect(rejection('{"tool": secret-token-abc')).toBe('The report file is not valid JSON')
  })

  it('refuses a wrong shape and says where', () => {
    expect(rejection(text({ ...buildReport(), datasets: 'x' }))).toMatch(
      /^The report file is not a dataset-guard report: \/datasets must be array/
    )
    expect(rejection(text({ ...buildReport(), tool: { name: 'other', version: '1' } }))).toMatch(
      /\/tool\/name must be equal to constant/
    )
    const badSha = buildReport()
    badSha.head.sha = 'HEAD; rm -rf /'
    expect(rejection(text(badSha))).toMatch(/\/head\/sha must match pattern/)
  })

  it('refuses paths that climb out of the repository or are absolute', () => {
    for (const file of ['../secrets.jsonl', '/etc/passwd', 'data/../../x', 'a\u0000b']) {
      const report: Report = buildReport({
        datasets: [buildDataset('d', { findings: [buildFinding({ file })] })]
      })
      expect(rejection(text(report))).toMatch(/\/datasets\/0\/findings\/0\/file must match pattern/)
    }
    const fine = buildReport({
      datasets: [buildDataset('d', { findings: [buildFinding({ file: 'data/..hidden/x..y.jsonl' })] })]
    })
    expect(() => parseReportFile(text(fine))).not.toThrow()
  })

  it('caps lists and strings so a crafted report cannot make the renderer do unbounded work', () => {
    const many = buildReport({ datasets: Array.from({ length: 1001 }, (_, i) => buildDataset(`d${i}`)) })
    expect(rejection(text(many))).toMatch(/\/datasets must NOT have more than 1000 items/)
    const long = buildReport({ verdict: { headline: 'x'.repeat(10_001) } })
    expect(rejection(text(long))).toMatch(/\/verdict\/headline must NOT have more than 10000 characters/)
    expect(rejection(' '.repeat(REPORT_FILE_MAX_BYTES + 1))).toMatch(/larger than/)
  })
})

describe('reportFileText', () => {
  it('writes every string well-formed: a lone surrogate becomes U+FFFD, a pair stays', () => {
    const report = buildReport({
      datasets: [
        buildDataset('data/\ud800odd.jsonl', {
          findings: [
            buildFinding({ message: 'pair 𐀀, lone high \ud800, lone low \udfff, reversed \udc00\ud800' })
          ]
        })
      ]
    })
    const written = reportFileText(report)
    expect(written.endsWith('}\n')).toBe(true)
    // JSON.stringify alone writes the lone halves as escapes, which strict parsers refuse.
    expect(JSON.stringify(report)).toMatch(/\\ud800/)
    expect(written).not.toMatch(/\\u[dD][89a-fA-F]/)
    const read = JSON.parse(written) as Report
    expect(read.datasets[0]!.name).toBe('data/\ufffdodd.jsonl')
    expect(read.datasets[0]!.findings[0]!.message).toBe(
      'pair 𐀀, lone high \ufffd, lone low \ufffd, reversed \ufffd\ufffd'
    )
    expect(parseReportFile(written).datasets[0]!.name).toBe('data/\ufffdodd.jsonl')
  })
})
