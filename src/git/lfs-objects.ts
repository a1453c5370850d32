// Git LFS keeps a dataset's bytes outside git: the blob is a pointer, and the content sits in the local LFS
// store once fetched. Reading from that store keeps both sides of the comparison exact (each pointer names
// its object by sha256), where the working tree would only hold the head side.

import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { BlobStore } from './blobs.js'
import { parseLfsPointer, type LfsPointer } from './lfs-pointer.js'
import { gitResult, runGit } from './run-git.js'

const OID = /^[0-9a-f]{64}$/

/** The local store's file for an LFS object, when it has been fetched; null otherwise. */
export async function lfsObjectPath(repo: string, oid: string): Promise<string | null> {
  if (!OID.test(oid)) return null
  const common = (await runGit(repo, ['rev-parse', '--git-common-dir'])).trim()
  const gitDir = isAbsolute(common) ? common : join(repo, common)
  const path = join(gitDir, 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4), oid)
  try {
    return (await stat(path)).isFile() ? path : null
  } catch {
    return null
  }
}

/** Streams a fetched LFS object. */
export function readLfsObject(path: string): AsyncIterable<Uint8Array> {
  return createReadStream(path)
}

/** Whether `git lfs` is installed. */
export async function hasGitLfs(repo: string): Promise<boolean> {
  try {
    return (await gitResult(repo, ['lfs', 'version'])).exitCode === 0
  } catch {
    return false
  }
}

/**
 * Fetches the LFS objects both commits point to from `remote`, so the analysis can read them. Returns false
 * (and changes nothing) when git lfs is not installed or the fetch fails; the pointers are then reported.
 */
export async function fetchLfsObjects(repo: string, commits: string[], remote = 'origin'): Promise<boolean> {
  if (!(await hasGitLfs(repo))) return false
  const result = await gitResult(repo, ['lfs', 'fetch', remote, ...commits])
  return result.exitCode === 0
}

/** Bytes read to recognise a Git LFS pointer (pointer files are under 1 KiB). */
const LFS_SNIFF_BYTES = 1024

export type BlobContent =
  | { kind: 'bytes'; source: AsyncIterable<Uint8Array>; lfsOid: string | null }
  | { kind: 'lfs-missing'; pointer: LfsPointer }

/**
 * A file's content at a commit: the blob itself, or, when the blob is a Git LFS pointer, the fetched object it
 * points to. `lfs-missing` when the object has not been fetched.
 */
export async function openBlob(blobs: BlobStore, blob: string): Promise<BlobContent> {
  // The first bytes come through the store's one long-lived git, and are handed back before the rest: a git
  // started per file to peek at them took about 13 ms each, most of a check of 300 files of 20 rows.
  const chunks = blobs.read(blob)[Symbol.asyncIterator]()
  const head: Uint8Array[] = []
  let length = 0
  let ended = false
  while (length < LFS_SNIFF_BYTES) {
    const next = await chunks.next()
    if (next.done === true) {
      ended = true
      break
    }
    head.push(next.value)
    length += next.value.length
  }
  const prefix = head.length === 1 ? head[0]! : Buffer.concat(head)
  const pointer = parseLfsPointer(prefix.subarray(0, LFS_SNIFF_BYTES))
  if (!pointer) return { kind: 'bytes', source: replay(head, ended ? null : chunks), lfsOid: null }
  if (!ended) await chunks.return?.()
  const stored = await lfsObjectPath(blobs.repo, pointer.oid)
  if (!stored) return { kind: 'lfs-missing', pointer }
  return { kind: 'bytes', source: readLfsObject(stored), lfsOid: pointer.oid }
}

/** The chunks already read, then the rest; abandoning it abandons the read underneath. */
async function* replay(
  head: Uint8Array[],
  rest: AsyncIterator<Uint8Array> | null
): AsyncGenerator<Uint8Array> {
  let finished = rest === null
  try {
    yield* head
    if (rest === null) return
    for (;;) {
      const next = await rest.next()
      if (next.done === true) {
        finished = true
        return
      }
      yield next.value
    }
  } finally {
    if (!finished) await rest?.return?.()
  }
}

/** The finding's message for an LFS pointer whose object is missing. */
export function lfsMissingMessage(pointer: LfsPointer): string {
  return (
    `is a Git LFS pointer (${pointer.size} bytes of data not in git) and its object has not been fetched: ` +
    'run `git lfs fetch origin <base> <head>` to analyse it (the action does this itself when git-lfs is installed)'
  )
}
