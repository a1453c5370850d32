// Which datasets a change touches, and which blobs make up each of them at base and at head. Pure: the git
// facts (changed files, tree listings) come in as data.

import { globMatcher } from './config/glob-matcher.js'
import type { Config, FieldsConfig, ProvenanceConfig } from './config/types.js'
import type { FileChange } from './git/changed-files.js'
import type { TreeEntry } from './git/tree.js'
import { formatFromPath, isLikelyNonDataJson } from './readers/format.js'
import type { DataFormat, DatasetStatus } from './types.js'

export interface PlannedFile {
  path: string
  blob: string
  format: DataFormat
}

export interface DatasetPlan {
  name: string
  status: DatasetStatus
  /** Found without configuration: one changed file. Such a JSON file that holds no rows is not a dataset. */
  discovered: boolean
  fields?: FieldsConfig
  provenance?: ProvenanceConfig
  base: PlannedFile[]
  head: PlannedFile[]
  /** Files matched by the dataset's globs but left out (symlinks, submodules), with the reason. */
  skipped: { path: string; reason: string }[]
}

export interface Trees {
  base: { files: TreeEntry[]; skipped: { path: string; reason: string }[] }
  head: { files: TreeEntry[]; skipped: { path: string; reason: string }[] }
}

function statusOf(base: unknown[], head: unknown[]): DatasetStatus {
  if (base.length === 0) return 'added'
  if (head.length === 0) return 'deleted'
  return 'modified'
}

function isDataFile(path: string): DataFormat | null {
  const format = formatFromPath(path)
  if (format === 'json' && isLikelyNonDataJson(path)) return null
  return format
}

/**
 * Without configured datasets (or with `paths` given as an override), every changed data file is a dataset of
 * its own, named by its head path and followed across a rename.
 */
export function planDiscovered(config: Config, changes: FileChange[], paths?: string[]): DatasetPlan[] {
  const inScope = paths && paths.length > 0 ? globMatcher(paths) : () => true
  const plans: DatasetPlan[] = []
  for (const change of changes) {
    const basePath = change.oldPath ?? change.path
    const format = isDataFile(change.path) ?? isDataFile(basePath)
    if (!format || !(inScope(change.path) || inScope(basePath))) continue
    const base = change.baseBlob ? [{ path: basePath, blob: change.baseBlob, format }] : []
    const head = change.headBlob ? [{ path: change.path, blob: change.headBlob, format }] : []
    plans.push({
      name: change.path,
      status: statusOf(base, head),
      discovered: true,
      fields: config.defaults.fields,
      provenance: config.defaults.provenance,
      base,
      head,
      skipped: []
    })
  }
  return plans
}

/** Configured datasets that the change touches, each with all of its files at both commits. */
export function planConfigured(config: Config, changes: FileChange[], trees: Trees): DatasetPlan[] {
  const plans: DatasetPlan[] = []
  for (const dataset of config.datasets) {
    const matches = globMatcher(dataset.paths)
    const touched = changes.some(c => matches(c.path) || (c.oldPath !== null && matches(c.oldPath)))
    if (!touched) continue
    const filesAt = (entries: TreeEntry[]): PlannedFile[] =>
      entries
        .filter(e => matches(e.path))
        .flatMap(e => {
          const format = dataset.format ?? formatFromPath(e.path)
          return format ? [{ path: e.path, blob: e.blob, format }] : []
        })
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    const base = filesAt(trees.base.files)
    const head = filesAt(trees.head.files)
    const skipped = trees.head.skipped.filter(s => matches(s.path))
    plans.push({
      name: dataset.name,
      status: statusOf(base, head),
      discovered: false,
      fields: dataset.fields ?? config.defaults.fields,
      provenance: dataset.provenance ?? config.defaults.provenance,
      base,
      head,
      skipped
    })
  }
  return plans
}
