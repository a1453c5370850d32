// The start of a row's text, kept for a report's examples after the row itself is gone.

/** Characters of a row's input shown as an example of a pattern. */
export const EXAMPLE_SNIPPET_LENGTH = 160

/**
 * The first `maxLength` code points of a text (trimmed, the last one an ellipsis when cut), as a fresh string:
 * a plain slice can share the row's whole text and keep it alive for as long as the snippet lives. Only a
 * bounded prefix is read, so a 100 MB row costs no more than a short one.
 */
export function textSnippet(text: string, maxLength: number): string {
  // Most texts are short and untrimmed: they are their own snippet, with nothing to copy.
  if (text.length <= maxLength && text.trim() === text) return text
  const start = text.trimStart()
  // A code point is at most two UTF-16 units, so this prefix holds at least maxLength + 1 code points if any.
  const points = Array.from(start.slice(0, 2 * maxLength + 2))
  const cut = points.length > maxLength ? [...points.slice(0, maxLength - 1), '…'] : points
  return cut.join('').trimEnd()
}
