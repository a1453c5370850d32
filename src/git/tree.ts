// Every file of a commit, read from the tree object (never the working tree, which may be at another commit).

import { checkedRevision, gitRecords, GitError } from './run-git.js'

export interface TreeEntry {
  path: string
  blob: string
  mode: string
  size: number
}

export interface TreeListing {
  files: TreeEntry[]
  /** Symlinks and submodules: their target is not data at this commit, so they are never followed. */
  skipped: { path: string; reason: string }[]
}

const MODE_SYMLINK = '120000'
const MODE_SUBMODULE = '160000'

/** Regular files are 100644 or 100755 (and 100664 in very old repositories). */
export function isRegularFileMode(mode: string): boolean {
  return /^100[0-7]{3}$/.test(mode)
}

/** Why an entry of this mode is skipped, or null for a regular file. */
export function skipReason(mode: string): string | null {
  if (isRegularFileMode(mode)) return null
  if (mode === MODE_SYMLINK) return 'symlink'
  if (mode === MODE_SUBMODULE) return 'submodule'
  return `unsupported file mode ${mode}`
}

/** One `ls-tree --long` record: `<mode> SP <type> SP <object> SP+ <size> TAB <path>` (size `-` for submodules). */
const LS_TREE_RECORD = /^(\d{6}) (\w+) ([0-9a-f]+) +(\d+|-)\t([\s\S]*)$/

/** All files of `commit`, sorted by path as git stores them; paths are verbatim (`-z`, no quoting). */
export async function listTree(repo: string, commit: string): Promise<TreeListing> {
  const args = ['ls-tree', '-r', '-z', '--long', '--full-tree', checkedRevision(commit)]
  const listing: TreeListing = { files: [], skipped: [] }
  for await (const record of gitRecords(repo, args)) {
    const match = LS_TREE_RECORD.exec(record)
    if (match === null)
      throw new GitError(args, 0, `unexpected output ${JSON.stringify(record.slice(0, 200))}`)
    const [, mode = '', , blob = '', size = '', path = ''] = match
    const reason = skipReason(mode)
    if (reason === null) listing.files.push({ path, blob, mode, size: Number(size) })
    else listing.skipped.push({ path, reason })
  }
  return listing
}
