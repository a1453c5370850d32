// Structural readers for rendered markdown, so tests assert on shape (tables, tags, fences) instead of snapshots.

export interface MarkdownTable {
  /** 1-based line of the header row. */
  line: number
  header: string[]
  delimiter: string[]
  rows: string[][]
}

/** Splits a GFM table row into cells the way the table extension does: on pipes not escaped by a backslash. */
export function tableCells(row: string): string[] {
  const cells: string[] = []
  let current = ''
  for (let i = 0; i < row.length; i++) {
    const char = row[i] as string
    if (char === '\\' && i + 1 < row.length) {
      current += char + (row[i + 1] as string)
      i++
    } else if (char === '|') {
      cells.push(current)
      current = ''
    } else current += char
  }
  cells.push(current)
  // A leading and a trailing pipe delimit the row; they do not open empty cells.
  if (row.trimStart().startsWith('|')) cells.shift()
  if (row.trimEnd().endsWith('|') && !row.trimEnd().endsWith('\\|')) cells.pop()
  return cells.map(c => c.trim())
}

/** Every table in the document (outside fenced code): consecutive lines that start with `|`. */
export function markdownTables(markdown: string): MarkdownTable[] {
  const lines = markdown.split('\n')
  const tables: MarkdownTable[] = []
  let inFence = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (line.startsWith('```')) inFence = !inFence
    if (inFence || !line.startsWith('|')) continue
    const block: string[] = []
    const start = i
    while (i < lines.length && (lines[i] as string).startsWith('|')) block.push(lines[i++] as string)
    i--
    const [header = '', delimiter = '', ...rows] = block
    tables.push({
      line: start + 1,
      header: tableCells(header),
      delimiter: tableCells(delimiter),
      rows: rows.map(tableCells)
    })
  }
  return tables
}

/** The only tags the renderers write themselves (with their closing forms); any other tag came from a dataset. */
export const OUR_TAGS: ReadonlySet<string> = new Set([
  '!--',
  'details',
  '/details',
  'summary',
  '/summary',
  'code',
  '/code',
  'br',
  'sub',
  '/sub'
])

/** Names of every HTML tag and comment opener in the text, in order: `details`, `/details`, `!--`. */
export function htmlTagNames(markdown: string): string[] {
  return [...markdown.matchAll(/<(!--|\/?[A-Za-z][A-Za-z0-9-]*)/g)].map(m => (m[1] as string).toLowerCase())
}

/** Checks that every `</details>` closes an open `<details>` and all are closed at the end. */
export function detailsBalanced(markdown: string): boolean {
  let depth = 0
  for (const tag of htmlTagNames(markdown)) {
    if (tag === 'details') depth++
    if (tag === '/details' && --depth < 0) return false
  }
  return depth === 0
}

/** The bodies of fenced code blocks with their info string. */
export function fencedBlocks(markdown: string): { info: string; body: string[] }[] {
  const blocks: { info: string; body: string[] }[] = []
  let current: { info: string; body: string[] } | null = null
  for (const line of markdown.split('\n')) {
    if (current === null && line.startsWith('```')) current = { info: line.slice(3), body: [] }
    else if (current !== null && line === '```') {
      blocks.push(current)
      current = null
    } else current?.body.push(line)
  }
  if (current !== null) blocks.push(current)
  return blocks
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** What a renderer (or GitHub's post-processing) sees after character references are decoded. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10))
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole
  })
}

/** The visible text of escaped inline markdown: escapes resolved, our zero-width link breaks removed. */
export function visibleText(escaped: string): string {
  return decodeEntities(escaped.replace(/\\([!-/:-@[-`{-~])/g, '$1')).replace(/\u200b/g, '')
}

/** The UTF-8 size of a string. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}
