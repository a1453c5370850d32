import { describe, expect, it } from '@jest/globals'
import { defaultConfig, parseConfig } from '../src/config/load-config.js'
import { planConfigured, planDiscovered } from '../src/dataset-plan.js'
import type { FileChange } from '../src/git/changed-files.js'

const change = (c: Partial<FileChange> & { path: string }): FileChange => ({
  status: 'modified',
  oldPath: null,
  baseBlob: 'b'.repeat(40),
  headBlob: 'h'.repeat(40),
  ...c
})

describe('planDiscovered', () => {
  it('makes every changed data file a dataset, and leaves out non-data files and manifests', () => {
    const plans = planDiscovered(defaultConfig(), [
      change({ path: 'data/train.jsonl' }),
      change({ path: 'data/eval.csv', status: 'added', baseBlob: null }),
      change({ path: 'package.json' }),
      change({ path: 'tsconfig.json' }),
      change({ path: '.github/labels.json' }),
      change({ path: 'README.md' }),
      change({ path: 'data/table.PARQUET' })
    ])
    expect(plans.map(p => [p.name, p.status, p.base.length, p.head.length])).toEqual([
      ['data/train.jsonl', 'modified', 1, 1],
      ['data/eval.csv', 'added', 0, 1],
      ['data/table.PARQUET', 'modified', 1, 1]
    ])
  })

  it('follows a rename: the base side reads the old path', () => {
    const [plan] = planDiscovered(defaultConfig(), [
      change({ path: 'new/a.jsonl', oldPath: 'old/a.jsonl', status: 'renamed' })
    ])
    expect(plan?.base[0]?.path).toBe('old/a.jsonl')
    expect(plan?.head[0]?.path).toBe('new/a.jsonl')
    expect(plan?.status).toBe('modified')
  })

  it('keeps only what the paths override matches', () => {
    const plans = planDiscovered(
      defaultConfig(),
      [change({ path: 'data/a.jsonl' }), change({ path: 'other/b.jsonl' })],
      ['data/**']
    )
    expect(plans.map(p => p.name)).toEqual(['data/a.jsonl'])
  })
})

describe('planConfigured', () => {
  const config = parseConfig(
    'datasets:\n  - name: sft\n    paths: ["sft/**/*.jsonl"]\n  - name: eval\n    paths: ["eval/*.csv"]\n',
    't.yml'
  )
  const entry = (path: string) => ({ path, blob: path.padEnd(40, '0'), mode: '100644', size: 1 })

  it('plans only touched datasets, with all their files at both commits', () => {
    const plans = planConfigured(
      config,
      [change({ path: 'sft/b/new.jsonl', status: 'added', baseBlob: null })],
      {
        base: { files: [entry('sft/a.jsonl'), entry('eval/x.csv')], skipped: [] },
        head: {
          files: [entry('sft/a.jsonl'), entry('sft/b/new.jsonl'), entry('eval/x.csv')],
          skipped: [{ path: 'sft/link.jsonl', reason: 'symlink' }]
        }
      }
    )
    expect(plans).toHaveLength(1)
    expect(plans[0]?.name).toBe('sft')
    expect(plans[0]?.base.map(f => f.path)).toEqual(['sft/a.jsonl'])
    expect(plans[0]?.head.map(f => f.path)).toEqual(['sft/a.jsonl', 'sft/b/new.jsonl'])
    expect(plans[0]?.skipped).toEqual([{ path: 'sft/link.jsonl', reason: 'symlink' }])
  })

  it('treats a dataset moved out of its globs entirely as deleted', () => {
    const plans = planConfigured(
      config,
      [change({ path: 'eval/x.csv', status: 'deleted', headBlob: null })],
      {
        base: { files: [entry('eval/x.csv')], skipped: [] },
        head: { files: [], skipped: [] }
      }
    )
    expect(plans[0]).toMatchObject({ name: 'eval', status: 'deleted' })
  })
})

describe('globMatcher', () => {
  it('excludes with !globs instead of matching everything', async () => {
    const { globMatcher } = await import('../src/config/glob-matcher.js')
    const m = globMatcher(['data/**/*.jsonl', '!data/scratch/**'])
    expect(m('data/a/train.jsonl')).toBe(true)
    expect(m('data/scratch/tmp.jsonl')).toBe(false)
    expect(m('other/x.jsonl')).toBe(false)
    expect(m('data/.hidden/x.jsonl')).toBe(true)
    expect(globMatcher(['!data/**'])('x.jsonl')).toBe(false)
    // a line break in a folder name must not hide its files from the gate
    expect(m('data/a\nb/train.jsonl')).toBe(true)
    expect(m('data/a\u2028b/c\rd.jsonl')).toBe(true)
  })
})
