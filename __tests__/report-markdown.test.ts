import { describe, expect, it } from '@jest/globals'
import {
  COMMENT_MAX_BYTES,
  DEFAULT_MARKER,
  renderMarkdown,
  SUMMARY_MAX_BYTES,
  type MarkdownOptions
} from '../src/report/markdown.js'
import type { DatasetReport, Report } from '../src/types.js'
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
  buildDataset,
  buildFinding,
  buildPattern,
  buildReport,
  buildRule,
  buildSide
} from './helpers/report-builder.js'

const LINKS = {
  // A careless caller that does not encode the path: the renderer must still keep the markdown intact.
  fileUrl: (file: string, line: number) => `https://github.com/o/r/blob/abc/${file}#L${line}`,
  checkRunUrl: 'https://github.com/o/r/runs/42'
}

function expectTablesIntact(markdown: string): void {
  const tables = markdownTables(markdown)
  for (const t of tables) {
    expect(t.delimiter).toHaveLength(t.header.length)
    for (const cell of t.delimiter) expect(cell).toMatch(/^:?-{3,}:?$/)
    for (const row of t.rows) expect(row).toHaveLength(t.header.length)
  }
}

function expectInert(markdown: string): void {
  for (const tag of htmlTagNames(markdown)) expect(OUR_TAGS.has(tag)).toBe(true)
  expect(markdown.match(/<!--/g)).toHaveLength(1)
  expect(detailsBalanced(markdown)).toBe(true)
  expect(markdown.match(/<summary>/g)?.length).toBe(markdown.match(/<details>/g)?.length)
  expectTablesIntact(markdown)
  // No raw invisible or control character: our own zero-width breaks are written as `&#8203;`.
  expect(markdown).not.toMatch(/[\p{Cf}]/u)
  expect(markdown.replace(/\n/g, '')).not.toMatch(/\p{Cc}/u)
  // Mentions and references, as GitHub sees them after decoding; link destinations are not text.
  const text = decodeEntities(markdown).replace(/\]\(https:[^)\s]*\)/g, '](#)')
  expect(markdown).not.toMatch(/@\w/)
  expect(text).not.toMatch(/@\w/)
  expect(text).not.toMatch(/#\d/)
  expect(text).not.toMatch(/gh-\d/i)
  expect(text).not.toMatch(/:\/\/|www\./i)
  expect(markdown).not.toMatch(/\]\(\s*javascript/i)
  // Fences: only our Mermaid charts, and only whitelisted characters inside them.
  for (const block of fencedBlocks(markdown)) {
    expect(block.info).toBe('mermaid')
    expect(block.body[0]).toBe('pie showData')
    expect(block.body[1]).toMatch(/^ {4}title [A-Za-z0-9 ._/-]+$/)
    for (const line of block.body.slice(2)) expect(line).toMatch(/^ {4}"(real|synthetic|unknown)" : \d+$/)
  }
  expect(markdown.split('\n').filter(l => l.startsWith('```'))).toHaveLength(
    fencedBlocks(markdown).length * 2
  )
}

function hostileReport(): Report {
  const huge = 'A'.repeat(100_000)
  const files = ['my data/"quoted" \'single\' `tick`\nnewline.jsonl', ...HOSTILE, huge]
  const texts = [...HOSTILE, huge]
  const datasets = [...HOSTILE, huge].map((name, i) =>
    buildDataset(name, {
      change: buildChange({
        largestAddedPatterns: texts.map((key, j) =>
          buildPattern({
            templateKey: key,
            examples: [0, 1, 2].map(k => ({
              file: files[(i + j + k) % files.length] as string,
              line: k + 1
            })),
            exampleTexts: [0, 1, 2].map(k => texts[(i + j + k) % texts.length] as string)
          })
        )
      }),
      findings: files.map((file, j) =>
        buildFinding({
          file,
          message: texts[j % texts.length] as string,
          side: j % 2 === 0 ? 'head' : 'base'
        })
      )
    })
  )
  return buildReport({
    datasets,
    verdict: {
      headline: HOSTILE.join(' '),
      results: datasets.map((d, i) =>
        buildRule({
          dataset: d.name,
          metric: HOSTILE[i % HOSTILE.length] as string,
          note: texts[i] as string
        })
      )
    },
    tool: { name: 'dataset-guard', version: '0.1.0 <script>@octocat' }
  })
}

describe('renderMarkdown: layout', () => {
  const markdown = renderMarkdown(
    buildReport({
      datasets: [
        buildDataset('data/train.jsonl', { findings: [buildFinding()] }),
        buildDataset('data/new.jsonl', { status: 'added', base: null })
      ]
    }),
    { links: LINKS }
  )

  it('puts the sections in order, marker first and footer last', () => {
    const lines = markdown.trimEnd().split('\n')
    expect(lines[0]).toBe(DEFAULT_MARKER)
    expect(lines[1]).toBe('## dataset-guard: ❌ failed')
    const order = [
      '**unique\\-pattern ratio 0\\.04 &lt; 0\\.50 in data/train\\.jsonl**',
      '### Gate',
      '### Datasets',
      'Unique-pattern ratio = distinct patterns / rows: 1.00 means every row is its own pattern',
      '### Real / synthetic mix',
      '```mermaid',
      '<summary>Largest patterns in the added rows: <code>data/train&#46;jsonl</code></summary>',
      '<summary>Cascade and diversity: <code>data/train&#46;jsonl</code></summary>',
      '<summary>Largest patterns in the added rows: <code>data/new&#46;jsonl</code></summary>',
      '<summary>Cascade and diversity: <code>data/new&#46;jsonl</code></summary>',
      '<summary>Findings (1)</summary>',
      '[the check run](https://github.com/o/r/runs/42)'
    ]
    const positions = order.map(s => markdown.indexOf(s))
    for (const p of positions) expect(p).toBeGreaterThan(0)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    expect(lines.at(-1)).toBe(
      '<sub>dataset\\-guard 0\\.1\\.0 · base <code>0123456</code> → head <code>fedcba9</code></sub>'
    )
    expect(markdown).not.toContain('Left out')
  })

  it('writes one gate row per rule with base → head, threshold and outcome icon', () => {
    const [rules] = markdownTables(markdown)
    expect(rules?.header).toEqual(['Dataset', 'Metric', 'Base → head', 'Threshold', 'Outcome'])
    expect(rules?.rows).toEqual([
      ['<code>data/train\\.jsonl</code>', 'unique\\-pattern ratio', '0.52 → 0.04', '≥ 0.50', '❌ fail'],
      ['<code>data/train\\.jsonl</code>', 'real fraction', '65%', '≥ 70% (warn)', '⚠️ warn'],
      ['<code>data/train\\.jsonl</code>', 'invalid rows', '0', '≤ 0', '✅ pass'],
      [
        '<code>data/train\\.jsonl</code>',
        'novel\\-pattern ratio',
        '—',
        '≥ 0.10',
        '⏭️ skipped — fewer added rows than min\\-added\\-rows'
      ]
    ])
  })

  it('writes one dataset row per dataset with rows, ratios and the real share', () => {
    const datasets = markdownTables(markdown)[1]
    expect(datasets?.rows).toEqual([
      [
        '<code>data/train\\.jsonl</code>',
        'modified',
        '1,000 → 1,200 (+250 / −50)',
        '0.52 → 0.04',
        '0.01',
        '70% → 65.2% (unknown 4.2%)'
      ],
      [
        '<code>data/new\\.jsonl</code>',
        'added',
        '— → 1,200 (+250 / −50)',
        '— → 0.04',
        '0.01',
        '— → 65.2% (unknown 4.2%)'
      ]
    ])
  })

  it('lists the largest added patterns with examples linked to their lines', () => {
    const patterns = markdownTables(markdown)[2]
    expect(patterns?.header).toEqual(['Rows', 'Variants', 'At base', 'Template key', 'Examples'])
    expect(patterns?.rows[0]?.slice(0, 4)).toEqual([
      '120',
      '2',
      'new',
      '<code>what is &lt;n&gt; \\+ &lt;n&gt;</code>'
    ])
    expect(patterns?.rows[0]?.[4]).toBe(
      '[<code>data/train\\.jsonl:10</code>](https://github.com/o/r/blob/abc/data/train.jsonl#L10) What is 2 \\+ 2?' +
        '<br>[<code>data/train\\.jsonl:11</code>](https://github.com/o/r/blob/abc/data/train.jsonl#L11) What is 7 \\+ 3?'
    )
  })

  it('shows the cascade at base and head, with — for a side that does not exist', () => {
    const cascade = markdownTables(markdown)[3]
    expect(cascade?.rows.map(r => r[0])).toEqual([
      'Rows',
      'Unique exact texts',
      'Unique normalised texts',
      'Unique canonical texts',
      'Unique template keys',
      'Patterns',
      'Effective number of patterns',
      'Unique-pattern ratio',
      'Unique-pattern ratio, synthetic rows only',
      'Compression ratio (higher is more repetitive)',
      'Distinct-2'
    ])
    expect(cascade?.rows[6]).toEqual(['Effective number of patterns', '480.3', '480.3'])
    const addedCascade = markdownTables(markdown)[5]
    expect(addedCascade?.rows[0]).toEqual(['Rows', '—', '1,200'])
  })

  it('charts the head mix per dataset as a Mermaid pie', () => {
    const [first] = fencedBlocks(markdown)
    expect(first?.body).toEqual([
      'pie showData',
      '    title data/train.jsonl at head',
      '    "real" : 750',
      '    "synthetic" : 400',
      '    "unknown" : 50'
    ])
  })

  it('keeps tables and details well formed', () => {
    expectInert(markdown)
  })
})

describe('renderMarkdown: verdicts, links and findings', () => {
  it('titles a pass and a run with no dataset', () => {
    const passed = renderMarkdown(
      buildReport({ verdict: { results: [buildRule({ outcome: 'pass', value: 0.9 })] } })
    )
    expect(passed.split('\n')[1]).toBe('## dataset-guard: ✅ passed')
    const none = renderMarkdown(
      buildReport({ datasets: [], verdict: { results: [], headline: 'no dataset changed' } })
    )
    expect(none.split('\n')[1]).toBe('## dataset-guard: ⚪ no dataset changed')
    expect(none).not.toContain('### Gate')
    expect(none).not.toContain('### Datasets')
  })

  it('never writes an empty bold headline', () => {
    const markdown = renderMarkdown(buildReport({ verdict: { headline: '\u200b', results: [] } }))
    expect(markdown).not.toContain('****')
  })

  it('uses a custom marker and cannot be broken out of by it', () => {
    expect(renderMarkdown(buildReport(), { marker: '<!-- dataset-guard:train -->' }).split('\n')[0]).toBe(
      '<!-- dataset-guard:train -->'
    )
    const first = renderMarkdown(buildReport(), { marker: 'x --> <script>' }).split('\n')[0] ?? ''
    expect(first).toMatch(/^<!-- [^<>]* -->$/)
    expect(first.match(/-->/g)).toHaveLength(1)
  })

  it('drops links that are not http(s) and does not link base-side findings', () => {
    const report = buildReport({
      datasets: [
        buildDataset('d', {
          findings: [buildFinding({ side: 'base' }), buildFinding({ side: 'head', line: 9 })]
        })
      ]
    })
    const markdown = renderMarkdown(report, {
      links: { fileUrl: (f, l) => `https://x/${f}#L${l}`, checkRunUrl: 'javascript:alert(1)' }
    })
    expect(markdown).not.toContain('javascript')
    expect(markdown).not.toContain('check run')
    expect(markdown).toContain('- **invalid\\-row** <code>data/train\\.jsonl:7</code> (base,')
    expect(markdown).toContain(
      '- **invalid\\-row** [<code>data/train\\.jsonl:9</code>](https://x/data/train.jsonl#L9)'
    )
  })

  it('lists at most 50 findings and counts the rest, omitted ones included', () => {
    const findings = Array.from({ length: 60 }, (_, i) => buildFinding({ line: i + 1 }))
    const markdown = renderMarkdown(
      buildReport({ datasets: [buildDataset('d', { findings, findingsOmitted: 5 })] })
    )
    expect(markdown).toContain('<summary>Findings (65)</summary>')
    expect(markdown.match(/^- \*\*invalid\\-row\*\*/gm)).toHaveLength(50)
    expect(markdown).toContain('- …and 15 more: 10 in the JSON report, 5 only counted.')
    const kept = renderMarkdown(buildReport({ datasets: [buildDataset('d', { findings })] }))
    expect(kept).toContain('- …and 10 more in the JSON report.')
  })

  it('reports a dataset without patterns or sides without empty sections', () => {
    const markdown = renderMarkdown(
      buildReport({
        datasets: [
          buildDataset('gone', {
            status: 'deleted',
            head: null,
            base: null,
            change: buildChange({ largestAddedPatterns: [] })
          })
        ]
      })
    )
    expect(markdown).not.toContain('<details>')
    expect(markdown).not.toContain('```mermaid')
    expectTablesIntact(markdown)
  })
})

describe('renderMarkdown: hostile dataset text', () => {
  const report = hostileReport()

  it.each<[string, MarkdownOptions]>([
    ['a job summary, links given', { maxBytes: SUMMARY_MAX_BYTES, links: LINKS }],
    ['a comment, no links', {}]
  ])('renders inert as %s', (_, options) => {
    const markdown = renderMarkdown(report, options)
    expect(utf8Bytes(markdown)).toBeLessThanOrEqual(options.maxBytes ?? COMMENT_MAX_BYTES)
    expectInert(markdown)
    // The 100k-character row is cut wherever it appears; finding messages have the longest cut, 240.
    expect(markdown).toMatch(/A{100}/)
    expect(markdown).not.toMatch(/A{241}/)
  })

  it('keeps every dataset and every section when the budget allows', () => {
    const markdown = renderMarkdown(report, { maxBytes: SUMMARY_MAX_BYTES, links: LINKS })
    expect(markdown).not.toContain('Left out')
    expect(markdownTables(markdown)[1]?.rows).toHaveLength(report.datasets.length)
    expect(markdown.match(/<summary>Largest patterns/g)).toHaveLength(report.datasets.length)
    expect(markdown).toContain('| Examples |')
  })
})

describe('renderMarkdown: size limits', () => {
  function bigReport(datasets: number): Report {
    const huge = `${'@octocat </details> | x | '.repeat(4_000)}`
    const list: DatasetReport[] = Array.from({ length: datasets }, (_, i) =>
      buildDataset(`data/d${i}.jsonl`, {
        base: buildSide(),
        change: buildChange({
          largestAddedPatterns: Array.from({ length: 10 }, (_, j) =>
            buildPattern({
              templateKey: `${j} ${huge}`,
              examples: [1, 2, 3].map(line => ({ file: `data/d${i}.jsonl`, line })),
              exampleTexts: [huge, huge, huge]
            })
          )
        }),
        findings: Array.from({ length: 20 }, (_, j) => buildFinding({ line: j + 1, message: huge })),
        findingsOmitted: 100
      })
    )
    const results = list.flatMap((d, i) => [
      buildRule({ dataset: d.name, outcome: i % 7 === 0 ? 'fail' : 'pass' }),
      buildRule({ dataset: d.name, rule: 'min-real-fraction', metric: 'real fraction', outcome: 'pass' })
    ])
    return buildReport({ datasets: list, verdict: { results } })
  }

  const fiveHundred = bigReport(500)

  it('fits 500 datasets with huge texts into a comment and says what was left out', () => {
    const markdown = renderMarkdown(fiveHundred, { links: LINKS })
    expect(utf8Bytes(markdown)).toBeLessThanOrEqual(COMMENT_MAX_BYTES)
    expect(markdown).toContain("**Left out to stay under GitHub's size limit:**")
    expect(markdown).toContain('The JSON report has everything.')
    expect(markdown.split('\n')[0]).toBe(DEFAULT_MARKER)
    expect(markdown.trimEnd().split('\n').at(-1)).toMatch(/^<sub>dataset\\-guard/)
    expectInert(markdown)
    // Failing gate rows outrank passing ones when rows must go.
    const rules = markdownTables(markdown)[0]?.rows ?? []
    expect(rules.length).toBeGreaterThan(0)
    const failing = fiveHundred.verdict.results.filter(r => r.outcome === 'fail').length
    if (rules.some(r => r[4] === '✅ pass'))
      expect(rules.filter(r => r[4] === '❌ fail')).toHaveLength(failing)
  })

  it('fits the same report into a job summary', () => {
    const markdown = renderMarkdown(fiveHundred, { maxBytes: SUMMARY_MAX_BYTES, links: LINKS })
    expect(utf8Bytes(markdown)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES)
    expect(utf8Bytes(markdown)).toBeGreaterThan(COMMENT_MAX_BYTES)
    expectInert(markdown)
  })

  it('leaves sections out in order: examples, findings, details from the last dataset, then dataset rows', () => {
    const report = bigReport(12)
    const full = renderMarkdown(report, { maxBytes: Number.MAX_SAFE_INTEGER })
    const fullBytes = utf8Bytes(full)
    const names = report.datasets.map(d => d.name)
    const seen = new Set<string>()
    for (let budget = fullBytes; budget > 2_000; budget = Math.floor(budget * 0.93)) {
      const markdown = renderMarkdown(report, { maxBytes: budget })
      expect(utf8Bytes(markdown)).toBeLessThanOrEqual(budget)
      expect(markdown.includes('Left out')).toBe(budget < fullBytes)
      expect(detailsBalanced(markdown)).toBe(true)
      expectTablesIntact(markdown)

      const examples = markdown.includes('| Examples |')
      const findings = markdown.includes('<summary>Findings')
      const detailNames = [
        ...markdown.matchAll(/<summary>Largest patterns in the added rows: <code>(.*?)<\/code>/g)
      ].map(m => decodeEntities(m[1] as string))
      const tables = markdownTables(markdown)
      const datasetTable = tables.find(t => t.header[0] === 'Dataset' && t.header[1] === 'Status')
      const rowNames = (datasetTable?.rows ?? []).map(r => (r[0] as string).replace(/<\/?code>|\\/g, ''))

      // What is kept is always a prefix, and each stage starts only when the one before it is spent.
      expect(detailNames).toEqual(names.slice(0, detailNames.length))
      expect(rowNames).toEqual(names.slice(0, rowNames.length))
      if (examples) expect(findings).toBe(true)
      if (findings) expect(detailNames).toHaveLength(names.length)
      if (detailNames.length > 0) expect(rowNames).toHaveLength(names.length)
      if (budget < fullBytes && !examples) expect(markdown).toContain('example rows of the largest patterns')
      seen.add([examples, findings, detailNames.length > 0, rowNames.length > 0].join())
    }
    // The budgets walked through every stage, so each implication above was exercised.
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

  it('stays within a budget smaller than the report header', () => {
    const tiny = renderMarkdown(buildReport(), { maxBytes: 80 })
    expect(utf8Bytes(tiny)).toBeLessThanOrEqual(80)
    expect(tiny.startsWith(DEFAULT_MARKER)).toBe(true)
    expect(renderMarkdown(buildReport(), { maxBytes: 5 })).toBe('')
  })
})
