import { hash53, hash53OfSlice } from './hash.js'
import { Hash53Counter } from './hash-table.js'
import { SENTENCE_START_MARK, SLOT_NAME, isWordTokenAt, nameStem, pushFolded } from './text-keys.js'

/**
 * Below this share of lower-case uses a word seen capitalised mid-sentence is a proper noun. English writes
 * "Alice" capitalised every time, while a common word ("then", "apple") turns up capitalised mid-sentence only
 * in titles or by mistake, and is written in lower case far more often than 1 in 10.
 */
const MAX_LOWER_CASE_SHARE = 0.1

/**
 * Corpus-wide evidence for a capitalised word at a sentence start: a proper noun or an ordinary word that
 * happens to open a sentence? Observe every row's scan first, then resolve the keys. Words are counted by their
 * hash53, so memory grows with the vocabulary, not with the rows.
 */
export class ProperNounEvidence {
  private readonly lowerCaseUses = new Hash53Counter()
  private readonly capitalisedUses = new Hash53Counter()

  /** Counts one canonical text's key and the names its scan saw (a TemplateScan's `key` and `names`). */
  observe(key: string, names: readonly string[]): void {
    this.observeKey(key)
    for (const name of names) this.observeName(nameHash(name))
  }

  /** Counts the plain words of a key `times` times: once for each canonical text that has the key. */
  observeKey(key: string, times = 1): void {
    // Each plain word of the key (the tokens between single spaces), hashed as hash53(nameStem(word)) from
    // its place in the key: no token array and no token strings for every row's key.
    const length = key.length
    for (let start = 0; start < length;) {
      let end = key.indexOf(' ', start)
      if (end === -1) end = length
      if (isPlainWordAt(key, start, end))
        this.lowerCaseUses.increment(hash53OfSlice(key, start, stemEnd(key, start, end)), times)
      start = end + 1
    }
  }

  /** Counts one use of a name capitalised mid-sentence, given as its nameHash. */
  observeName(hash: number): void {
    this.capitalisedUses.increment(hash)
  }

  /** The key with each `^word` replaced by `<name>` when the evidence says proper noun, else by the word. */
  resolveKey(key: string): string {
    if (!key.includes(SENTENCE_START_MARK)) return key
    // Usually no sentence-start word is a name: then only the marks go, and no slot can come to fold. A `^word`
    // is a token (between single spaces) that starts with the mark and has more after it; the tokens are read
    // as ranges of the key, without a pattern (its matches took 0.27 s of the main thread at 1M rows).
    let names = false
    for (let start = 0; start < key.length && !names;) {
      let end = key.indexOf(' ', start)
      if (end === -1) end = key.length
      names = isMarkedWordAt(key, start, end) && this.isProperNoun(key.slice(start + 1, end))
      start = end + 1
    }
    if (!names) return withoutMarks(key)
    const tokens: string[] = []
    for (const token of key.split(' ')) {
      if (isMarkedWordAt(token, 0, token.length)) {
        const word = token.slice(1)
        pushFolded(tokens, this.isProperNoun(word) ? SLOT_NAME : word)
      } else {
        pushFolded(tokens, token)
      }
    }
    return tokens.join(' ')
  }

  private isProperNoun(word: string): boolean {
    const id = nameHash(nameStem(word))
    const capitalised = this.capitalisedUses.get(id)
    if (capitalised === 0) return false
    const lowerCase = this.lowerCaseUses.get(id)
    return lowerCase < MAX_LOWER_CASE_SHARE * (lowerCase + capitalised)
  }
}

/** How the evidence knows a name (a TemplateScan's `names` entry): its hash53, so names are kept as numbers. */
export function nameHash(name: string): number {
  return hash53(name)
}

/**
 * Whether the token key[start, end) is a `^word`: SENTENCE_START_MARK (one character) with more after it. The
 * operator `^` is a token of its own, followed by a space or the end.
 */
function isMarkedWordAt(key: string, start: number, end: number): boolean {
  return end - start > 1 && key.charCodeAt(start) === SENTENCE_START
}

/** The key with the mark of each `^word` token dropped (the key itself when it has none). */
function withoutMarks(key: string): string {
  let out = ''
  let from = 0
  for (let start = 0; start < key.length;) {
    let end = key.indexOf(' ', start)
    if (end === -1) end = key.length
    if (isMarkedWordAt(key, start, end)) {
      out += key.slice(from, start)
      from = start + 1
    }
    start = end + 1
  }
  return from === 0 ? key : out + key.slice(from)
}

/** A plain word of a template key (isWordTokenAt) that is not a sentence-start `^word`. */
function isPlainWordAt(key: string, start: number, end: number): boolean {
  return isWordTokenAt(key, start, end) && key.charCodeAt(start) !== SENTENCE_START
}

/** Where nameStem of `key.slice(start, end)` ends: before a final `'` or `'s`. */
function stemEnd(key: string, start: number, end: number): number {
  if (key.charCodeAt(end - 1) === APOSTROPHE) return end - 1
  if (end - 2 >= start && key.charCodeAt(end - 1) === LOWER_S && key.charCodeAt(end - 2) === APOSTROPHE) {
    return end - 2
  }
  return end
}

const SENTENCE_START = SENTENCE_START_MARK.charCodeAt(0)
const APOSTROPHE = 0x27
const LOWER_S = 0x73
