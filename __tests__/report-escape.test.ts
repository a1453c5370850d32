import { describe, expect, it } from '@jest/globals'
import {
  codeSpan,
  escapeHtml,
  escapeInline,
  INLINE_MAX_LENGTH,
  mermaidText,
  plainText,
  safeUrl
} from '../src/report/escape.js'
import { HOSTILE } from './helpers/hostile-text.js'
import { decodeEntities, visibleText } from './helpers/markdown-inspect.js'

// Markdown characters that do something when they are not escaped or entity-encoded.
const ACTIVE = /[\\`*_{}[\]()<>|&#@$!~+\-.]/

/** The escaped text with every backslash escape and entity removed: what is left must be inert. */
function unescapedRemainder(escaped: string): string {
  return escaped.replace(/\\[!-/:-@[-`{-~]/g, '').replace(/&(#[0-9]+|#x[0-9a-f]+|[a-z]+);/gi, '')
}

const codePoints = (s: string) => [...s].length
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const FORMAT_OR_CONTROL = /[\p{Cf}\p{Cc}]/u

describe('plainText', () => {
  it('shows line breaks as ⏎, turns other controls into spaces and strips format characters', () => {
    expect(plainText('a\r\nb\nc\rd\u2028e\u0085f')).toBe('a⏎b⏎c⏎d⏎e⏎f')
    expect(plainText('a\tb\x1b[31mc\x00d\x7fe\x9bf')).toBe('a b [31mc d e f')
    expect(plainText('a\u200bb\u202ec\u2067d\ufeffe\u200ff')).toBe('abcdef')
  })
  it('cuts by code points, never inside a surrogate pair, and reads only what it keeps', () => {
    const emoji = '😀'.repeat(500)
    const cut = plainText(emoji, 10)
    expect(codePoints(cut)).toBe(10)
    expect(cut.endsWith('…')).toBe(true)
    expect(LONE_SURROGATE.test(cut)).toBe(false)
    expect(plainText('abc', 3)).toBe('abc')
    expect(plainText('abcd', 3)).toBe('ab…')
    const huge = 'x'.repeat(100_000_000)
    const started = Date.now()
    expect(plainText(huge)).toHaveLength(INLINE_MAX_LENGTH)
    expect(Date.now() - started).toBeLessThan(1000)
  })
  it('replaces lone surrogates', () => {
    expect(LONE_SURROGATE.test(plainText('a\ud800b\udc00c'))).toBe(false)
  })
})

describe('escapeInline', () => {
  it.each(HOSTILE)('leaves nothing active in %j', text => {
    const out = escapeInline(text, 1000)
    expect(unescapedRemainder(out)).not.toMatch(ACTIVE)
    expect(out).not.toMatch(/[<>|\n\r]/)
    // Our own zero-width breaks are written as entities, so no invisible character is emitted raw.
    expect(out).not.toMatch(FORMAT_OR_CONTROL)
  })

  it.each(HOSTILE)('keeps the visible text of %j', text => {
    expect(visibleText(escapeInline(text, 1000))).toBe(plainText(text, 1000))
  })

  it('breaks mentions, team mentions, issue and cross-repo references before and after decoding', () => {
    const out = escapeInline('@octocat @org/team #123 owner/repo#123 GH-42 me@example.com')
    expect(out).not.toMatch(/@\w/)
    expect(unescapedRemainder(out)).not.toMatch(/[@#]/)
    const decoded = decodeEntities(out)
    expect(decoded).not.toMatch(/@\w/)
    expect(decoded).not.toMatch(/#\d/)
    expect(decoded).not.toMatch(/gh-\d/i)
    // The break is GitHub's known-good one: a zero-width space right after the sign (github/cmark-gfm#181).
    expect(decodeEntities(out)).toContain('@\u200bocto')
    expect(decodeEntities(out)).toContain('#\u200b123')
  })

  it('leaves no URL or www autolink and no link syntax', () => {
    const decoded = decodeEntities(
      escapeInline('https://evil.example www.evil.example [x](javascript:alert(1))')
    )
    expect(decoded).not.toContain('://')
    expect(decoded).not.toMatch(/www\./i)
    expect(escapeInline('[x](javascript:alert(1))')).not.toContain('](')
  })

  it('cuts a 100k-character row to the limit with an ellipsis', () => {
    const out = escapeInline('a'.repeat(100_000))
    expect(out).toBe(`${'a'.repeat(INLINE_MAX_LENGTH - 1)}…`)
    expect(codePoints(visibleText(escapeInline('é@#'.repeat(1000), 50)))).toBe(50)
  })
})

describe('codeSpan', () => {
  it('wraps escaped text in <code> with no other tag', () => {
    const out = codeSpan('</code><script>alert(1)</script> `x` | y')
    expect(out.startsWith('<code>')).toBe(true)
    expect(out.endsWith('</code>')).toBe(true)
    const inner = out.slice('<code>'.length, -'</code>'.length)
    expect(inner).not.toMatch(/[<>|]/)
    expect(unescapedRemainder(inner)).not.toContain('`')
  })
})

describe('escapeHtml', () => {
  it('encodes tags and breaks mentions without adding backslashes', () => {
    const out = escapeHtml('</summary></details><b>x</b> @octocat #1 a.b-c [x](javascript:y) `z` *w*')
    expect(out).not.toMatch(/[<>\\[\]()`*]/)
    expect(decodeEntities(out)).not.toMatch(/@\w|#\d/)
    expect(decodeEntities(out).replace(/\u200b/g, '')).toBe(
      '</summary></details><b>x</b> @octocat #1 a.b-c [x](javascript:y) `z` *w*'
    )
  })
})

describe('mermaidText', () => {
  it('keeps only letters, digits, spaces and -_./', () => {
    const out = mermaidText('a"]; click A href "javascript:alert(1)" %%{init}%% #35; \n\u202e <b>')
    expect(out).toMatch(/^[A-Za-z0-9 ._/-]+$/)
    expect(mermaidText('data/train-v2.jsonl')).toBe('data/train-v2.jsonl')
    expect(mermaidText('"""')).toMatch(/^[A-Za-z0-9 ._/-]+$/)
    expect(mermaidText('')).toBe('dataset')
    expect(mermaidText('x'.repeat(1000)).length).toBeLessThanOrEqual(62)
  })
})

describe('safeUrl', () => {
  it('accepts only http(s)', () => {
    expect(safeUrl('javascript:alert(1)')).toBeNull()
    expect(safeUrl('JaVaScRiPt:alert(1)')).toBeNull()
    expect(safeUrl('data:text/html,<script>')).toBeNull()
    expect(safeUrl(' https://x')).toBeNull()
  })
  it('encodes what could end the link or split a table cell', () => {
    const out = safeUrl('https://github.com/o/r/blob/abc/my data/"q\'s")`|<x>\n[y].jsonl#L12') ?? ''
    expect(out).not.toMatch(/[\s"'()`|<>[\]]/)
    expect(out.endsWith('.jsonl#L12')).toBe(true)
    expect(decodeURIComponent(out)).toContain('my data/"q\'s")`|<x>\n[y]')
  })
  it('drops a URL too long to be a real link', () => {
    expect(safeUrl(`https://x/${'a'.repeat(100_000)}`)).toBeNull()
  })
  it('survives a lone surrogate', () => {
    expect(safeUrl('https://x/\ud800')).toBe('https://x/%EF%BF%BD')
  })
})
