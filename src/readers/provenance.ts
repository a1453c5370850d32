// Where a row came from: real (written by people) or synthetic (generated). It cannot be read from the text, so
// it comes from a row field, then from path rules, then from a dataset default. Nothing is ever guessed real:
// a row nothing classifies is unknown, and unknown rows are reported as such.

import type { ProvenanceConfig } from '../config/types.js'
import type { Provenance } from '../types.js'
import { valueAtPath } from './text-fields.js'
import { globMatcher } from '../config/glob-matcher.js'

const REAL_VALUES = [
  'real',
  'human',
  'humans',
  'organic',
  'natural',
  'user',
  'users',
  'production',
  'manual',
  'handwritten',
  'human-written',
  'annotated',
  'crowdsourced',
  'original',
  'gold'
]

const SYNTHETIC_VALUES = [
  'synthetic',
  'synth',
  'generated',
  'llm',
  'llm-generated',
  'model',
  'model-generated',
  'machine',
  'machine-generated',
  'augmented',
  'ai',
  'distilled',
  'self-instruct',
  'evol-instruct'
]

const BUILT_IN_VALUES: ReadonlyMap<string, Provenance> = new Map([
  ...REAL_VALUES.map(value => [value, 'real'] as const),
  ...SYNTHETIC_VALUES.map(value => [value, 'synthetic'] as const)
])

/** Fields looked at, in this order, when no field is configured. */
const AUTO_FIELDS = [
  'source',
  'origin',
  'provenance',
  'data_source',
  'is_synthetic',
  'synthetic',
  'generator',
  'generated_by'
]

/** Yes/no fields: true means synthetic. */
const FLAG_FIELDS = new Set(['is_synthetic', 'synthetic'])
const FLAG_TRUE = new Set(['true', '1', 'yes'])
const FLAG_FALSE = new Set(['false', '0', 'no'])

/** Fields naming the generator: any named generator that is not a real-word means the row was generated. */
const GENERATOR_FIELDS = new Set(['generator', 'generated_by'])
const NO_GENERATOR = new Set(['', 'none', 'null', 'n/a', 'na', '-', 'unknown'])

export function provenanceResolver(
  config: ProvenanceConfig | undefined,
  file: string
): (record: Record<string, unknown>) => Provenance {
  const values = new Map(BUILT_IN_VALUES)
  for (const [value, provenance] of Object.entries(config?.values ?? {})) {
    values.set(value.trim().toLowerCase(), provenance)
  }
  // Path rules concern the whole file, so they are decided once.
  const fallback = pathProvenance(config?.paths, file) ?? config?.default ?? 'unknown'
  const configuredField = config?.field?.trim()
  const fields = configuredField ? [configuredField] : AUTO_FIELDS
  return record => {
    for (const field of fields) {
      const provenance = fieldProvenance(field, valueAtPath(record, field), values)
      if (provenance !== null) return provenance
    }
    return fallback
  }
}

function fieldProvenance(
  field: string,
  value: unknown,
  values: ReadonlyMap<string, Provenance>
): Provenance | null {
  const key = valueKey(value)
  if (key === null) return null
  const mapped = values.get(key)
  if (mapped !== undefined) return mapped
  const name = field.slice(field.lastIndexOf('.') + 1).toLowerCase()
  if (FLAG_FIELDS.has(name)) {
    if (FLAG_TRUE.has(key)) return 'synthetic'
    if (FLAG_FALSE.has(key)) return 'real'
  }
  if (GENERATOR_FIELDS.has(name) && typeof value === 'string' && !NO_GENERATOR.has(key)) return 'synthetic'
  return null
}

/** A field value as the value maps compare it: lower-cased, trimmed; booleans and numbers as their text. */
function valueKey(value: unknown): string | null {
  if (typeof value === 'string') return value.trim().toLowerCase()
  if (typeof value === 'boolean' || typeof value === 'number') return String(value)
  return null
}

/** Provenance from path globs; a file matched by both lists counts as synthetic, never as real. */
function pathProvenance(paths: ProvenanceConfig['paths'], file: string): Provenance | null {
  const path = file.replace(/\\/g, '/').replace(/^\.\//, '')
  const matches = (globs: string[] | undefined): boolean =>
    globs !== undefined && globs.length > 0 && globMatcher(globs)(path)
  if (matches(paths?.synthetic)) return 'synthetic'
  if (matches(paths?.real)) return 'real'
  return null
}
