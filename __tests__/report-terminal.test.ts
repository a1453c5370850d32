import { describe, expect, it } from '@jest/globals'
import { renderTerminal } from '../src/report/terminal.js'
import { HOSTILE } from './helpers/hostile-text.js'
import {
  buildChange,
  buildDataset,
  buildFinding,
  buildPattern,
  buildReport,
  buildRule
} from './helpers/report-builder.js'

// Terminal attacks: colour and cursor sequences (CSI, 7-bit and C1), a title-setting OSC, a hyperlink OSC, screen
// clearing, carriage return and backspace overwriting, bidi reordering.
const TERMINAL_HOSTILE = [
  '\x1b[31mred\x1b[0m',
  '\x1b]0;owned\x07',
  '\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\',
  '\x1b[2J\x1b[H',
  '\x9b31m',
  'ok\rfake line',
  'abc\b\b\bxyz',
  'user\u202etxt.exe',
  ...HOSTILE
]

// Our own colours: SGR sequences only.
const OUR_SGR = new RegExp(`${String.fromCharCode(0x1b)}\\[(?:0|1|2|31|32|33)m`, 'g')

function hostileReport() {
  return buildReport({
    datasets: TERMINAL_HOSTILE.map(name =>
      buildDataset(name, {
        change: buildChange({
          largestAddedPatterns: TERMINAL_HOSTILE.map(key => buildPattern({ templateKey: key }))
        }),
        findings: TERMINAL_HOSTILE.map(text => buildFinding({ file: text, message: text }))
      })
    ),
    verdict: {
      headline: TERMINAL_HOSTILE.join(' '),
      results: TERMINAL_HOSTILE.map(text => buildRule({ dataset: text, metric: text, note: text }))
    },
    tool: { name: 'dataset-guard', version: '\x1b[31m9.9.9' }
  })
}

describe('renderTerminal', () => {
  const report = buildReport({
    datasets: [
      buildDataset('data/train.jsonl', {
        change: buildChange({
          largestAddedPatterns: [1, 2, 3, 4, 5].map(i =>
            buildPattern({ templateKey: `key ${i}`, size: 6000 - i * 1000 })
          )
        }),
        findings: Array.from({ length: 8 }, (_, i) => buildFinding({ line: i + 1 })),
        findingsOmitted: 2
      })
    ]
  })
  const text = renderTerminal(report, { color: false })
  const lines = text.split('\n')

  it('starts with the tool, the commits and the verdict', () => {
    expect(lines[0]).toBe('dataset-guard 0.1.0 · base 0123456 → head fedcba9')
    expect(lines[1]).toBe('✗ failed: unique-pattern ratio 0.04 < 0.50 in data/train.jsonl')
  })

  it('writes one marked line per rule', () => {
    const gate = lines.slice(lines.indexOf('Gate') + 1, lines.indexOf('Datasets') - 1)
    expect(gate).toEqual([
      '  ✗ data/train.jsonl  unique-pattern ratio  0.52 → 0.04  ≥ 0.50  fail',
      '  ! data/train.jsonl  real fraction  65%  ≥ 70% (warn)  warn',
      '  ✓ data/train.jsonl  invalid rows  0  ≤ 0  pass',
      '  - data/train.jsonl  novel-pattern ratio  —  ≥ 0.10  skipped: fewer added rows than min-added-rows'
    ])
  })

  it('summarises each dataset with rows, ratios, mix and the top three added patterns', () => {
    expect(text).toContain('  data/train.jsonl (modified)\n')
    expect(text).toContain(
      '    rows 1,000 → 1,200 (+250 / −50) · unique-pattern ratio 0.52 → 0.04 · novel in added 0.01\n'
    )
    expect(text).toContain('    real 70% → 65.2% (head: 750 real, 400 synthetic, 50 unknown)\n')
    expect(text).toContain('      5,000 new  key 1\n      4,000 new  key 2\n      3,000 new  key 3\n')
    expect(text).not.toContain('key 4')
  })

  it('counts findings, omitted ones included, and shows the first few', () => {
    expect(text).toContain('Findings: 10\n')
    expect(text.match(/^ {2}invalid-row data\/train\.jsonl:\d+ \(head\): /gm)).toHaveLength(5)
    expect(text).toContain('  …and 5 more\n')
  })

  it('says when no dataset changed', () => {
    const none = renderTerminal(buildReport({ datasets: [], verdict: { results: [], headline: '' } }), {
      color: false
    })
    expect(none.split('\n')[1]).toBe('- no dataset changed')
    expect(none).not.toContain('Gate')
  })

  it('colours only when asked', () => {
    expect(text).not.toContain('\x1b')
    const coloured = renderTerminal(report, { color: true })
    expect(coloured).toContain('\x1b[31m✗ failed')
    expect(coloured.replace(OUR_SGR, '')).toBe(text)
  })

  it.each([false, true])('neutralises control characters from dataset text (color: %s)', color => {
    const out = renderTerminal(hostileReport(), { color })
    const withoutOurs = out.replace(OUR_SGR, '')
    expect(withoutOurs).not.toContain('\x1b')
    expect(withoutOurs).not.toContain('\x9b')
    // Only our line breaks remain among control characters; nothing reorders or hides text.
    expect(withoutOurs.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\p{Cf}]/u)
    // Every dataset still gets its line, one line, so nothing was swallowed or split.
    expect(withoutOurs.match(/^ {2}.* \(modified\)$/gm)).toHaveLength(TERMINAL_HOSTILE.length)
    if (!color) expect(out).not.toContain('\x1b')
  })
})
