// Reads `.github/dataset-guard.yml`: YAML -> JSON Schema validation -> checks the schema cannot express ->
// the typed Config. Every invalid input becomes one ConfigError that names the file, the key path and what
// the key accepts, so a user can fix the config from the check's message alone.
import { readFile, stat } from 'node:fs/promises'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import type { DataFormat, Provenance, RuleLevel } from '../types.js'
import {
  DEFAULT_CONFIG_PATH,
  DEFAULT_PATTERNS,
  DEFAULT_REALISM,
  DEFAULT_THRESHOLDS,
  RULE_LEVELS,
  RULES,
  type RuleName
} from './defaults.js'
import { configSchema } from './schema.js'
import type {
  Config,
  DatasetConfig,
  FieldsConfig,
  ProvenanceConfig,
  RowSetConfig,
  Threshold,
  Thresholds
} from './types.js'

/** A config is a few hundred bytes; anything this large is a wrong path (a dataset passed as the config). */
const MAX_CONFIG_BYTES = 1024 * 1024
/** Beyond this many problems a message stops being read; fixing the first ones usually clears the rest. */
const MAX_PROBLEMS_SHOWN = 20
/** Offending values are quoted in messages up to this length, so a pasted blob cannot flood the log. */
const MAX_VALUE_CHARS = 60
/** YAML aliases can expand exponentially ("billion laughs"); a hand-written config needs only a few. */
const MAX_ALIAS_COUNT = 100

export interface ConfigProblem {
  /** Key path such as `datasets[1].thresholds.min-real-fraction`; empty for the whole file. */
  path: string
  message: string
  /** 1-based position in the file, when the problem can be located. */
  line?: number
  column?: number
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  /** In file order, which is how a user reads and fixes them; the validator reports them in schema order. */
  readonly problems: readonly ConfigProblem[]

  constructor(
    /** The config file the problems are in. */
    readonly source: string,
    problems: readonly ConfigProblem[],
    heading = `Invalid dataset-guard config in ${source}`
  ) {
    const ordered = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    super(configErrorMessage(heading, ordered))
    this.problems = ordered
  }
}

function configErrorMessage(heading: string, problems: readonly ConfigProblem[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map(problemText)
  if (problems.length > shown.length) shown.push(`and ${problems.length - shown.length} more problems`)
  if (shown.length === 0) return heading
  if (shown.length === 1) return `${heading}: ${shown[0]}`
  return `${heading}:\n${shown.map(line => `  - ${line}`).join('\n')}`
}

function problemText(problem: ConfigProblem): string {
  if (problem.path === '') {
    return problem.line === undefined
      ? problem.message
      : `line ${problem.line}, column ${problem.column ?? 1}: ${problem.message}`
  }
  return problem.line === undefined
    ? `${problem.path}: ${problem.message}`
    : `${problem.path} (line ${problem.line}): ${problem.message}`
}

/** The built-in settings: no named datasets, default thresholds and pattern parameters, no eval sets. */
export function defaultConfig(): Config {
  return {
    datasets: [],
    defaults: {},
    thresholds: structuredClone(DEFAULT_THRESHOLDS),
    patterns: { ...DEFAULT_PATTERNS },
    evalSets: [],
    realism: { ...DEFAULT_REALISM },
    source: null
  }
}

/** The name a reference set goes by in the report when the config gives none. */
export const DEFAULT_REFERENCE_NAME = 'reference'

/**
 * Reads and parses the config at `path`. No path, or a missing file, gives the built-in defaults unless
 * `required` is set, because most repositories run the action without a config.
 */
export async function loadConfig(path: string | null, options: { required?: boolean } = {}): Promise<Config> {
  if (path === null) {
    if (options.required) {
      throw new ConfigError(DEFAULT_CONFIG_PATH, [], 'A config file is required, but no path was given')
    }
    return defaultConfig()
  }
  let text: string
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new ConfigError(path, [], `Config path ${path} is not a file`)
    if (info.size > MAX_CONFIG_BYTES) {
      throw new ConfigError(
        path,
        [],
        `Config file ${path} is ${info.size} bytes: a config is a small YAML file`
      )
    }
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (error instanceof ConfigError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (options.required) throw new ConfigError(path, [], `Config file ${path} not found`)
      return defaultConfig()
    }
    throw new ConfigError(path, [], `Cannot read config file ${path}: ${(error as Error).message}`)
  }
  return parseConfig(text, path)
}

/** Parses and validates config text; `source` names the file in messages and becomes `config.source`. */
export function parseConfig(text: string, source: string): Config {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, merge: true })
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map(error => ({
        path: '',
        // The library appends the position and a code frame; the position is given separately.
        message: (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''),
        line: error.linePos?.[0].line,
        column: error.linePos?.[0].col
      })),
      `Invalid YAML in ${source}`
    )
  }
  let raw: unknown
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}
  } catch (error) {
    throw new ConfigError(
      source,
      [{ path: '', message: (error as Error).message }],
      `Invalid YAML in ${source}`
    )
  }
  const locate = (segments: readonly (string | number)[]): Pick<ConfigProblem, 'line' | 'column'> =>
    positionOf(doc, lineCounter, segments)

  const validate = rawConfigValidator()
  if (!validate(raw)) {
    throw new ConfigError(source, schemaProblems(validate.errors ?? [], raw, locate))
  }
  const problems = semanticProblems(raw, locate)
  if (problems.length > 0) throw new ConfigError(source, problems)
  return normalisedConfig(raw, source)
}

/** The thresholds that apply to a dataset: its own overrides, key by key, over the top-level thresholds. */
export function thresholdsFor(config: Config, dataset: string): Required<Thresholds> {
  const own = config.datasets.find(d => d.name === dataset)?.thresholds ?? {}
  const merged: Required<Thresholds> = { ...config.thresholds }
  for (const rule of RULES) {
    const threshold = own[rule]
    if (threshold !== undefined) merged[rule] = threshold
  }
  if (own['min-added-rows'] !== undefined) merged['min-added-rows'] = own['min-added-rows']
  return merged
}

// --- The config as written (kebab-case, thresholds in any accepted form), after schema validation ---

type RawThreshold = number | { value: number; level?: RuleLevel } | 'off' | false | null
type RawThresholds = { [R in RuleName]?: RawThreshold } & { 'min-added-rows'?: number }
interface RawProvenance {
  field?: string
  values?: Record<string, Provenance>
  paths?: { real?: string[]; synthetic?: string[] }
  default?: Provenance
}
interface RawDataset {
  name: string
  paths: string[]
  format?: DataFormat
  fields?: FieldsConfig
  provenance?: RawProvenance
  thresholds?: RawThresholds
}
interface RawRowSet {
  name?: string
  paths: string[]
  format?: DataFormat
  fields?: FieldsConfig
}
interface RawConfig {
  datasets?: RawDataset[]
  'eval-sets'?: (RawRowSet & { name: string })[]
  realism?: { 'sample-size'?: number; reference?: RawRowSet }
  defaults?: { fields?: FieldsConfig; provenance?: RawProvenance }
  thresholds?: RawThresholds
  patterns?: {
    'shingle-size'?: number
    jaccard?: number
    bands?: number
    'rows-per-band'?: number
    seed?: number
  }
}

let cachedValidator: ValidateFunction<RawConfig> | undefined

function rawConfigValidator(): ValidateFunction<RawConfig> {
  // verbose: errors carry the failing schema and value, which the messages describe.
  cachedValidator ??= new Ajv({ allErrors: true, verbose: true }).compile<RawConfig>(configSchema)
  return cachedValidator
}

// --- Schema errors -> readable problems ---

/** The parts of a JSON Schema node the messages describe. */
interface SchemaNode {
  $ref?: string
  type?: string
  enum?: readonly unknown[]
  anyOf?: readonly SchemaNode[]
  properties?: Record<string, SchemaNode>
  items?: SchemaNode
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  minLength?: number
  minItems?: number
}

type Locate = (segments: readonly (string | number)[]) => Pick<ConfigProblem, 'line' | 'column'>

function schemaProblems(errors: readonly ErrorObject[], raw: unknown, locate: Locate): ConfigProblem[] {
  // An anyOf reports every branch that failed. The branch errors are replaced by one summary, or, for a
  // mapping, by the errors of the one branch that takes a mapping (`{value: 2}` is about `value`). Branch
  // errors are found by schema path, which a `$ref` inside a branch would change: the schema keeps none.
  const branchErrors = new Map<ErrorObject, ErrorObject[]>()
  const consumed = new Set<ErrorObject>()
  for (const error of errors) {
    if (error.keyword !== 'anyOf') continue
    const inside = errors.filter(
      other =>
        other.schemaPath.startsWith(`${error.schemaPath}/`) &&
        isWithin(other.instancePath, error.instancePath)
    )
    inside.forEach(other => consumed.add(other))
    branchErrors.set(error, inside)
  }

  const problems: ConfigProblem[] = []
  const add = (segments: (string | number)[], message: string): void => {
    const path = keyPath(segments)
    if (path === '') message = `the config ${message}`
    if (problems.some(p => p.path === path && p.message === message)) return
    problems.push({ path, message, ...locate(segments) })
  }
  const addSimple = (error: ErrorObject): void => {
    const segments = pointerSegments(error.instancePath, raw)
    const parent = error.parentSchema as SchemaNode
    if (error.keyword === 'additionalProperties') {
      const key = String(error.params.additionalProperty)
      add([...segments, key], `unknown key (allowed: ${Object.keys(parent.properties ?? {}).join(', ')})`)
    } else if (error.keyword === 'required') {
      add([...segments, String(error.params.missingProperty)], 'required, but missing')
    } else {
      add(segments, `must be ${alternativesText(parent)} (got ${valueText(error.data)})`)
    }
  }

  for (const error of errors) {
    if (consumed.has(error)) continue
    if (error.keyword !== 'anyOf') {
      addSimple(error)
      continue
    }
    const branches = (error.parentSchema as SchemaNode).anyOf ?? []
    const mappingBranch = isPlainObject(error.data) ? branches.findIndex(b => b.type === 'object') : -1
    if (mappingBranch < 0) {
      addSimple(error)
      continue
    }
    const prefix = `${error.schemaPath}/${mappingBranch}/`
    for (const inner of branchErrors.get(error) ?? [])
      if (inner.schemaPath.startsWith(prefix)) addSimple(inner)
  }
  return problems
}

function isWithin(instancePath: string, ancestor: string): boolean {
  return instancePath === ancestor || instancePath.startsWith(`${ancestor}/`)
}

/** What a schema node accepts, in words: `a number between 0 and 1, an object {value, level}, off, ...`. */
function alternativesText(schema: SchemaNode): string {
  const words = alternatives(schema)
  return words.length <= 1
    ? (words[0] ?? 'something else')
    : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`
}

function alternatives(schema: SchemaNode): string[] {
  if (schema.$ref !== undefined) return alternatives(definition(schema.$ref))
  if (schema.anyOf !== undefined) return schema.anyOf.flatMap(alternatives)
  if (schema.enum !== undefined) return schema.enum.map(v => (typeof v === 'string' ? v : String(v)))
  switch (schema.type) {
    case 'integer':
      if (schema.minimum !== undefined && schema.maximum !== undefined) {
        return [`an integer between ${schema.minimum} and ${schema.maximum}`]
      }
      if (schema.minimum === 0) return ['a non-negative integer']
      if (schema.minimum === 1) return ['a positive integer']
      return ['an integer']
    case 'number':
      if (schema.maximum !== undefined && schema.minimum !== undefined) {
        return [`a number between ${schema.minimum} and ${schema.maximum}`]
      }
      if (schema.maximum !== undefined && schema.exclusiveMinimum !== undefined) {
        return [`a number above ${schema.exclusiveMinimum} and at most ${schema.maximum}`]
      }
      return ['a number']
    case 'string':
      return [schema.minLength ? 'a non-empty string' : 'a string']
    case 'array':
      return [`a ${schema.minItems ? 'non-empty ' : ''}list of ${itemsText(schema.items)}`]
    case 'object':
      return [`an ${objectText(schema)}`]
    default:
      return []
  }
}

function itemsText(items: SchemaNode | undefined): string {
  const item = items?.$ref === undefined ? items : definition(items.$ref)
  if (item?.type === 'string') return 'strings'
  if (item?.type === 'object') return objectText(item, 'objects')
  return 'values'
}

function objectText(schema: SchemaNode, noun = 'object'): string {
  return schema.properties ? `${noun} {${Object.keys(schema.properties).join(', ')}}` : noun
}

function definition(ref: string): SchemaNode {
  const name = ref.replace('#/definitions/', '')
  const found = (configSchema.definitions as Record<string, SchemaNode>)[name]
  if (found === undefined) throw new Error(`dataset-guard schema: unknown reference ${ref}`)
  return found
}

function valueText(value: unknown): string {
  const text = value === undefined ? 'nothing' : jsonText(value)
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}...` : text
}

function jsonText(value: unknown): string {
  // JSON would print YAML's .inf and .nan as null.
  if (typeof value === 'number') return String(value)
  try {
    return JSON.stringify(value)
  } catch {
    // A YAML alias used inside its own anchor makes a structure that contains itself.
    return 'a value that contains itself'
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** JSON pointer -> path segments, array indices as numbers: `/datasets/1/name` -> ['datasets', 1, 'name']. */
function pointerSegments(pointer: string, raw: unknown): (string | number)[] {
  const segments: (string | number)[] = []
  let node = raw
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~')
    if (Array.isArray(node)) {
      segments.push(Number(key))
      node = node[Number(key)]
    } else {
      segments.push(key)
      node = isPlainObject(node) ? node[key] : undefined
    }
  }
  return segments
}

/** Path segments -> `datasets[1].thresholds.min-real-fraction`; odd keys are quoted: `values["gpt 4"]`. */
function keyPath(segments: readonly (string | number)[]): string {
  let path = ''
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) path += path === '' ? segment : `.${segment}`
    else path += `[${JSON.stringify(segment)}]`
  }
  return path
}

/** The line of the key (or list item) a path names, or of its nearest ancestor that exists in the file. */
function positionOf(
  doc: Document,
  lineCounter: LineCounter,
  segments: readonly (string | number)[]
): Pick<ConfigProblem, 'line' | 'column'> {
  let node: unknown = doc.contents
  let offset: number | undefined
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(doc)
    let next: Node | null | undefined
    if (isMap(node)) {
      const pair = node.items.find(p => isScalar(p.key) && String(p.key.value) === String(segment))
      if (pair === undefined) break
      offset = (pair.key as Node).range?.[0] ?? offset
      next = pair.value as Node | null
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment] as Node | undefined
      if (next === undefined || next === null) break
      offset = next.range?.[0] ?? offset
    } else {
      break
    }
    node = next
  }
  if (offset === undefined) return {}
  const { line, col } = lineCounter.linePos(offset)
  return { line, column: col }
}

// --- Checks the schema cannot express ---

function semanticProblems(raw: RawConfig, locate: Locate): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const add = (segments: (string | number)[], message: string): void => {
    problems.push({ path: keyPath(segments), message, ...locate(segments) })
  }
  const checkGlobs = (globs: readonly string[] | undefined, at: (string | number)[]): void => {
    globs?.forEach((glob, i) => {
      const problem = globProblem(glob)
      if (problem !== null) add([...at, i], `glob \`${glob}\` ${problem}`)
    })
  }
  const checkProvenance = (provenance: RawProvenance | undefined, at: (string | number)[]): void => {
    if (provenance === undefined) return
    checkGlobs(provenance.paths?.real, [...at, 'paths', 'real'])
    checkGlobs(provenance.paths?.synthetic, [...at, 'paths', 'synthetic'])
    const seen = new Map<string, string>()
    for (const [value, kind] of Object.entries(provenance.values ?? {})) {
      const key = value.toLowerCase()
      const earlier = seen.get(key)
      if (earlier !== undefined && provenance.values?.[earlier] !== kind) {
        add(
          [...at, 'values', value],
          `values are compared in lower case, and \`${earlier}\` already maps \`${key}\` to ${provenance.values?.[earlier]}`
        )
      }
      seen.set(key, value)
    }
  }

  checkProvenance(raw.defaults?.provenance, ['defaults', 'provenance'])
  const firstIndex = new Map<string, number>()
  raw.datasets?.forEach((dataset, i) => {
    const earlier = firstIndex.get(dataset.name)
    if (earlier === undefined) firstIndex.set(dataset.name, i)
    else
      add(
        ['datasets', i, 'name'],
        `duplicate dataset name "${dataset.name}" (also datasets[${earlier}].name)`
      )
    checkGlobs(dataset.paths, ['datasets', i, 'paths'])
    checkProvenance(dataset.provenance, ['datasets', i, 'provenance'])
  })
  const firstEvalSet = new Map<string, number>()
  raw['eval-sets']?.forEach((evalSet, i) => {
    const earlier = firstEvalSet.get(evalSet.name)
    if (earlier === undefined) firstEvalSet.set(evalSet.name, i)
    else
      add(
        ['eval-sets', i, 'name'],
        `duplicate eval set name "${evalSet.name}" (also eval-sets[${earlier}].name)`
      )
    checkGlobs(evalSet.paths, ['eval-sets', i, 'paths'])
  })
  checkGlobs(raw.realism?.reference?.paths, ['realism', 'reference', 'paths'])
  return problems
}

/**
 * Why a glob cannot be used, or null. Globs are matched against repository-relative paths, so one that starts
 * at `/`, a drive or `~`, or climbs with `..`, either never matches or points outside the repository.
 */
function globProblem(glob: string): string | null {
  const pattern = glob.startsWith('!') ? glob.slice(1) : glob
  if (/^[\\/]/.test(pattern) || /^[A-Za-z]:/.test(pattern)) {
    return 'is absolute: write it relative to the repository root'
  }
  if (pattern.startsWith('~')) return 'starts at a home directory: write it relative to the repository root'
  if (/(^|[\\/{,])\.\.($|[\\/},])/.test(pattern)) {
    return 'reaches outside the repository with `..`: write it relative to the repository root'
  }
  return null
}

// --- The typed Config ---

function normalisedConfig(raw: RawConfig, source: string): Config {
  const config = defaultConfig()
  config.source = source
  config.datasets = (raw.datasets ?? []).map(normalisedDataset)
  if (raw.defaults?.fields !== undefined) config.defaults.fields = structuredClone(raw.defaults.fields)
  if (raw.defaults?.provenance !== undefined)
    config.defaults.provenance = normalisedProvenance(raw.defaults.provenance)
  Object.assign(config.thresholds, normalisedThresholds(raw.thresholds ?? {}))
  const patterns = raw.patterns ?? {}
  config.patterns = {
    shingleSize: patterns['shingle-size'] ?? DEFAULT_PATTERNS.shingleSize,
    jaccard: patterns.jaccard ?? DEFAULT_PATTERNS.jaccard,
    bands: patterns.bands ?? DEFAULT_PATTERNS.bands,
    rowsPerBand: patterns['rows-per-band'] ?? DEFAULT_PATTERNS.rowsPerBand,
    seed: patterns.seed ?? DEFAULT_PATTERNS.seed
  }
  config.evalSets = (raw['eval-sets'] ?? []).map(evalSet => normalisedRowSet(evalSet, evalSet.name))
  const reference = raw.realism?.reference
  config.realism = {
    sampleSize: raw.realism?.['sample-size'] ?? DEFAULT_REALISM.sampleSize,
    reference: reference === undefined ? null : normalisedRowSet(reference, DEFAULT_REFERENCE_NAME)
  }
  return config
}

function normalisedRowSet(raw: RawRowSet, defaultName: string): RowSetConfig {
  const set: RowSetConfig = { name: raw.name ?? defaultName, paths: raw.paths.map(normalisedGlob) }
  if (raw.format !== undefined) set.format = raw.format
  if (raw.fields !== undefined) set.fields = structuredClone(raw.fields)
  return set
}

function normalisedDataset(raw: RawDataset): DatasetConfig {
  const dataset: DatasetConfig = { name: raw.name, paths: raw.paths.map(normalisedGlob) }
  if (raw.format !== undefined) dataset.format = raw.format
  if (raw.fields !== undefined) dataset.fields = structuredClone(raw.fields)
  if (raw.provenance !== undefined) dataset.provenance = normalisedProvenance(raw.provenance)
  if (raw.thresholds !== undefined) dataset.thresholds = normalisedThresholds(raw.thresholds)
  return dataset
}

function normalisedProvenance(raw: RawProvenance): ProvenanceConfig {
  const provenance: ProvenanceConfig = {}
  if (raw.field !== undefined) provenance.field = raw.field
  if (raw.values !== undefined) {
    // Readers compare a row's value in lower case; keys are lowered once here to match.
    provenance.values = Object.fromEntries(Object.entries(raw.values).map(([k, v]) => [k.toLowerCase(), v]))
  }
  if (raw.paths !== undefined) {
    provenance.paths = {}
    if (raw.paths.real !== undefined) provenance.paths.real = raw.paths.real.map(normalisedGlob)
    if (raw.paths.synthetic !== undefined)
      provenance.paths.synthetic = raw.paths.synthetic.map(normalisedGlob)
  }
  if (raw.default !== undefined) provenance.default = raw.default
  return provenance
}

/** `./data/**` and `data/**` mean the same to a user; only the second matches a repository-relative path. */
function normalisedGlob(glob: string): string {
  const negated = glob.startsWith('!')
  const pattern = (negated ? glob.slice(1) : glob).replace(/^(\.\/)+/, '')
  return negated ? `!${pattern}` : pattern
}

/** Only the keys the config sets, so that merging never overrides a threshold with an absent one. */
function normalisedThresholds(raw: RawThresholds): Thresholds {
  const thresholds: Thresholds = {}
  for (const rule of RULES) {
    const value = raw[rule]
    if (value !== undefined) thresholds[rule] = normalisedThreshold(rule, value)
  }
  if (raw['min-added-rows'] !== undefined) thresholds['min-added-rows'] = raw['min-added-rows']
  return thresholds
}

function normalisedThreshold(rule: RuleName, raw: RawThreshold): Threshold | null {
  if (raw === 'off' || raw === false || raw === null) return null
  const level = RULE_LEVELS[rule]
  return typeof raw === 'number' ? { value: raw, level } : { value: raw.value, level: raw.level ?? level }
}
