// Which reader a path needs, and which JSON files are configuration rather than data, so that datasets found
// without configuration do not include package.json or a workflow's settings.

import type { DataFormat } from '../types.js'

const FORMAT_BY_EXTENSION: Record<string, DataFormat> = {
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  json: 'json',
  csv: 'csv',
  tsv: 'tsv',
  parquet: 'parquet'
}

export function formatFromPath(path: string): DataFormat | null {
  const name = baseName(path)
  const dot = name.lastIndexOf('.')
  if (dot === -1) return null
  return FORMAT_BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? null
}

/** Folders that hold tooling, never datasets. */
const NON_DATA_DIRS = new Set([
  'node_modules',
  '.github',
  '.vscode',
  '.idea',
  '.devcontainer',
  '.git',
  '.husky'
])

/** Exact names of tool, package-manager and model-config JSON files. */
const NON_DATA_NAMES = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'composer.json',
  'composer.lock',
  'bower.json',
  'lerna.json',
  'nx.json',
  'turbo.json',
  'deno.json',
  'biome.json',
  'vercel.json',
  'netlify.json',
  'firebase.json',
  'angular.json',
  'renovate.json',
  '.renovaterc.json',
  'cspell.json',
  '.cspell.json',
  'tslint.json',
  'pyrightconfig.json',
  'global.json',
  'manifest.json',
  'launch.json',
  'settings.json',
  'extensions.json',
  'devcontainer.json',
  'jest.config.json',
  'babel.config.json',
  // Hugging Face dataset and model metadata written next to the data, not rows of it.
  'dataset_info.json',
  'dataset_infos.json',
  'dataset_dict.json',
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.json',
  'adapter_config.json',
  'trainer_state.json'
])

/** Name patterns of config files: tsconfig.build.json, .eslintrc.json, app.schema.json, yarn-lock.json... */
const NON_DATA_PATTERNS: RegExp[] = [
  /^tsconfig(\..+)?\.json$/,
  /^jsconfig(\..+)?\.json$/,
  /^\.[a-z0-9_-]+rc(\..+)?\.json$/, // .eslintrc.json, .prettierrc.json, .babelrc.json, .swcrc.json
  /\.schema\.json$/,
  /^schema\.json$/,
  /[-.]lock\.json$/,
  /^appsettings(\..+)?\.json$/,
  /\.config\.json$/,
  /^\.markdownlint(-cli2)?\.json$/
]

/** Whether a path looks like tooling or metadata rather than a dataset (case-insensitive). */
export function isLikelyNonDataJson(path: string): boolean {
  const segments = path.replace(/\\/g, '/').toLowerCase().split('/')
  const name = segments.pop() ?? ''
  if (segments.some(segment => NON_DATA_DIRS.has(segment))) return true
  if (NON_DATA_NAMES.has(name)) return true
  return NON_DATA_PATTERNS.some(pattern => pattern.test(name))
}

function baseName(path: string): string {
  const normalised = path.replace(/\\/g, '/')
  return normalised.slice(normalised.lastIndexOf('/') + 1)
}
