// Git LFS pointer files: a repository that stores datasets in LFS commits a small text in place of the data,
// and analysing that text as rows would report nonsense. Spec: https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md

export interface LfsPointer {
  /** The sha256 of the real content, hex. */
  oid: string
  /** The real content's size in bytes. */
  size: number
}

/** The spec caps pointer files below this size, so a longer head cannot be one. */
export const LFS_POINTER_MAX_BYTES = 1024

// The legacy hawser URL is still accepted by git-lfs for pointers written by its earliest releases.
const VERSION_LINES = [
  'version https://git-lfs.github.com/spec/v1',
  'version https://hawser.github.com/spec/v1'
]

/** `key value`: keys are lower-case letters, digits, `.` and `-`; values hold no line breaks. */
const POINTER_LINE = /^([a-z0-9.-]+) (.*)$/
const OID_VALUE = /^sha256:([0-9a-f]{64})$/
const SIZE_VALUE = /^\d+$/

/**
 * The LFS pointer in `head` (the first bytes of a blob, at least LFS_POINTER_MAX_BYTES of them when the blob is
 * that long), or null when the blob is real content.
 */
export function parseLfsPointer(head: Uint8Array): LfsPointer | null {
  if (head.length === 0 || head.length >= LFS_POINTER_MAX_BYTES) return null
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head)
  // Every line, the last one included, ends with LF; a head cut mid-line is not a whole pointer.
  if (!text.endsWith('\n')) return null
  const lines = text.slice(0, -1).split('\n')
  if (!VERSION_LINES.includes(lines[0] ?? '')) return null
  let oid: string | null = null
  let size: number | null = null
  for (const line of lines.slice(1)) {
    const match = POINTER_LINE.exec(line)
    if (match === null) return null
    const [, key, value = ''] = match
    if (key === 'oid') {
      const hash = OID_VALUE.exec(value)
      if (hash === null) return null
      oid = hash[1] ?? null
    } else if (key === 'size') {
      if (!SIZE_VALUE.test(value)) return null
      size = Number(value)
      if (!Number.isSafeInteger(size)) return null
    }
  }
  return oid !== null && size !== null ? { oid, size } : null
}
