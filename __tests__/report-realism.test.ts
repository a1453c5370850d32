import { describe, expect, it } from '@jest/globals'
import { renderMarkdown } from '../src/report/markdown.js'
import { parseReportFile } from '../src/report/report-file.js'
import { renderTerminal } from '../src/report/terminal.js'
import type { DatasetReport, FeatureName, Report } from '../src/types.js'
import { HOSTILE } from './helpers/hostile-text.js'
import {
  OUR_TAGS,
  decodeEntities,
  detailsBalanced,
  fencedBlocks,
  htmlTagNames,
  markdownTables,
  utf8Bytes
} from './helpers/markdown-inspect.js'
import {
  buildChange,
  buildComparison,
  buildDataset,
  buildFeature,
  buildGap,
  buildLeak,
  buildLeakage,
  buildPattern,
  buildRealism,
  buildReport
} from './helpers/report-builder.js'

const LINKS = {
  fileUrl: (file: string, line: number) => `https://github.com/o/r/blob/abc/${file}#L${line}`
}
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`)
  if (start < 0) throw new Error(`no ${heading}`)
  const next = markdown.indexOf('\n### ', start + heading.length)
  const end = [next, markdown.indexOf('\n<details>\n<summary>Largest patterns', start)]
    .filter(i => i > 0)
    .reduce((a, b) => Math.min(a, b), markdown.length)
  return markdown.slice(start, end)
}

function realismReport(overrides: Partial<DatasetReport> = {}): Report {
  return buildReport({
    datasets: [
      buildDataset('data/train.jsonl', { realism: buildRealism(), leakage: buildLeakage(), ...overrides })
    ]
  })
}

describe('renderMarkdown: the realism section', () => {
  const markdown = renderMarkdown(realismReport(), { links: LINKS })
  const realism = section(markdown, '### Realism')

  it('comes after the datasets table and the mix, before the per-dataset details', () => {
    const order = [
      '### Datasets',
      '### Real / synthetic mix',
      '### Realism',
      '### Eval-set leakage',
      '<summary>Largest patterns in the added rows'
    ].map(s => markdown.indexOf(s))
    for (const p of order) expect(p).toBeGreaterThan(0)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })

  it('names the comparison and says how separable the sides are, in plain words', () => {
    expect(realism).toContain(
      '**<code>data/train\\.jsonl</code>**: synthetic rows against the real rows at head (700 of 700 real and 400 of 400 synthetic rows sampled).'
    )
    expect(realism).toContain('Separability **0.94**: real and synthetic rows are easy to tell apart.')
    expect(realism).toContain('0.50 means the two sides look alike, 1.00 that every row gives its side away')
  })

  it('tabulates each feature with both rates and the gap in words; features neither side shows in one line', () => {
    const [table] = markdownTables(realism)
    expect(table?.header).toEqual(['Feature', 'Real', 'Synthetic', 'Gap'])
    expect(table?.rows).toEqual([
      ['input has a likely typo', '9%', '0%', 'real inputs: 9% have a likely typo, synthetic: 0%'],
      ['input contains a question mark', '60%', '55%', '—'],
      [
        'input length in words',
        '6',
        '13.5',
        'synthetic inputs are 2\\.3x longer than real \\(median 13\\.5 words vs 6\\)'
      ]
    ])
    expect(realism).toContain('Neither side shows: output refuses.')
  })

  it('charts the rate features side by side as a Mermaid bar chart', () => {
    const charts = fencedBlocks(realism)
    expect(charts).toHaveLength(1)
    expect(charts[0]).toEqual({
      info: 'mermaid',
      body: [
        'xychart-beta horizontal',
        '    title "data/train.jsonl - real vs synthetic - % of rows"',
        '    x-axis ["likely typo - real", "likely typo - synthetic", "question mark - real", "question mark - synthetic"]',
        '    y-axis "% of rows" 0 --> 60',
        '    bar [9, 0, 60, 55]'
      ]
    })
  })

  it('collapses example rows per gap, linked to their lines', () => {
    expect(realism).toContain(
      '<details>\n<summary>Examples: real inputs: 9% have a likely typo, synthetic: 0%</summary>\n\n**Real**\n\n' +
        '- [<code>data/real\\.jsonl:3</code>](https://github.com/o/r/blob/abc/data/real.jsonl#L3) whcih phone to buy\n' +
        '- [<code>data/real\\.jsonl:8</code>](https://github.com/o/r/blob/abc/data/real.jsonl#L8) recieve refund how long\n\n' +
        '**Synthetic**\n\n' +
        '- [<code>data/synthetic\\.jsonl:2</code>](https://github.com/o/r/blob/abc/data/synthetic.jsonl#L2) Write a short paragraph describing the benefits of exercise\\.\n\n</details>'
    )
    expect(realism.match(/<summary>Examples: /g)).toHaveLength(2)
  })

  it('collapses the added rows against the rows already there', () => {
    expect(realism).toContain(
      '<summary>Added rows against the rows already there in <code>data/train&#46;jsonl</code>: separability 0.52 (hard to tell apart), no gaps</summary>'
    )
    const tables = markdownTables(realism)
    expect(tables[1]?.header).toEqual(['Feature', 'Existing', 'Added', 'Gap'])
  })

  it('lists the leaks per dataset with both locations', () => {
    const leakage = section(markdown, '### Eval-set leakage')
    expect(leakage).toContain(
      'Added rows checked against the eval sets <code>gsm8k\\-test</code> (1,319 rows).'
    )
    const [table] = markdownTables(leakage)
    expect(table?.header).toEqual(['Dataset', 'Added rows checked', 'Exact', 'Normalised', 'Near-duplicate'])
    expect(table?.rows).toEqual([['<code>data/train\\.jsonl</code>', '250', '1', '1', '1']])
    expect(leakage).toContain('<summary>Leaks in <code>data/train&#46;jsonl</code>: 3</summary>')
    expect(leakage).toContain(
      '- **exact** [<code>data/train\\.jsonl:1201</code>](https://github.com/o/r/blob/abc/data/train.jsonl#L1201) repeats ' +
        '[<code>eval/test\\.jsonl:1</code>](https://github.com/o/r/blob/abc/eval/test.jsonl#L1) of <code>gsm8k\\-test</code>: ' +
        'Janet’s ducks lay 16 eggs per day\\.'
    )
    expect(leakage).toContain('(template similarity 0.62)')
  })

  it('shows the synthetic rows alone when nothing real is there to compare', () => {
    const alone = buildRealism({
      baseline: 'none',
      existingVsAdded: null,
      realVsSynthetic: buildComparison({ rowsA: 0, sampledA: 0, separability: null, gaps: [] })
    })
    const text = section(renderMarkdown(realismReport({ realism: alone })), '### Realism')
    expect(text).toContain('no real rows at head and no reference set (`realism.reference`)')
    expect(text).not.toContain('Separability **')
    expect(markdownTables(text)[0]?.header).toEqual(['Feature', 'Synthetic'])
    expect(fencedBlocks(text)[0]?.body.slice(2, 5)).toEqual([
      '    x-axis ["question mark"]',
      '    y-axis "% of rows" 0 --> 60',
      '    bar [55]'
    ])
    expect(text).toContain('No synthetic row shows: input has a likely typo; output refuses.')
  })

  it('names the reference set it compared with', () => {
    const realism = buildRealism({
      baseline: 'reference',
      reference: 'user-prompts',
      realVsSynthetic: buildComparison({ labelA: 'reference' })
    })
    const text = section(renderMarkdown(realismReport({ realism })), '### Realism')
    expect(text).toContain(
      'against the reference set <code>user\\-prompts</code> (the dataset has no real rows at head)'
    )
    expect(markdownTables(text)[0]?.header).toEqual(['Feature', 'Reference', 'Synthetic', 'Gap'])
  })

  it('has no realism or leakage section for a report without them', () => {
    const plain = renderMarkdown(buildReport())
    expect(plain).not.toContain('### Realism')
    expect(plain).not.toContain('### Eval-set leakage')
  })
})

describe('renderMarkdown: hostile text in the realism and leakage sections', () => {
  function hostileDataset(name: string, i: number): DatasetReport {
    const pick = (k: number) => HOSTILE[(i + k) % HOSTILE.length] as string
    const refs = [0, 1, 2].map(k => ({ file: pick(k), line: k + 1 }))
    const texts = [0, 1, 2].map(k => pick(k + 3))
    const gap = buildGap({
      sentence: pick(4),
      examplesA: refs,
      examplesB: refs,
      exampleTextsA: texts,
      exampleTextsB: texts
    })
    const comparison = buildComparison({
      labelA: pick(5),
      labelB: pick(6),
      features: [
        buildFeature({ feature: pick(7) as FeatureName, description: pick(8) }),
        buildFeature({ feature: 'likely-typo', description: pick(9), kind: 'length' })
      ],
      gaps: [gap, buildGap({ feature: pick(10) as FeatureName, sentence: pick(11) })]
    })
    return buildDataset(name, {
      realism: buildRealism({
        reference: pick(12),
        realVsSynthetic: comparison,
        existingVsAdded: comparison
      }),
      leakage: buildLeakage({
        evalSets: [{ name: pick(13), rows: 3, ownRows: 0 }],
        leaks: [buildLeak({ evalSet: pick(14), text: pick(15), row: refs[0]!, evalRow: refs[1]! })]
      })
    })
  }

  const report = buildReport({ datasets: HOSTILE.map(hostileDataset) })

  it.each([
    ['a job summary with links', { maxBytes: 1_000_000, links: LINKS }],
    ['a comment without links', {}]
  ])('renders inert as %s', (_, options) => {
    const markdown = renderMarkdown(report, options)
    for (const tag of htmlTagNames(markdown)) expect(OUR_TAGS.has(tag)).toBe(true)
    expect(detailsBalanced(markdown)).toBe(true)
    for (const t of markdownTables(markdown))
      for (const row of t.rows) expect(row).toHaveLength(t.header.length)
    expect(markdown).not.toMatch(/\p{Cf}/u)
    // Chart text is checked against its whitelist below; Mermaid draws it and links nothing, so a dataset name
    // like `www.evil.example` in a chart title is inert there.
    const text = decodeEntities(markdown.replace(/```mermaid[\s\S]*?```/g, '')).replace(
      /\]\(https:[^)\s]*\)/g,
      '](#)'
    )
    expect(markdown).not.toMatch(/@\w/)
    expect(text).not.toMatch(/@\w/)
    expect(text).not.toMatch(/#\d/)
    expect(text).not.toMatch(/:\/\/|www\./i)
    for (const block of fencedBlocks(markdown)) {
      expect(block.info).toBe('mermaid')
      if (block.body[0] !== 'xychart-beta horizontal') continue
      expect(block.body[1]).toMatch(/^ {4}title "[A-Za-z0-9 ._/%-]+"$/)
      expect(block.body[2]).toMatch(/^ {4}x-axis \[("[A-Za-z0-9 ._/-]+"(, )?)+\]$/)
      expect(block.body[3]).toMatch(/^ {4}y-axis "% of rows" 0 --> \d+$/)
      expect(block.body[4]).toMatch(/^ {4}bar \[[\d., ]+\]$/)
      expect(block.body).toHaveLength(5)
    }
    expect(markdown.split('\n').filter(l => l.startsWith('```'))).toHaveLength(
      fencedBlocks(markdown).length * 2
    )
  })

  it('keeps hostile text out of the terminal too', () => {
    const escape = String.fromCharCode(0x1b)
    const ansi = buildDataset(`${escape}]0;owned`, {
      realism: buildRealism({
        realVsSynthetic: buildComparison({ gaps: [buildGap({ sentence: `${escape}[2Jcleared` })] })
      }),
      leakage: buildLeakage({
        leaks: [buildLeak({ evalSet: `${escape}[31mred`, row: { file: `a${escape}b`, line: 1 } })]
      })
    })
    const text = renderTerminal(buildReport({ datasets: [...report.datasets, ansi] }), { color: false })
    expect(text).toContain(' [2Jcleared')
    expect(text.includes(String.fromCharCode(0x1b))).toBe(false)
    expect(text).toContain('realism, real vs synthetic: separability 0.94 (easy to tell apart)')
  })
})

describe('renderMarkdown: trimming with realism sections', () => {
  function bigReport(datasets: number): Report {
    const huge = `${'@octocat </details> | x | '.repeat(200)}`
    const list = Array.from({ length: datasets }, (_, i) =>
      buildDataset(`data/d${i}.jsonl`, {
        change: buildChange({
          largestAddedPatterns: Array.from({ length: 5 }, (_, j) =>
            buildPattern({ templateKey: `${j} key`, exampleTexts: [huge, huge] })
          )
        }),
        realism: buildRealism({
          realVsSynthetic: buildComparison({
            gaps: [buildGap({ exampleTextsA: [huge, huge], exampleTextsB: [huge] })]
          })
        }),
        leakage: buildLeakage({ leaks: [buildLeak({ text: huge })] })
      })
    )
    return buildReport({ datasets: list })
  }

  it('drops realism and leak examples first, then pattern examples, then details, then realism sections', () => {
    const report = bigReport(8)
    const full = renderMarkdown(report, { maxBytes: Number.MAX_SAFE_INTEGER })
    const fullBytes = utf8Bytes(full)
    const seen = new Set<string>()
    for (let budget = fullBytes; budget > 3_000; budget = Math.floor(budget * 0.9)) {
      const markdown = renderMarkdown(report, { maxBytes: budget })
      expect(utf8Bytes(markdown)).toBeLessThanOrEqual(budget)
      expect(detailsBalanced(markdown)).toBe(true)
      const realismExamples =
        markdown.includes('<summary>Examples: ') || markdown.includes('<summary>Leaks in ')
      const patternExamples = markdown.includes('| Examples |')
      const details = markdown.includes('<summary>Largest patterns')
      const realismSections = (
        markdown.match(/\*\*<code>data\/d\d+\\\.jsonl<\/code>\*\*: synthetic rows/g) ?? []
      ).length
      // Each stage starts only when the one before it is spent.
      if (realismExamples) expect(patternExamples).toBe(true)
      if (details) expect(realismSections).toBe(8)
      if (budget < fullBytes && !realismExamples) {
        expect(markdown).toContain('example rows of the realism gaps and eval-set leaks')
      }
      if (realismSections < 8)
        expect(markdown).toContain(`the realism sections of ${8 - realismSections} datasets`)
      seen.add([realismExamples, patternExamples, details, realismSections > 0].join())
    }
    expect(seen).toEqual(
      new Set([
        'true,true,true,true',
        'false,true,true,true',
        'false,false,true,true',
        'false,false,false,true',
        'false,false,false,false'
      ])
    )
  })
})

describe('renderTerminal: realism and leaks', () => {
  it('gives separability, the top three gaps and the leak counts per dataset', () => {
    const realism = buildRealism({
      realVsSynthetic: buildComparison({
        gaps: ['one', 'two', 'three', 'four'].map(word => buildGap({ sentence: `gap ${word}` }))
      })
    })
    const text = renderTerminal(realismReport({ realism }), { color: false })
    const lines = text.split('\n')
    const at = lines.indexOf('    realism, real vs synthetic: separability 0.94 (easy to tell apart)')
    expect(at).toBeGreaterThan(0)
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '      gap one',
      '      gap two',
      '      gap three',
      '    realism, existing vs added: separability 0.52 (hard to tell apart), no gaps'
    ])
    expect(text).toContain(
      '    eval leaks: 1 exact, 1 normalised, 1 near-duplicate (of 250 added rows checked)'
    )
  })
})

describe('parseReportFile: realism and leakage', () => {
  it('reads back every realism and leakage figure the analysis writes', () => {
    const report = realismReport()
    expect(parseReportFile(JSON.stringify(report))).toEqual(report)
  })

  it('reads a report written before realism and leakage existed, and renders it', () => {
    const report = buildReport() as unknown as { datasets: Record<string, unknown>[] }
    for (const d of report.datasets) {
      delete d.realism
      delete d.leakage
    }
    const parsed = parseReportFile(JSON.stringify(report))
    expect(parsed.datasets[0]).not.toHaveProperty('realism')
    expect(renderMarkdown(parsed)).toContain('### Datasets')
    expect(renderTerminal(parsed, { color: false })).toContain('data/train.jsonl')
  })
})
