import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import {
  DEFAULT_PATTERNS,
  DEFAULT_THRESHOLDS,
  MAX_REALISM_SAMPLE_SIZE,
  REALISM_SAMPLE_SIZE,
  RULES
} from '../src/config/defaults.js'
import { configSchema } from '../src/config/schema.js'

const schemaFile = new URL('../dataset-guard.schema.json', import.meta.url)

/** Every object in the schema tree with its JSON pointer, for the checks that apply to all of them. */
function schemaNodes(node: unknown, pointer = ''): [string, Record<string, unknown>][] {
  if (typeof node !== 'object' || node === null) return []
  const found: [string, Record<string, unknown>][] = Array.isArray(node)
    ? []
    : [[pointer, node as Record<string, unknown>]]
  for (const [key, child] of Object.entries(node)) found.push(...schemaNodes(child, `${pointer}/${key}`))
  return found
}

const propertySchemas = (): [string, Record<string, unknown>][] =>
  schemaNodes(configSchema).filter(([pointer]) => /\/properties\/[^/]+$/.test(pointer))

describe('config schema', () => {
  it('dataset-guard.schema.json is the exported schema, byte for byte in content', () => {
    // On failure: regenerate the JSON file from src/config/schema.ts (or the other way round).
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(configSchema)
  })

  it('compiles in strict mode without warnings', () => {
    const warnings: unknown[] = []
    const logger = {
      log: () => undefined,
      warn: (...args: unknown[]) => warnings.push(args),
      error: () => undefined
    }
    const validate = new Ajv({ strict: true, logger }).compile(configSchema)
    expect(warnings).toEqual([])
    expect(validate({ thresholds: { 'min-real-fraction': 0.7 } })).toBe(true)
    expect(validate({ thresholds: { 'min-real-fraction': 1.7 } })).toBe(false)
  })

  it('has a description on every property, for editors', () => {
    const properties = propertySchemas()
    expect(properties.length).toBeGreaterThan(30)
    const undocumented = properties.filter(([, p]) => typeof p.description !== 'string').map(([path]) => path)
    expect(undocumented).toEqual([])
  })

  it('rejects unknown keys in every object except the provenance value map', () => {
    const objects = schemaNodes(configSchema).filter(([, node]) => node.type === 'object')
    const open = objects.filter(([, node]) => node.additionalProperties !== false).map(([pointer]) => pointer)
    expect(open).toEqual(['/definitions/provenance/properties/values'])
    // root, defaults, patterns, realism, dataset, evalSet, referenceSet, fields, provenance, provenance.paths,
    // two {value, level} forms, thresholds, and the value map
    expect(objects.length).toBe(14)
  })

  it('shows editors the same defaults as the code uses', () => {
    const thresholds = configSchema.definitions.thresholds.properties
    // A rule that is off by default shows `off`, the value that switches it off.
    for (const rule of RULES) expect(thresholds[rule].default).toBe(DEFAULT_THRESHOLDS[rule]?.value ?? 'off')
    expect(thresholds['min-added-rows'].default).toBe(DEFAULT_THRESHOLDS['min-added-rows'])
    const patterns = configSchema.properties.patterns.properties
    expect({
      shingleSize: patterns['shingle-size'].default,
      jaccard: patterns.jaccard.default,
      bands: patterns.bands.default,
      rowsPerBand: patterns['rows-per-band'].default,
      seed: patterns.seed.default
    }).toEqual(DEFAULT_PATTERNS)
    expect(configSchema.properties.realism.properties['sample-size'].default).toBe(REALISM_SAMPLE_SIZE)
    expect(configSchema.properties.realism.properties['sample-size'].maximum).toBe(MAX_REALISM_SAMPLE_SIZE)
  })
})
