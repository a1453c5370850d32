// Levels 2-4 of the key cascade (DESIGN.md "The key cascade"). Each level folds more surface variation, so the
// unique count at each level explains how the headline pattern count was reached.

import { final53, hash53, HASH53_SEED_1, HASH53_SEED_2 } from './hash.js'

// Most dataset text is plain ASCII, which NFKC, NFD and NFC leave unchanged and which holds no marks, no
// non-ASCII digits and no non-ASCII punctuation: such text skips the Unicode passes below (same result, two to
// three times faster). A search for the first non-ASCII character (any UTF-16 unit above 0x7F) is one fast scan.
const NON_ASCII = /[\u0080-\uffff]/

export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text)
}

// Folding white space to one space: matching only what changes (a run of two or more, or a single character
// other than a space) gives the same result as replacing every run, with far fewer replacements. `\s` is the
// same set with or without the `u` flag, and white space is never outside the BMP.
const WHITE_SPACE_TO_FOLD = /\s{2,}|[^\S ]/g
const ASCII_NONZERO_DIGIT = /[1-9]/g
// In ASCII, \p{P} and \p{S} are the 32 printable characters other than letters, digits and space. Turning
// each run of them into a space and then each run of white space into one space turns each run of both kinds
// into one space; as above, a lone space is left alone.
const ASCII_CANONICAL_FOLD = /[\s!-/:-@[-`{-~]{2,}|[\t-\r!-/:-@[-`{-~]/g

/** Normalised key: NFKC, lower case, runs of white space folded to one space, trimmed. */
export function normalisedKey(text: string): string {
  return (isAscii(text) ? text : text.normalize('NFKC'))
    .toLowerCase()
    .replace(WHITE_SPACE_TO_FOLD, ' ')
    .trim()
}

/**
 * Canonical key: the normalised key with digits turned to `0`, punctuation and symbols turned to space and
 * diacritics stripped (the cc_net / datatrove deduplication normaliser). Only non-spacing marks (Mn) are
 * removed, as those tools do: spacing marks carry vowels in Indic scripts and removing them would merge words.
 */
export function canonicalKey(text: string): string {
  return canonicalKeyOfNormalised(normalisedKey(text))
}

/**
 * Writes hash53 of a text, of its normalised key and of its canonical key at `out[at]`, `out[at + 1]` and
 * `out[at + 2]`. ASCII text (most dataset text) is read once and hashed as the keys are found, with no key
 * string built: the same three numbers, about three times faster than normalising, folding and hashing each
 * string (1 µs against 3.2 µs per prompt of the benchmark's sample; the string way took about 3 s of the
 * reading thread's 12 busy seconds at 1M rows per side). Returns whether the text was ASCII; other text is
 * normalised with the string functions above.
 */
export function writeKeyHashes(text: string, out: Float64Array, at: number): boolean {
  // Three hash53 lanes pairs, fed as normalisedKey and canonicalKeyOfNormalised would build their strings: a
  // run of white space becomes one space, a run of white space and punctuation one space in the canonical
  // key, each only once a later character is kept (so both keys are trimmed), and digits 1-9 become 0 there.
  let e1 = HASH53_SEED_1
  let e2 = HASH53_SEED_2
  let n1 = HASH53_SEED_1
  let n2 = HASH53_SEED_2
  let c1 = HASH53_SEED_1
  let c2 = HASH53_SEED_2
  let normalisedStarted = false
  let normalisedSpace = false
  let canonicalStarted = false
  let canonicalSpace = false
  const length = text.length
  for (let i = 0; i < length; i++) {
    let c = charCodeAt.call(text, i)
    if (c > 0x7f) {
      const normalised = normalisedKey(text)
      out[at] = hash53(text)
      out[at + 1] = hash53(normalised)
      out[at + 2] = hash53(canonicalKeyOfNormalised(normalised))
      return false
    }
    e1 = imul(e1 ^ c, 0xcc9e2d51)
    e1 = (e1 << 13) | (e1 >>> 19)
    e2 = imul(e2 ^ c, 0x1b873593)
    e2 = (e2 << 17) | (e2 >>> 15)
    const kind = ASCII_KIND[c]!
    if (kind === WHITE_SPACE) {
      normalisedSpace = normalisedStarted
      canonicalSpace = canonicalStarted
      continue
    }
    if (normalisedSpace) {
      n1 = imul(n1 ^ SPACE, 0xcc9e2d51)
      n1 = (n1 << 13) | (n1 >>> 19)
      n2 = imul(n2 ^ SPACE, 0x1b873593)
      n2 = (n2 << 17) | (n2 >>> 15)
      normalisedSpace = false
    }
    if (kind === UPPER_CASE) c |= 0x20
    n1 = imul(n1 ^ c, 0xcc9e2d51)
    n1 = (n1 << 13) | (n1 >>> 19)
    n2 = imul(n2 ^ c, 0x1b873593)
    n2 = (n2 << 17) | (n2 >>> 15)
    normalisedStarted = true
    if (kind === PUNCTUATION) {
      canonicalSpace = canonicalStarted
      continue
    }
    if (canonicalSpace) {
      c1 = imul(c1 ^ SPACE, 0xcc9e2d51)
      c1 = (c1 << 13) | (c1 >>> 19)
      c2 = imul(c2 ^ SPACE, 0x1b873593)
      c2 = (c2 << 17) | (c2 >>> 15)
      canonicalSpace = false
    }
    if (kind === NONZERO_DIGIT) c = ZERO
    c1 = imul(c1 ^ c, 0xcc9e2d51)
    c1 = (c1 << 13) | (c1 >>> 19)
    c2 = imul(c2 ^ c, 0x1b873593)
    c2 = (c2 << 17) | (c2 >>> 15)
    canonicalStarted = true
  }
  out[at] = final53(e1, e2)
  out[at + 1] = final53(n1, n2)
  out[at + 2] = final53(c1, c2)
  return true
}
// hash53's way of reading characters (see hash.ts).
const { imul } = Math
const charCodeAt = String.prototype.charCodeAt
const SPACE = 0x20
const ZERO = 0x30
/** What each ASCII character is to the keys: white space (\s), punctuation or symbol, A-Z, 1-9, or other. */
const OTHER = 0
const WHITE_SPACE = 1
const PUNCTUATION = 2
const UPPER_CASE = 3
const NONZERO_DIGIT = 4
const ASCII_KIND = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const character = String.fromCharCode(c)
  if (/\s/.test(character)) ASCII_KIND[c] = WHITE_SPACE
  else if (/[!-/:-@[-`{-~]/.test(character)) ASCII_KIND[c] = PUNCTUATION
  else if (/[A-Z]/.test(character)) ASCII_KIND[c] = UPPER_CASE
  else if (/[1-9]/.test(character)) ASCII_KIND[c] = NONZERO_DIGIT
  else ASCII_KIND[c] = OTHER
}

/**
 * The text distinct-n counts word n-grams of: the normalised key, or an ASCII text itself, whose word tokens
 * (lower-cased by DistinctN) are those of its normalised key, as white space is never part of a token.
 */
export function distinctNText(text: string): string {
  return isAscii(text) ? text : normalisedKey(text)
}

/** The canonical key of a text from its normalised key (see canonicalKey), for callers that have both. */
export function canonicalKeyOfNormalised(normalised: string): string {
  if (isAscii(normalised)) {
    return normalised.replace(ASCII_NONZERO_DIGIT, '0').replace(ASCII_CANONICAL_FOLD, ' ').trim()
  }
  return normalised
    .normalize('NFD')
    .replace(/\p{Mn}+/gu, '')
    .normalize('NFC')
    .replace(/\p{Nd}/gu, '0')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim()
}

/** A template key and the proper nouns seen capitalised mid-sentence (lower-cased), for ProperNounEvidence. */
export interface TemplateScan {
  key: string
  names: string[]
}

export const SLOT_CODE = '<code>'
export const SLOT_URL = '<url>'
export const SLOT_EMAIL = '<email>'
export const SLOT_QUOTE = '<q>'
export const SLOT_NUMBER = '<n>'
export const SLOT_NAME = '<name>'

/** Prefix of a capitalised word at a sentence start, resolved corpus-wide by ProperNounEvidence. */
export const SENTENCE_START_MARK = '^'

// Masked spans are replaced by one private-use character each, so later passes and the tokenizer see a single
// opaque symbol. Private-use characters in the input are blanked first so they cannot pose as slots.
const PRIVATE_USE = /[\uE000-\uF8FF]/gu
const MARK_CODE = '\uE001'
const MARK_URL = '\uE002'
const MARK_EMAIL = '\uE003'
const MARK_QUOTE = '\uE004'
const MARK_NUMBER = '\uE005'
const SLOT_OF_MARK: Record<string, string> = {
  [MARK_CODE]: SLOT_CODE,
  [MARK_URL]: SLOT_URL,
  [MARK_EMAIL]: SLOT_EMAIL,
  [MARK_QUOTE]: SLOT_QUOTE,
  [MARK_NUMBER]: SLOT_NUMBER
}

// Han, Hiragana and Katakana are written without spaces between words. Each character is one token: without a
// dictionary a run cannot be segmented, and a whole run as one token would make every Chinese or Japanese
// sentence a single token, so near-duplicates could never share shingles. Hangul is written with spaces and
// stays in word tokens. Thai, Lao, Khmer and Myanmar (also unspaced) stay as runs: a known limitation.
const CJK = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}`
const WORD_CHAR = String.raw`(?:(?![${CJK}])[\p{L}\p{N}\p{M}])`
const WORD = String.raw`${WORD_CHAR}+(?:['’]${WORD_CHAR}+)*`

const FENCED_CODE = /```[\s\S]*?(?:```|$)/gu
const INLINE_CODE = /`[^`\n]+`/gu
// A URL ends before trailing sentence punctuation (maskUrls gives it back): `see https://x.org.` ends a sentence.
const URL_PATTERN = /\b(?:(?:https?|ftp|file):\/\/|www\.)[^\s<>"'`\uE000-\uE0FF]+/giu
const URL_TRAILING_PUNCTUATION = /[.,;:!?)\]}'"’”]+$/u
// Bounded local part and labels (RFC 5321 limits) keep the backtracking linear on long runs of dots.
const EMAIL_PATTERN =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63})+(?![\p{L}\p{N}-])/gu

// Double quotes and the paired typographic quotes cannot be apostrophes, so any pair is a quoted span. Each
// body stops at the next opening mark too, which keeps a text full of unmatched marks linear to scan.
// Single quotes double as apostrophes, so a single-quoted span must open after white space or an opening
// bracket and close where no letter or digit follows; an apostrophe inside a word (can't) may occur in it.
// Single-quoted spans stay on one line and are bounded in length, so unmatched openers cannot go quadratic.
const MAX_SINGLE_QUOTED_CHARS = 300
const QUOTED_SPAN = new RegExp(
  [
    String.raw`"[^"]*"`,
    String.raw`“[^“”]*”`,
    String.raw`„[^„“”]*[“”]`,
    String.raw`«[^«»]*»`,
    String.raw`‹[^‹›]*›`,
    String.raw`「[^「」]*」`,
    String.raw`『[^『』]*』`,
    String.raw`(?<=^|[\s(\[{])'(?=[^\s'])(?:[^'\n]|'(?=\p{L})){1,${MAX_SINGLE_QUOTED_CHARS}}?'(?![\p{L}\p{N}])`,
    String.raw`(?<=^|[\s(\[{])‘(?=[^\s‘’])(?:[^‘’\n]|’(?=\p{L})){1,${MAX_SINGLE_QUOTED_CHARS}}?’(?![\p{L}\p{N}])`
  ].join('|'),
  'gu'
)

// Numbers of every written form: $5, -3, 1,000.5, 1/2, 10:30, 2.5e3, 50%, 3rd, 5€. A sign belongs to the
// number only when it does not follow a digit or a word (so `5-3` keeps its operator). Digits glued to
// letters (mp3, x86, h2o) are part of a word and stay; digits next to CJK characters are numbers.
const NUMBER_PATTERN = new RegExp(
  String.raw`(?<!${WORD_CHAR}|_)` +
    String.raw`(?:[-+](?=\p{Sc}?\p{Nd}))?\p{Sc}?` +
    String.raw`(?:\p{Nd}+(?:[.,:/]\p{Nd}+)*|\.\p{Nd}+)` +
    String.raw`(?:[eE][-+]?\p{Nd}+)?` +
    String.raw`(?:[%‰]|\p{Sc}|(?:[sS][tT]|[nN][dD]|[rR][dD]|[tT][hH])(?!\p{L}))?`,
  'gu'
)

// Scale words also count in the plural: "hundreds of" is as much a number slot as "a hundred".
/** The number words after which `and` continues a number (`hundred and five`). */
const SCALE_WORDS = ['hundred', 'thousand', 'million', 'billion']
const NUMBER_WORDS = [
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen',
  'seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety',
  'hundreds? thousands? millions? billions? half twice double triple dozens?',
  'first second third fourth fifth sixth seventh eighth ninth tenth'
]
  .join(' ')
  .split(' ')
  .join('|')
// A hyphenated compound (twenty-five, one-third) or "hundred and five" is one number, like 25 or 1/3.
const NUMBER_WORD_PATTERN = new RegExp(
  String.raw`(?<![\p{L}\p{N}\p{M}'’])(?:${NUMBER_WORDS})` +
    String.raw`(?:(?:-|(?<=${SCALE_WORDS.join('|')})\s+and\s+)(?:${NUMBER_WORDS}))*` +
    String.raw`(?![\p{L}\p{N}\p{M}'’])`,
  'giu'
)

// One token per match: a slot sentinel, a sentence boundary, an operator, a CJK character or a word.
// Everything else (other punctuation and symbols, white space) is dropped. A Latin full stop, colon or mark
// ends a sentence only before white space, a closing mark or the end: `Node.js` and `e.g.Foo` do not.
const SENTENCE_END = String.raw`[.!?:](?=$|[\s"'”’»)\]])|[\n\r\u2028\u2029。！？؟।]`
const TOKEN_PATTERN = new RegExp(
  String.raw`([\uE001-\uE005])|(${SENTENCE_END})|([-+*/=^<>])|([${CJK}])|(${WORD})`,
  'gu'
)
// Text of ASCII characters and slot sentinels only (most prompts once masked) is tokenised by scanAsciiTokens,
// a character loop that finds the same tokens as TOKEN_PATTERN without building a match per token.
const NOT_ASCII_OR_SENTINEL = /[\u0080-\ue000\ue006-\uffff]/

// Symbols that mean an operator but are not written in ASCII: 5 × 3 is 5 * 3. Without this, `×` would be
// dropped as a symbol and the two numbers would fold into one slot.
const OPERATOR_LOOKALIKES: Record<string, string> = { '×': '*', '÷': '/', '−': '-', '⁄': '/' }
const OPERATOR_LOOKALIKE_PATTERN = /[×÷−⁄]/gu

/**
 * The template key of a text (cascade level 4, DESIGN.md): slots masked on the NFKC text before lower-casing,
 * then word tokens, slot tokens and the operators `+ - * / = ^ < >`, joined with single spaces. A capitalised
 * word at a sentence start is written `^word` and must be resolved with ProperNounEvidence.resolveKey.
 * Consecutive equal slots fold into one (`5 million`, `John Smith`, `3, 4, 5`), so a slot's length in words
 * does not split a template. A text that is one quotation or one code block is scanned as free text.
 */
export function templateScan(text: string): TemplateScan {
  // ASCII text has no compatibility forms, private-use characters or operator look-alikes. Each masking pass
  // below runs only when the character its pattern cannot match without is present: the same result, without
  // scanning every prompt with every pattern.
  let prepared = text
  const ascii = isAscii(prepared)
  if (!ascii) {
    prepared = prepared
      .normalize('NFKC')
      .replace(PRIVATE_USE, ' ')
      .replace(OPERATOR_LOOKALIKE_PATTERN, c => OPERATOR_LOOKALIKES[c] ?? c)
  }
  if (prepared.includes('`')) {
    prepared = maskWholeTextAware(prepared, FENCED_CODE, MARK_CODE)
    prepared = maskWholeTextAware(prepared, INLINE_CODE, MARK_QUOTE)
  }
  if (prepared.includes('://') || MAY_HOLD_WWW.test(prepared)) prepared = maskUrls(prepared)
  if (prepared.includes('@')) prepared = prepared.replace(EMAIL_PATTERN, MARK_EMAIL)
  if (ascii ? mayOpenAsciiQuote(prepared) : MAY_OPEN_QUOTE.test(prepared)) {
    prepared = maskWholeTextAware(prepared, QUOTED_SPAN, MARK_QUOTE)
  }
  // The ASCII scanner finds numbers and number words itself, as it meets them: the same spans NUMBER_PATTERN
  // and NUMBER_WORD_PATTERN mask, without running those patterns (a lookbehind at every position) over every
  // prompt. Masking adds only slot marks, so the text is ASCII and marks after it exactly when it is before.
  if (!NOT_ASCII_OR_SENTINEL.test(prepared)) return scanAsciiTokens(prepared)
  if (MAY_HOLD_DIGIT.test(prepared)) prepared = prepared.replace(NUMBER_PATTERN, MARK_NUMBER)
  return scanTokens(prepared.replace(NUMBER_WORD_PATTERN, MARK_NUMBER))
}
// What each pattern cannot match without: a URL has `://` or `www.` (in any case), a quoted span opens with one
// of its marks (a single quote only after the start, white space or an opening bracket, as QUOTED_SPAN asks:
// an apostrophe inside a word opens nothing), a number has a decimal digit.
const MAY_HOLD_WWW = /www\./i
const MAY_OPEN_QUOTE = /["“„«‹「『]|(?<=^|[\s([{])['‘]/u

/**
 * MAY_OPEN_QUOTE.test for a text that was ASCII before masking (only slot marks added since, none of them a
 * quote or a space): a search for `"`, then a look at what precedes each `'`. The pattern's lookbehind at every
 * position took 479 ms of the main thread over the 1M-row benchmark's prompts; this took 37 ms (CPU profiles).
 */
export function mayOpenAsciiQuote(text: string): boolean {
  if (text.includes('"')) return true
  for (let i = text.indexOf("'"); i !== -1; i = text.indexOf("'", i + 1)) {
    if (i === 0) return true
    const before = text.charCodeAt(i - 1)
    // White space as \s has it in ASCII (tab, line feed, vertical tab, form feed, carriage return, space), or an
    // opening bracket.
    if (
      before === 0x20 ||
      (before >= 0x09 && before <= 0x0d) ||
      before === 0x28 ||
      before === 0x5b ||
      before === 0x7b
    )
      return true
  }
  return false
}
const MAY_HOLD_DIGIT = /\p{Nd}/u

/**
 * Masks every match with a slot, except a match that is the whole text: a prompt that is one quotation or one
 * code block is free text, and masking it would fold every such prompt into the same single-slot key.
 */
function maskWholeTextAware(text: string, pattern: RegExp, slot: string): string {
  const start = text.length - text.trimStart().length
  const end = text.trimEnd().length
  return text.replace(pattern, (match: string, ...rest: unknown[]) => {
    const offset = rest.find(value => typeof value === 'number') as number
    if (offset === start && offset + match.length === end) return ` ${stripEnclosingMarks(match)} `
    return slot
  })
}

function stripEnclosingMarks(match: string): string {
  if (match.startsWith('```')) return match.replace(/^```[^\n]*\n?/u, '').replace(/```$/u, '')
  return match.slice(1, -1)
}

function maskUrls(text: string): string {
  return text.replace(URL_PATTERN, (match: string) => {
    const trailing = URL_TRAILING_PUNCTUATION.exec(match)?.[0] ?? ''
    return MARK_URL + trailing
  })
}

function scanTokens(prepared: string): TemplateScan {
  const scan = new TokenScan()
  for (const match of prepared.matchAll(TOKEN_PATTERN)) {
    const [, sentinel, boundary, operator, cjk, word] = match
    if (sentinel !== undefined) scan.slot(sentinel)
    else if (boundary !== undefined) scan.atSentenceStart = true
    else if (operator !== undefined) scan.tokens.push(operator)
    else if (cjk !== undefined) scan.cjk(cjk)
    else if (word !== undefined) scan.word(word)
  }
  return scan.result()
}

/**
 * The tokens of TOKEN_PATTERN in text of ASCII characters and slot sentinels only, after NUMBER_PATTERN and
 * NUMBER_WORD_PATTERN, found in one pass over the text before them. There a word is ASCII letters and digits
 * joined by single apostrophes (the only ASCII characters in \p{L}, \p{N} and \p{M}), no CJK character
 * occurs, and a sentence ends at a line break, or at . ! ? : before white space, a closing quote or bracket, or
 * the end. A number (asciiNumberEnd) becomes a number slot where NUMBER_PATTERN would match: not after a letter,
 * digit or `_` of the text. A word therefore never runs on over an apostrophe into a digit, which starts a
 * number there. A number word, or a compound of them (twenty-five, hundred and five), becomes one number slot,
 * as NUMBER_WORD_PATTERN would have masked it.
 */
function scanAsciiTokens(prepared: string): TemplateScan {
  const scan = new TokenScan()
  const length = prepared.length
  // Lower-cased once for the whole text (the same length: ASCII and the sentinels have no case), so a word's
  // token is one slice of it rather than a slice and its lower-case copy.
  const lower = prepared.toLowerCase()
  for (let i = 0; i < length;) {
    const c = prepared.charCodeAt(i)
    if (MAY_START_NUMBER[c] === 1) {
      const before = prepared.charCodeAt(i - 1)
      const end = isAsciiWordChar(before) || before === UNDERSCORE ? i : asciiNumberEnd(prepared, i)
      if (end > i) {
        scan.slot(MARK_NUMBER)
        i = end
        continue
      }
    }
    if (isAsciiWordChar(c)) {
      let end = i + 1
      for (;;) {
        while (end < length && isAsciiWordChar(prepared.charCodeAt(end))) end++
        if (prepared.charCodeAt(end) !== APOSTROPHE || !isAsciiLetter(prepared.charCodeAt(end + 1))) break
        end += 2
      }
      // NUMBER_WORD_PATTERN's lookbehind and lookahead: no apostrophe just before or after (a letter or digit
      // before is a number's, masked by then, and one after would belong to the token).
      if (prepared.charCodeAt(i - 1) !== APOSTROPHE && isNumberWordAt(prepared, i, end)) {
        scan.slot(MARK_NUMBER)
        i = numberWordsEnd(prepared, i, end)
      } else {
        scan.asciiWord(prepared, lower, i, end)
        i = end
      }
      continue
    }
    if (c >= FIRST_MARK && c <= LAST_MARK) scan.slot(prepared.charAt(i))
    else if (c === LINE_FEED || c === CARRIAGE_RETURN) scan.atSentenceStart = true
    else if (c === FULL_STOP || c === EXCLAMATION || c === QUESTION || c === COLON) {
      if (i + 1 === length || CLOSES_SENTENCE.has(prepared.charCodeAt(i + 1))) scan.atSentenceStart = true
    } else if (OPERATOR_CODES.has(c)) scan.tokens.push(prepared.charAt(i))
    i++
  }
  return scan.result()
}

/**
 * Where NUMBER_PATTERN's match at `start` ends in ASCII text (`start` itself when it does not match there), its
 * lookbehind aside: an optional sign before `$`? and a digit, an optional `$`, digits in groups joined by one of
 * . , : / (or a decimal point and digits), an optional exponent, and an optional `%`, `$` or ordinal suffix
 * (st, nd, rd, th in any case) not followed by a letter. Every part after the digits is optional, so the
 * pattern never backtracks into them and the longest reading is its match.
 */
function asciiNumberEnd(text: string, start: number): number {
  let at = start
  let c = text.charCodeAt(at)
  if (c === HYPHEN || c === PLUS) {
    const next = text.charCodeAt(at + 1) === DOLLAR ? at + 2 : at + 1
    if (!isDigit(text.charCodeAt(next))) return start
    c = text.charCodeAt(++at)
  }
  if (c === DOLLAR) c = text.charCodeAt(++at)
  if (isDigit(c)) {
    at = afterDigits(text, at)
    for (;;) {
      const separator = text.charCodeAt(at)
      const grouped =
        separator === FULL_STOP || separator === COMMA || separator === COLON || separator === SLASH
      if (!grouped || !isDigit(text.charCodeAt(at + 1))) break
      at = afterDigits(text, at + 1)
    }
  } else if (c === FULL_STOP && isDigit(text.charCodeAt(at + 1))) {
    at = afterDigits(text, at + 1)
  } else {
    return start
  }
  if ((text.charCodeAt(at) | LOWER_CASE_BIT) === LOWER_E) {
    const sign = text.charCodeAt(at + 1)
    const digits = sign === HYPHEN || sign === PLUS ? at + 2 : at + 1
    if (isDigit(text.charCodeAt(digits))) at = afterDigits(text, digits)
  }
  const suffix = text.charCodeAt(at)
  if (suffix === PERCENT || suffix === DOLLAR) return at + 1
  if (ORDINAL_SUFFIXES.has(((suffix | LOWER_CASE_BIT) << 8) | (text.charCodeAt(at + 1) | LOWER_CASE_BIT))) {
    if (isAsciiLetter(text.charCodeAt(at + 1)) && !isAsciiLetter(text.charCodeAt(at + 2))) return at + 2
  }
  return at
}

function afterDigits(text: string, at: number): number {
  while (isDigit(text.charCodeAt(at))) at++
  return at
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)
}

/** Characters a number can start with: a sign, `$`, a decimal point or a digit. */
const MAY_START_NUMBER = new Uint8Array(128)
for (const c of '+-$.0123456789') MAY_START_NUMBER[c.charCodeAt(0)] = 1
/** The ordinal suffixes, lower-cased, as (first << 8) | second character code. */
const ORDINAL_SUFFIXES = new Set(['st', 'nd', 'rd', 'th'].map(s => (s.charCodeAt(0) << 8) | s.charCodeAt(1)))
const UNDERSCORE = 0x5f
const PLUS = 0x2b
const DOLLAR = 0x24
const PERCENT = 0x25
const COMMA = 0x2c
const SLASH = 0x2f
const LOWER_E = 0x65

/**
 * The number words of NUMBER_WORD_PATTERN by length and first letter: a token is looked up without building
 * its lower-case copy, and most words are turned away by their shape alone.
 */
const NUMBER_WORDS_BY_SHAPE = new Map<number, string[]>()
const LOWER_CASE_BIT = 0x20
for (const pattern of NUMBER_WORDS.split('|')) {
  for (const word of pattern.endsWith('s?') ? [pattern.slice(0, -2), pattern.slice(0, -1)] : [pattern]) {
    const shape = shapeOf(word.length, word.charCodeAt(0))
    NUMBER_WORDS_BY_SHAPE.set(shape, [...(NUMBER_WORDS_BY_SHAPE.get(shape) ?? []), word])
  }
}

function shapeOf(length: number, firstCode: number): number {
  return length * 128 + (firstCode | LOWER_CASE_BIT)
}

/** Whether `text.slice(start, end)` is a number word in any case (ASCII: setting 0x20 lower-cases a letter). */
function isNumberWordRange(text: string, start: number, end: number): boolean {
  const candidates = NUMBER_WORDS_BY_SHAPE.get(shapeOf(end - start, text.charCodeAt(start)))
  if (candidates === undefined) return false
  next: for (const word of candidates) {
    for (let k = 1; k < word.length; k++) {
      if ((text.charCodeAt(start + k) | LOWER_CASE_BIT) !== word.charCodeAt(k)) continue next
    }
    return true
  }
  return false
}

/** ASCII white space, as \s matches it there. */
const WHITE_SPACE_CODES = new Set([...' \t\n\v\f\r'].map(c => c.charCodeAt(0)))

/** Whether the whole token `text.slice(start, end)` is a number word that NUMBER_WORD_PATTERN may end on. */
function isNumberWordAt(text: string, start: number, end: number): boolean {
  return text.charCodeAt(end) !== APOSTROPHE && isNumberWordRange(text, start, end)
}

/**
 * Where a run of number words that starts with the one at `start` to `end` ends: NUMBER_WORD_PATTERN's
 * repeat, a hyphen or `\s+and\s+` after a scale word, then a whole number word not followed by an apostrophe.
 */
function numberWordsEnd(text: string, start: number, end: number): number {
  for (;;) {
    let next = end
    if (text.charCodeAt(next) === HYPHEN) next++
    else if (SCALE_WORDS.includes(text.slice(start, end).toLowerCase())) {
      next = afterWhiteSpace(text, next)
      if (next === end || text.slice(next, next + 3).toLowerCase() !== 'and') return end
      const afterAnd = afterWhiteSpace(text, next + 3)
      if (afterAnd === next + 3) return end
      next = afterAnd
    } else return end
    let wordEnd = next
    while (wordEnd < text.length && isAsciiWordChar(text.charCodeAt(wordEnd))) wordEnd++
    if (wordEnd === next || !isNumberWordAt(text, next, wordEnd)) return end
    start = next
    end = wordEnd
  }
}

function afterWhiteSpace(text: string, at: number): number {
  while (WHITE_SPACE_CODES.has(text.charCodeAt(at))) at++
  return at
}

const HYPHEN = 0x2d
const FIRST_MARK = MARK_CODE.charCodeAt(0)
const LAST_MARK = MARK_NUMBER.charCodeAt(0)
const LINE_FEED = 0x0a
const CARRIAGE_RETURN = 0x0d
const FULL_STOP = 0x2e
const EXCLAMATION = 0x21
const QUESTION = 0x3f
const COLON = 0x3a
/** ASCII white space (\s), quotes and closing brackets: after one of these, . ! ? : end a sentence. */
const CLOSES_SENTENCE = new Set([...'\t\n\v\f\r "\')]'].map(c => c.charCodeAt(0)))
const OPERATOR_CODES = new Set([...'-+*/=^<>'].map(c => c.charCodeAt(0)))

function isAsciiWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
}

/** The tokens and names of one template scan as they are found. */
class TokenScan {
  readonly tokens: string[] = []
  readonly names: string[] = []
  atSentenceStart = true

  slot(sentinel: string): void {
    pushFolded(this.tokens, SLOT_OF_MARK[sentinel] ?? SLOT_QUOTE)
    this.atSentenceStart = false
  }

  cjk(character: string): void {
    this.tokens.push(character)
    this.atSentenceStart = false
  }

  // Operators and sentence ends are handled by the callers: an operator leaves the sentence start alone, so a
  // bullet (`- Alice went`) still starts a sentence.

  word(word: string): void {
    const lower = word.includes('’') ? word.toLowerCase().replace(/’/gu, "'") : word.toLowerCase()
    this.lowerWord(lower, isCapitalised(word))
  }

  /**
   * word(text.slice(start, end)) for an ASCII word, with `lower` the lower-cased text: what isCapitalised asks
   * of the word is read from its character codes.
   */
  asciiWord(text: string, lower: string, start: number, end: number): void {
    this.lowerWord(lower.slice(start, end), isCapitalisedAscii(text, start, end))
  }

  /** A word, lower-cased: a plain word, a sentence-start `^word`, or a name. */
  private lowerWord(lower: string, capitalised: boolean): void {
    if (!capitalised) {
      this.tokens.push(lower)
    } else if (this.atSentenceStart) {
      this.tokens.push(SENTENCE_START_MARK + lower)
    } else {
      pushFolded(this.tokens, SLOT_NAME)
      this.names.push(nameStem(lower))
    }
    this.atSentenceStart = false
  }

  result(): TemplateScan {
    return { key: this.tokens.join(' '), names: this.names }
  }
}

/** Appends a token, folding a slot into an identical slot just before it. */
export function pushFolded(tokens: string[], token: string): void {
  if (isSlot(token) && tokens[tokens.length - 1] === token) return
  tokens.push(token)
}

export function isSlot(token: string): boolean {
  return token.length > 2 && token.startsWith('<') && token.endsWith('>')
}

/**
 * Whether the token `key.slice(start, end)` of a template key is a word: not empty, not a slot (`<...>`, more
 * than two characters, as isSlot) and not an operator. Read in place, with no token string built.
 */
export function isWordTokenAt(key: string, start: number, end: number): boolean {
  const length = end - start
  if (length === 0) return false
  const first = key.charCodeAt(start)
  if (length === 1) return !OPERATOR_CODES.has(first)
  return !(length > 2 && first === LESS_THAN && key.charCodeAt(end - 1) === GREATER_THAN)
}
const LESS_THAN = 0x3c
const GREATER_THAN = 0x3e

/**
 * A word that can be a proper noun: starts with an upper-case letter and is not all capitals. Words in
 * capitals (NASA, JSON, or shouting) are kept as words, and so is the pronoun I, which English always
 * capitalises.
 */
function isCapitalised(word: string): boolean {
  // The only ASCII characters in \p{Lu} or \p{Lt} are A to Z; most words start with something else.
  const first = word.charCodeAt(0)
  if (first < 0x80 && (first < 0x41 || first > 0x5a)) return false
  if (!STARTS_UPPER_CASE.test(word)) return false
  const letters = word.replace(NOT_A_LETTER, '')
  if (letters.length >= 2 && letters === letters.toUpperCase()) return false
  return !PRONOUN_I.test(word)
}
/** isCapitalised for an ASCII word `text.slice(start, end)` (letters, digits and apostrophes). */
function isCapitalisedAscii(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start)
  if (first < 0x41 || first > 0x5a) return false
  // The pronoun I, alone or before an apostrophe (I'm, I'd).
  if (first === CAPITAL_I && (end === start + 1 || text.charCodeAt(start + 1) === APOSTROPHE)) return false
  let letters = 0
  let lowerCase = false
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0x61 && c <= 0x7a) {
      letters++
      lowerCase = true
    } else if (c >= 0x41 && c <= 0x5a) letters++
  }
  // Words in capitals (NASA, JSON) stay words.
  return letters < 2 || lowerCase
}
const CAPITAL_I = 0x49
const STARTS_UPPER_CASE = /^[\p{Lu}\p{Lt}]/u
const NOT_A_LETTER = /[^\p{L}]/gu
const PRONOUN_I = /^I(?:$|['’])/u

/** The evidence key of a word: without a possessive `'s`, so "Alice's" counts as a use of "Alice". */
export function nameStem(lowerWord: string): string {
  // Called for every word of every key: two character tests instead of a regular expression (/'s?$/).
  const end = lowerWord.length
  if (lowerWord.charCodeAt(end - 1) === APOSTROPHE) return lowerWord.slice(0, end - 1)
  if (lowerWord.charCodeAt(end - 1) === LOWER_S && lowerWord.charCodeAt(end - 2) === APOSTROPHE) {
    return lowerWord.slice(0, end - 2)
  }
  return lowerWord
}
const APOSTROPHE = 0x27
const LOWER_S = 0x73

const WORD_TOKEN_PATTERN = new RegExp(String.raw`[${CJK}]|${WORD}`, 'gu')

const ASCII_LOWER_WORD_PATTERN = /[a-z0-9]+(?:'[a-z0-9]+)*/g

/** Lower-cased word tokens (CJK characters one each), for n-gram statistics over raw text. */
export function wordTokens(text: string): string[] {
  // In ASCII text NFKC changes nothing and words are ASCII letters and digits; lower-casing first does not move
  // a token boundary, so one match call returns the tokens.
  if (isAscii(text)) return text.toLowerCase().match(ASCII_LOWER_WORD_PATTERN) ?? []
  const tokens: string[] = []
  for (const match of text.normalize('NFKC').matchAll(WORD_TOKEN_PATTERN)) {
    tokens.push(match[0].toLowerCase().replace(/’/gu, "'"))
  }
  return tokens
}
