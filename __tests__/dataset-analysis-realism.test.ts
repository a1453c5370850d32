import { describe, expect, it } from '@jest/globals'
import { DatasetAnalysis } from '../src/analysis/dataset-analysis.js'
import { hash53 } from '../src/analysis/hash.js'
import { realismOfJob } from '../src/analysis/realism/dataset-realism.js'
import { realismOnThread } from '../src/run-check.js'
import { PendingRow, RealismSample } from '../src/analysis/realism/realism-sample.js'
import { DEFAULT_PATTERNS } from '../src/config/defaults.js'
import type { Provenance, Row } from '../src/types.js'
import { generatedPairs, humanPairs, mixedPairs, type TextPair } from './helpers/realism-rows.js'

let line = 0
function rows(pairs: TextPair[], provenance: Provenance, file = 'd.jsonl'): Row[] {
  return pairs.map(({ input, output }) => ({
    file,
    line: ++line,
    input,
    output,
    provenance,
    contentHash: hash53(JSON.stringify([input, output, provenance]))
  }))
}

function analyse(head: Row[], base: Row[] = [], options?: ConstructorParameters<typeof DatasetAnalysis>[1]) {
  const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS }, options)
  for (const r of base) analysis.addBase(r)
  for (const r of head) analysis.addHead(r)
  return analysis.finish({ base: base.length > 0, head: true })
}

describe('DatasetAnalysis realism', () => {
  it('compares real with synthetic rows at head, gaps named and the sides easy to tell apart', () => {
    const result = analyse([...rows(humanPairs(40), 'real'), ...rows(generatedPairs(40), 'synthetic')])
    const realism = result.realism!
    expect(realism).toMatchObject({
      sampleSize: 5000,
      baseline: 'real',
      reference: null,
      existingVsAdded: null
    })
    const c = realism.realVsSynthetic!
    expect(c).toMatchObject({ labelA: 'real', labelB: 'synthetic', rowsA: 40, rowsB: 40, sampledA: 40 })
    expect(c.separability).toBeGreaterThan(0.95)
    const sentences = c.gaps.map(g => g.sentence)
    expect(sentences).toContain('real inputs: 35% have a likely typo, synthetic: 0%')
    expect(sentences).toContain('synthetic outputs never say they do not know (real: 25%)')
    const typo = c.gaps.find(g => g.feature === 'likely-typo')!
    expect(typo.examplesA).toHaveLength(3)
    expect(typo.exampleTextsA.every(text => /teh|whcih|recieve|definately|wiht|becuase/.test(text))).toBe(
      true
    )
    expect(typo.examplesB).toEqual([])
  })

  it('finds two halves of one source alike: separability near 0.5 and no gaps', () => {
    const pairs = mixedPairs(400)
    // Halves by a hash of the text, so neither half follows the generator's period.
    const head = pairs.map(pair => rows([pair], hash53(pair.input) % 2 === 0 ? 'real' : 'synthetic')[0]!)
    const c = analyse(head).realism!.realVsSynthetic!
    expect(c.rowsA + c.rowsB).toBe(400)
    expect(Math.min(c.rowsA, c.rowsB)).toBeGreaterThan(150)
    expect(c.separability).toBeGreaterThan(0.35)
    expect(c.separability).toBeLessThan(0.65)
    expect(c.gaps).toEqual([])
    expect(Math.max(...c.features.map(f => f.divergence))).toBeLessThan(0.01)
  })

  it('compares the added rows with those already there', () => {
    const existing = rows(humanPairs(30), 'unknown')
    const added = rows(generatedPairs(30), 'unknown')
    const realism = analyse([...existing.map(r => ({ ...r })), ...added], existing).realism!
    expect(realism.realVsSynthetic).toBeNull()
    expect(realism.baseline).toBeNull()
    expect(realism.existingVsAdded).toMatchObject({
      labelA: 'existing',
      labelB: 'added',
      rowsA: 30,
      rowsB: 30
    })
    expect(realism.existingVsAdded!.separability).toBeGreaterThan(0.95)
    expect(realism.existingVsAdded!.gaps.map(g => g.sentence)).toContain(
      'added outputs never say they do not know (existing: 27%)'
    )
  })

  it('uses the reference when the dataset has no real rows, and its own rates when there is none', () => {
    const reference = new RealismSample()
    for (const r of rows(humanPairs(40), 'real', 'ref.jsonl'))
      reference.add(r, r.input, r.output, r.contentHash)
    const synthetic = rows(generatedPairs(40), 'synthetic')
    const withReference = analyse(synthetic, [], {
      sampleSize: 5000,
      reference: { name: 'user-prompts', sample: reference }
    }).realism!
    expect(withReference).toMatchObject({ baseline: 'reference', reference: 'user-prompts' })
    expect(withReference.realVsSynthetic).toMatchObject({ labelA: 'reference', rowsA: 40, rowsB: 40 })
    expect(withReference.realVsSynthetic!.separability).toBeGreaterThan(0.95)
    // Side A's examples are rows of the reference files.
    const typo = withReference.realVsSynthetic!.gaps.find(g => g.feature === 'likely-typo')
    expect(typo?.examplesA[0]?.file).toBe('ref.jsonl')

    const alone = analyse(synthetic.map(r => ({ ...r }))).realism!
    expect(alone).toMatchObject({ baseline: 'none', reference: null })
    const c = alone.realVsSynthetic!
    expect(c).toMatchObject({ rowsA: 0, rowsB: 40, separability: null, gaps: [] })
    expect(c.features.find(f => f.feature === 'politeness-output')?.b).toBe(1)
  })

  it('is off with a sample size of 0', () => {
    const result = analyse(rows(generatedPairs(5), 'synthetic'), [], { sampleSize: 0, reference: null })
    expect(result.realism).toBeNull()
  })

  it('gives the same realism report whatever order the head rows arrive in', () => {
    const head = [...rows(humanPairs(30), 'real'), ...rows(generatedPairs(30), 'synthetic')]
    const forward = analyse(head, [], { sampleSize: 20, reference: null }).realism
    const backward = analyse([...head].reverse(), [], { sampleSize: 20, reference: null }).realism
    expect(backward).toEqual(forward)
  })
})

describe('realism handed to another thread', () => {
  // What an unsharded check does: the samples leave as a job (structured-cloned by postMessage), and the report
  // computed from it must be the one finish would have computed.
  function handedOver(head: Row[], base: Row[], options?: ConstructorParameters<typeof DatasetAnalysis>[1]) {
    const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS }, options)
    for (const r of base) analysis.addBase(r)
    for (const r of head) analysis.addHead(r)
    const job = analysis.takeRealismJob()
    expect(analysis.takeRealismJob()).toBeNull()
    const result = analysis.finish({ base: base.length > 0, head: true })
    expect(result.realism).toBeNull()
    return { job: job!, realism: realismOfJob(structuredClone(job!)) }
  }

  it('gives the report finish gives, each shared row sent once', () => {
    const base = rows(humanPairs(60), 'real')
    const head = [
      ...base.slice(10),
      ...rows(humanPairs(30), 'real'),
      ...rows(generatedPairs(80), 'synthetic')
    ]
    const inline = analyse(head, base).realism
    expect(inline?.realVsSynthetic?.gaps.length).toBeGreaterThan(0)
    expect(inline?.existingVsAdded).not.toBeNull()
    const { job, realism } = handedOver(head, base)
    expect(realism).toEqual(inline)
    // Every head row is in one provenance sample and in one of existing and added: listed once all the same.
    expect(job.rows).toHaveLength(head.length)
    const inSamples = Object.values(job.samples).reduce((sum, sample) => sum + sample.rows.length, 0)
    expect(inSamples).toBe(2 * head.length)
  })

  it('carries the reference, the seed and rows whose features were computed already', () => {
    const reference = new RealismSample(50, 1)
    for (const r of rows(humanPairs(50), 'real', 'reference.jsonl')) {
      reference.add(r, r.input, r.output, r.contentHash)
    }
    // A budget of 1 character: the reference's rows are computed as they come.
    const options = { sampleSize: 40, reference: { name: 'ref', sample: reference }, seed: 7 }
    const head = rows(generatedPairs(90), 'synthetic')
    const inline = analyse(head, [], options).realism
    expect(inline).toMatchObject({ baseline: 'reference', reference: 'ref', sampleSize: 40 })
    const { job, realism } = handedOver(head, [], options)
    expect(job.reference?.sample.rows).toHaveLength(50)
    expect(job.rows.filter(row => row.sampled !== null)).toHaveLength(50)
    expect(realism).toEqual(inline)
  })

  it('computes the comparison on the calling thread when the reading thread fails it', async () => {
    const base = rows(humanPairs(40), 'real')
    const head = [...base.slice(5), ...rows(generatedPairs(60), 'synthetic')]
    const inline = analyse(head, base).realism
    const handed = (thread: Parameters<typeof realismOnThread>[1]) => {
      const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS })
      for (const r of base) analysis.addBase(r)
      for (const r of head) analysis.addHead(r)
      return realismOnThread(analysis, thread)
    }
    // A thread that computes the job it is given, and one that stops before answering.
    await expect(handed({ realism: async job => realismOfJob(structuredClone(job)) })).resolves.toEqual(
      inline
    )
    await expect(
      handed({ realism: () => Promise.reject(new Error('the reading thread stopped')) })
    ).resolves.toEqual(inline)
    const off = new DatasetAnalysis({ ...DEFAULT_PATTERNS }, { sampleSize: 0, reference: null })
    expect(realismOnThread(off, { realism: () => Promise.reject(new Error('never asked')) })).toBeUndefined()
  })

  it('hands nothing over when the realism report is off', () => {
    const analysis = new DatasetAnalysis({ ...DEFAULT_PATTERNS }, { sampleSize: 0, reference: null })
    expect(analysis.takeRealismJob()).toBeNull()
  })
})

describe('RealismSample laziness', () => {
  it('computes features only for rows still in the sample when they are needed', () => {
    const sample = new RealismSample(5)
    const pending: PendingRow[] = []
    for (let i = 0; i < 200; i++) {
      const row = new PendingRow({ file: 'f', line: i + 1 }, hash53(`row ${i}`), `input ${i}`, `output ${i}`)
      pending.push(row)
      sample.offer(row.ref, row.key, () => row)
    }
    expect(sample.rows).toBe(200)
    // Nothing computed yet: every row still holds its text.
    expect(pending.every(row => row.pendingChars > 0)).toBe(true)
    const kept = new Set(sample.sampledRows().map(row => row.ref.line))
    expect(kept.size).toBe(5)
    for (const row of pending) expect(row.pendingChars === 0).toBe(kept.has(row.ref.line))
  })

  it('computes pending rows once their text passes the budget, and shares them between samples', () => {
    const small = new RealismSample(10, 50)
    const other = new RealismSample(10)
    const rowsOffered = Array.from(
      { length: 10 },
      (_, i) => new PendingRow({ file: 'f', line: i + 1 }, i, `a fairly long input number ${i}`, 'out')
    )
    for (const row of rowsOffered) {
      small.offer(row.ref, row.key, () => row)
      other.offer(row.ref, row.key, () => row)
    }
    // Each row holds 33 characters: the second pushed the small sample over its budget of 50.
    expect(rowsOffered.filter(row => row.pendingChars === 0).length).toBeGreaterThanOrEqual(8)
    const features = rowsOffered[0]!.features()
    expect(other.sampledRows()[0]).toBe(features)
    expect(features).toMatchObject({
      ref: { file: 'f', line: 1 },
      inputSnippet: 'a fairly long input number 0'
    })
  })
})
