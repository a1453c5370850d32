// Dataset text (template keys, example rows, file paths, finding messages, dataset names) is written by whoever
// wrote the data, and the report is posted by a bot with write access. Everything that reaches markdown, Mermaid
// or a terminal from a dataset goes through one of these functions, so that no such text can close our HTML,
// break a table, ping people, link issues, form links or images, or move the terminal cursor.

/** Default cut for inline text: long enough to recognise a row, short enough for a table cell. */
export const INLINE_MAX_LENGTH = 160
export const ELLIPSIS = '…'
/** Stands in for a line break, so a multi-line row stays on one line and still shows where it broke. */
export const LINE_BREAK_MARK = '⏎'

// GitHub links `@user`, `#123` and friends in a pass that runs after markdown is rendered, on the decoded text,
// so neither a backslash nor `&#64;` stops it (github/cmark-gfm#181). A zero-width space between the sign and
// the name does. Dataset text has its own zero-width characters stripped first, so this one is always ours.
const NO_LINK_BREAK = '\u200b'
const NO_LINK_BREAK_ENTITY = '&#8203;'

const CARRIAGE_RETURN = 0x0d
const LINE_FEED = 0x0a
const REPLACEMENT_CHARACTER = '\ufffd'

const LINE_BREAKS = new Set([LINE_FEED, CARRIAGE_RETURN, 0x85, 0x2028, 0x2029])
// Control characters (C0, DEL, C1) move cursors, ring bells and start ANSI sequences; format characters
// (zero-width spaces and joiners, bidi overrides and isolates, BOM, soft hyphen, tag characters) hide or reorder
// text so that what a reviewer reads is not what is there.
const CONTROL = /\p{Cc}/u
const FORMAT = /\p{Cf}/u

/**
 * Dataset text made inert for any plain-text sink: format characters removed, line breaks shown as `⏎`, other
 * control characters (ESC included) turned into spaces, lone surrogates replaced, and the result cut to
 * `maxLength` code points (the last one an ellipsis). Reads at most about `maxLength` code points of the input,
 * so a 100 MB row costs no more than a short one.
 */
export function plainText(text: string, maxLength = INLINE_MAX_LENGTH): string {
  const limit = Math.max(1, Math.floor(maxLength))
  const out: string[] = []
  let previous = -1
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i)
    let char: string
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = (cp - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000
        char = String.fromCodePoint(cp)
        i++
      } else char = REPLACEMENT_CHARACTER
    } else if (cp >= 0xd800 && cp <= 0xdfff) char = REPLACEMENT_CHARACTER
    else char = text[i] as string

    const isCrLf = cp === LINE_FEED && previous === CARRIAGE_RETURN
    previous = cp
    // Printable ASCII, the common case, needs none of the Unicode property tests.
    if (cp < 0x20 || cp > 0x7e) {
      if (isCrLf || FORMAT.test(char)) continue
      if (LINE_BREAKS.has(cp)) char = LINE_BREAK_MARK
      else if (CONTROL.test(char)) char = ' '
    }

    if (out.length === limit) {
      out[limit - 1] = ELLIPSIS
      break
    }
    out.push(char)
  }
  return out.join('')
}

// Autolinks GitHub would otherwise make from plain text: URLs (`scheme://`, `www.`), `GH-123` references, and
// (through the breaks after `@` and `#`) mentions, team mentions, issue and cross-repository references, e-mails.
const AUTOLINK_STARTS = /(:)(?=\/\/)|(www)(?=\.)|(gh-)(?=\d)/gi

function breakAutolinks(text: string): string {
  return text.replace(AUTOLINK_STARTS, match => match + NO_LINK_BREAK)
}

// Every ASCII punctuation character markdown gives a meaning to: emphasis, code, links and images, list and
// heading markers, block quotes, strikethrough, footnotes. Backslash escapes are literal text in CommonMark.
const BACKSLASH_ESCAPED = '\\`*_{}[]()+-.!~'
// HTML-significant characters, and those a backslash cannot neutralise: `|` splits a table row before inline
// parsing sees any backslash, `$` starts math on GitHub, and GitHub links `@name` and `#1` after decoding, so
// those two also get the zero-width break after them.
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  $: '&#36;',
  '@': `&#64;${NO_LINK_BREAK_ENTITY}`,
  '#': `&#35;${NO_LINK_BREAK_ENTITY}`,
  [NO_LINK_BREAK]: NO_LINK_BREAK_ENTITY
}
const MARKDOWN_REPLACEMENTS: Record<string, string> = { ...ENTITIES }
const HTML_REPLACEMENTS: Record<string, string> = { ...ENTITIES }
for (const char of BACKSLASH_ESCAPED) {
  MARKDOWN_REPLACEMENTS[char] = `\\${char}`
  // In raw HTML a backslash would show; a numeric entity reads the same in HTML and stays inert in markdown.
  HTML_REPLACEMENTS[char] = `&#${char.charCodeAt(0)};`
}
const SPECIAL = new RegExp(
  `[${Object.keys(MARKDOWN_REPLACEMENTS)
    .map(c => `\\${c}`)
    .join('')}]`,
  'g'
)

/**
 * Untrusted text as inert inline markdown, safe in a paragraph, a list item, a link label or a table cell: one
 * line, no HTML, no markdown syntax, no mention, reference or autolink, at most `maxLength` visible characters.
 */
export function escapeInline(text: string, maxLength = INLINE_MAX_LENGTH): string {
  return breakAutolinks(plainText(text, maxLength)).replace(
    SPECIAL,
    char => MARKDOWN_REPLACEMENTS[char] ?? char
  )
}

/**
 * Untrusted text for raw HTML, such as a `<summary>` line, where markdown is not parsed and a backslash would show
 * literally: only entities, plus the same breaks against mentions, references and autolinks.
 */
export function escapeHtml(text: string, maxLength = INLINE_MAX_LENGTH): string {
  return breakAutolinks(plainText(text, maxLength)).replace(SPECIAL, char => HTML_REPLACEMENTS[char] ?? char)
}

/**
 * Untrusted text as inline code. An HTML `<code>` element around escaped text rather than backticks: a backtick
 * span shows `&#124;` and `\|` literally outside tables and cannot hold every backtick run, while `<code>` reads
 * the same everywhere, and GitHub does not look for mentions inside it.
 */
export function codeSpan(text: string, maxLength = INLINE_MAX_LENGTH): string {
  return `<code>${escapeInline(text, maxLength)}</code>`
}

// Mermaid parses its own syntax (quotes, brackets, `#35;` entities, `%%` directives, click handlers), so dataset
// text gets no escaping there, only a whitelist.
const MERMAID_UNSAFE = /[^A-Za-z0-9 ._/-]+/g
const MERMAID_MAX_LENGTH = 60
const MERMAID_FALLBACK = 'dataset'

/** Text for a Mermaid label: only ASCII letters, digits, spaces and `-_./`; never empty. */
export function mermaidText(text: string, maxLength = MERMAID_MAX_LENGTH): string {
  const cleaned = plainText(text, maxLength).replace(ELLIPSIS, '...').replace(MERMAID_UNSAFE, '_').trim()
  return cleaned.length > 0 ? cleaned : MERMAID_FALLBACK
}

// Past about 2,000 characters browsers and servers start refusing URLs; a link that long is a dataset path built
// to bloat the comment, so it is dropped rather than cut into a broken link.
const MAX_URL_LENGTH = 2048
// Characters kept as they are in a link destination; everything else is percent-encoded, so the URL cannot close
// the link, split a table cell, or carry a space, quote or control character. `@` is encoded too, so a file path
// in the URL never puts `@name` into the comment's source.
const URL_SAFE = /[A-Za-z0-9\-._~:/?#!$*+,;=%]/

/**
 * A URL for a markdown link destination, or null when it is not http(s) or absurdly long. The URL comes from our
 * own code but usually embeds a dataset file path, so it is re-encoded rather than trusted.
 */
export function safeUrl(url: string): string | null {
  if (!/^https?:\/\//i.test(url) || url.length > MAX_URL_LENGTH) return null
  let out = ''
  for (const char of url) {
    if (char === '&') out += '&amp;'
    else if (URL_SAFE.test(char)) out += char
    else out += percentEncoded(isLoneSurrogate(char) ? REPLACEMENT_CHARACTER : char)
  }
  return out
}

const utf8 = new TextEncoder()

// Not encodeURIComponent: it leaves `'()!*` alone and throws on a lone surrogate.
function percentEncoded(char: string): string {
  let out = ''
  for (const byte of utf8.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  return out
}

function isLoneSurrogate(char: string): boolean {
  const cp = char.codePointAt(0) ?? 0
  return cp >= 0xd800 && cp <= 0xdfff
}

/** A markdown link whose label is already escaped; falls back to the bare label when the URL is unusable. */
export function linkTo(label: string, url: string | undefined): string {
  const href = url === undefined ? null : safeUrl(url)
  return href === null ? label : `[${label}](${href})`
}
