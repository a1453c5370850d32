// Which files a pull request touches, compared tree to tree (plumbing, so no user diff config applies).

import { checkedRevision, gitRecords, GitError } from './run-git.js'
import { isRegularFileMode } from './tree.js'

export interface FileChange {
  status: 'added' | 'deleted' | 'modified' | 'renamed'
  /** The head path (for deleted: the base path). */
  path: string
  /** The base path for renamed, else null. */
  oldPath: string | null
  /** null when added. */
  baseBlob: string | null
  /** null when deleted. */
  headBlob: string | null
}

/** `:<base mode> <head mode> <base object> <head object> <status letter><score?>` */
const RAW_RECORD = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])(\d*)$/

interface RawChange {
  letter: string
  baseMode: string
  headMode: string
  baseBlob: string
  headBlob: string
  basePath: string
  headPath: string
}

/**
 * The change as seen by someone who only reads regular files: a symlink or submodule side does not exist, so
 * a file turned into a symlink is deleted, a symlink turned into a file is added, and symlink-only changes vanish.
 */
function fileChange(raw: RawChange): FileChange | null {
  const baseIsFile = raw.letter !== 'A' && isRegularFileMode(raw.baseMode)
  const headIsFile = raw.letter !== 'D' && isRegularFileMode(raw.headMode)
  if (baseIsFile && headIsFile) {
    if (raw.letter === 'R') {
      return {
        status: 'renamed',
        path: raw.headPath,
        oldPath: raw.basePath,
        baseBlob: raw.baseBlob,
        headBlob: raw.headBlob
      }
    }
    return {
      status: 'modified',
      path: raw.headPath,
      oldPath: null,
      baseBlob: raw.baseBlob,
      headBlob: raw.headBlob
    }
  }
  if (baseIsFile)
    return { status: 'deleted', path: raw.basePath, oldPath: null, baseBlob: raw.baseBlob, headBlob: null }
  if (headIsFile)
    return { status: 'added', path: raw.headPath, oldPath: null, baseBlob: null, headBlob: raw.headBlob }
  return null
}

/** Status letters diff-tree can print without `-C` or a conflicted index: add, delete, modify, rename, type change. */
const KNOWN_LETTERS = new Set(['A', 'D', 'M', 'R', 'T'])

/**
 * The files that differ between the trees of `base` and `head`, sorted by path. Renames are followed (also when
 * the file was edited in the move); symlinks and submodules are left out.
 */
export async function changedFiles(repo: string, base: string, head: string): Promise<FileChange[]> {
  const args = [
    'diff-tree',
    '-r',
    '-z',
    '-M',
    '--no-abbrev',
    checkedRevision(base),
    checkedRevision(head),
    '--'
  ]
  const changes: FileChange[] = []
  const records = gitRecords(repo, args)
  const nextPath = async (): Promise<string> => {
    const next = await records.next()
    if (next.done === true) throw new GitError(args, 0, 'output ended in the middle of a change')
    return next.value
  }
  try {
    for (let next = await records.next(); next.done !== true; next = await records.next()) {
      const match = RAW_RECORD.exec(next.value)
      if (match === null)
        throw new GitError(args, 0, `unexpected output ${JSON.stringify(next.value.slice(0, 200))}`)
      const [, baseMode = '', headMode = '', baseBlob = '', headBlob = '', letter = ''] = match
      if (!KNOWN_LETTERS.has(letter)) throw new GitError(args, 0, `unexpected change status ${letter}`)
      const basePath = await nextPath()
      const headPath = letter === 'R' ? await nextPath() : basePath
      const change = fileChange({ letter, baseMode, headMode, baseBlob, headBlob, basePath, headPath })
      if (change !== null) changes.push(change)
    }
  } finally {
    // Stops git when parsing gave up early; a no-op once the output was read to the end.
    await records.return(undefined)
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}
