import { describe, expect, it } from '@jest/globals'
import { provenanceResolver } from '../src/readers/provenance.js'

describe('provenanceResolver', () => {
  it('reads a configured dot-path field through the built-in value map, lower-cased and trimmed', () => {
    const resolve = provenanceResolver({ field: 'meta.origin' }, 'data/train.jsonl')
    expect(resolve({ meta: { origin: '  Human ' } })).toBe('real')
    expect(resolve({ meta: { origin: 'LLM-Generated' } })).toBe('synthetic')
    expect(resolve({ meta: { origin: 'wikipedia' } })).toBe('unknown')
    // Only the configured field is looked at.
    expect(resolve({ source: 'human' })).toBe('unknown')
  })

  it('merges a configured value map over the built-in one', () => {
    const resolve = provenanceResolver(
      { field: 'source', values: { ' GPT-4 ': 'synthetic', 'Support Tickets': 'real', model: 'real' } },
      'data/train.jsonl'
    )
    expect(resolve({ source: 'gpt-4' })).toBe('synthetic')
    expect(resolve({ source: 'support tickets' })).toBe('real')
    expect(resolve({ source: 'model' })).toBe('real') // overridden
    expect(resolve({ source: 'distilled' })).toBe('synthetic') // built in
  })

  it('compares booleans as true/false through a configured map', () => {
    const resolve = provenanceResolver(
      { field: 'from_users', values: { true: 'real', false: 'synthetic' } },
      'x.jsonl'
    )
    expect(resolve({ from_users: true })).toBe('real')
    expect(resolve({ from_users: false })).toBe('synthetic')
  })

  it('looks at the usual fields when none is configured', () => {
    const resolve = provenanceResolver(undefined, 'data/mixed.jsonl')
    expect(resolve({ source: 'crowdsourced' })).toBe('real')
    expect(resolve({ origin: 'self-instruct' })).toBe('synthetic')
    expect(resolve({ provenance: 'production' })).toBe('real')
    expect(resolve({ data_source: 'augmented' })).toBe('synthetic')
    // An unclassifiable source does not stop the search.
    expect(resolve({ source: 'reddit', is_synthetic: true })).toBe('synthetic')
  })

  it('reads is_synthetic/synthetic flags: true is synthetic, false is real', () => {
    const resolve = provenanceResolver(undefined, 'data/x.jsonl')
    expect(resolve({ is_synthetic: true })).toBe('synthetic')
    expect(resolve({ is_synthetic: false })).toBe('real')
    expect(resolve({ synthetic: 'true' })).toBe('synthetic')
    expect(resolve({ synthetic: 0 })).toBe('real')
    expect(provenanceResolver({ field: 'meta.is_synthetic' }, 'x')({ meta: { is_synthetic: true } })).toBe(
      'synthetic'
    )
  })

  it('counts any named generator as synthetic, unless it is a real-word', () => {
    const resolve = provenanceResolver(undefined, 'data/x.jsonl')
    expect(resolve({ generator: 'gpt-4o-mini' })).toBe('synthetic')
    expect(resolve({ generated_by: 'Llama-3-70B-Instruct' })).toBe('synthetic')
    expect(resolve({ generated_by: 'human' })).toBe('real')
    expect(resolve({ generator: '' })).toBe('unknown')
    expect(resolve({ generator: null })).toBe('unknown')
  })

  it('decides path globs once per file, after the row field', () => {
    const config = {
      paths: { real: ['data/real/**'], synthetic: ['data/**/generated-*.jsonl', '.hidden/**'] }
    }
    expect(provenanceResolver(config, 'data/real/tickets.jsonl')({ text: 'x' })).toBe('real')
    expect(provenanceResolver(config, 'data/v2/generated-math.jsonl')({ text: 'x' })).toBe('synthetic')
    expect(provenanceResolver(config, '.hidden/a.jsonl')({ text: 'x' })).toBe('synthetic') // dot: true
    expect(provenanceResolver(config, 'data/other.jsonl')({ text: 'x' })).toBe('unknown')
    // A row field outranks the path rule.
    expect(provenanceResolver(config, 'data/real/tickets.jsonl')({ source: 'synthetic' })).toBe('synthetic')
    // Both lists match: never counted as real.
    expect(provenanceResolver(config, 'data/real/generated-x.jsonl')({})).toBe('synthetic')
  })

  it('falls back to the default, then to unknown, never to real', () => {
    expect(provenanceResolver({ default: 'synthetic' }, 'a.jsonl')({ text: 'x' })).toBe('synthetic')
    expect(provenanceResolver({ default: 'real', paths: { synthetic: ['a.*'] } }, 'a.jsonl')({})).toBe(
      'synthetic'
    )
    expect(provenanceResolver({}, 'a.jsonl')({ source: 'the internet' })).toBe('unknown')
    expect(provenanceResolver(undefined, 'a.jsonl')({})).toBe('unknown')
  })
})
