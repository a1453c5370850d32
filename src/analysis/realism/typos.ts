// Likely typos: the cheapest sign that a human typed the text. Real users misspell and drop apostrophes; text
// generators almost never do. A word counts only when it is not in the dictionary but one edit away from a word
// that is, and only plain lower-case prose words are checked, so code, names and other languages stay out.
import { englishWords } from './english-words.cjs'

/**
 * Contractions written without their apostrophe. Each is what real users type, and most are not dictionary
 * words, but "im" is under the minimum length and "cant" is one, so they are listed rather than inferred.
 * Forms that are also common words ("its", "well", "were", "ill", "hell", "lets", "wont", "id") are left out.
 */
export const APOSTROPHE_LESS_CONTRACTIONS: ReadonlySet<string> = new Set([
  'im',
  'ive',
  'dont',
  'doesnt',
  'didnt',
  'isnt',
  'arent',
  'wasnt',
  'werent',
  'hasnt',
  'havent',
  'hadnt',
  'wouldnt',
  'couldnt',
  'shouldnt',
  'mustnt',
  'cant',
  'youre',
  'youve',
  'youll',
  'youd',
  'theyre',
  'theyve',
  'theyll',
  'weve',
  'thats',
  'whats',
  'wheres',
  'theres',
  'heres',
  'whos',
  'hows'
])

/**
 * Everyday technical words and unit abbreviations the dictionary lacks, that sit one edit from a dictionary word
 * ("elif" from "elf", "json" from "son", "lbs" from "labs") and would otherwise be reported as
 * typos whenever a prompt talks about code or quantities. The units came from GSM8K's false positives.
 */
export const KNOWN_NON_DICTIONARY_WORDS: ReadonlySet<string> = new Set([
  'api',
  'apis',
  'approx',
  'args',
  'arr',
  'async',
  'bitcoin',
  'blockchain',
  'bool',
  'boolean',
  'chatbot',
  'config',
  'const',
  'covid',
  'cryptocurrency',
  'css',
  'dataset',
  'datasets',
  'dept',
  'elif',
  'emoji',
  'emojis',
  'enum',
  'etc',
  'func',
  'github',
  'hrs',
  'html',
  'iframe',
  'init',
  'inline',
  'int',
  'javascript',
  'json',
  'kgs',
  'kmh',
  'kph',
  'kwargs',
  'lbs',
  'lego',
  'legos',
  'len',
  'localhost',
  'min',
  'mins',
  'mpg',
  'mph',
  'multi',
  'npm',
  'numpy',
  'param',
  'params',
  'printf',
  'println',
  'regex',
  'secs',
  'selfie',
  'selfies',
  'sqft',
  'sql',
  'stderr',
  'stdin',
  'stdout',
  'str',
  'unicode',
  'url',
  'urls',
  'vs',
  'webpack',
  'wifi',
  'yaml'
])

/** Shorter words are too often abbreviations or variables, and every short string is one edit from a word. */
const MIN_WORD_LETTERS = 3
/**
 * Above this share of unknown words a text is in another language written in Latin letters (Spanish, French,
 * German prose leaves 60-100% of its words outside an English dictionary; English prose with typos about 20%).
 * Such a text reports no typos rather than one for every word.
 */
const MAX_UNKNOWN_WORD_SHARE = 0.5
/** The share above is only judged on at least this many words, so two typos in a short prompt still count. */
const MIN_WORDS_FOR_LANGUAGE_GUESS = 4
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz'

let dictionary: Set<string> | undefined
let longestWord = 0

/** The English word list as a set, built on first use (about 0.1 s and 20 MB; see english-words.cjs). */
export function englishDictionary(): ReadonlySet<string> {
  if (dictionary === undefined) {
    const words = englishWords()
    dictionary = new Set(words)
    for (const word of words) longestWord = Math.max(longestWord, word.length)
  }
  return dictionary
}

const FENCED_CODE = /(?:```|~~~)[\s\S]*?(?:```|~~~|$)/gu
const INLINE_CODE = /`[^`\n]*`/gu
/**
 * A line that reads as code rather than prose: indented like a markdown code block, ending in a brace or
 * semicolon, calling a function (`f(`), or using an operator prose does not use (`==`, `=>`, `&&`, `x = 1`).
 * Code pasted without fences is common in real prompts, and its keywords and variables are not typos.
 */
const CODE_LINE =
  /^(?:\t| {4})|[{};]\s*$|[\p{L}\p{N}_]\(|[=!<>]=|=>|->|&&|\|\||^\s*(?:#include|import |from \S+ import |class \w+\s*[:({])|\w\s*=\s*\S/u
/** Punctuation a prose word may carry at either end: quotes, brackets, sentence marks, emphasis. */
const EDGE_PUNCTUATION: ReadonlySet<string> = new Set('"\'“”‘’«»()[]{}<>*_,.;:!?…-')
/**
 * A plain prose word is letters, optionally joined by hyphens or apostrophes: no other character, no joiner at
 * either end, no two joiners in a row. Two searches without nested repetition rather than one pattern
 * (`^\p{L}+(?:[-'’]\p{L}+)*$`): on a chunk of some millions of non-Latin letters with no space, that pattern ran
 * out of V8's backtracking stack and the error stopped the whole check.
 */
const NOT_WORD_CHARACTER = /[^\p{L}\-'’]/u
const STRAY_JOINER = /^[-'’]|[-'’]$|[-'’]{2}/u

export function isProseWord(chunk: string): boolean {
  return chunk !== '' && !NOT_WORD_CHARACTER.test(chunk) && !STRAY_JOINER.test(chunk)
}
const POSSESSIVE = /['’]s$/u

/**
 * Words of the text that are likely typos: not in the dictionary, but one Damerau edit (delete, insert,
 * replace or swap two neighbours) from a word that is, plus contractions written without an apostrophe.
 * Fenced and inline code, code-like lines, URLs, e-mail addresses, paths, identifiers, words with digits,
 * capitalised words (likely names), words under 3 letters and non-Latin text are not checked. Returns each
 * typo once, lower-cased, in order of appearance.
 */
export function likelyTypos(text: string): string[] {
  const words = proseWords(text)
  const dict = englishDictionary()
  const typos: string[] = []
  // Each unknown word is searched once per text: the search builds some 50 strings per letter, and a text that
  // repeats an unknown word 250,000 times ("lorem ipsum ...") took seconds, not milliseconds.
  const searched = new Map<string, boolean>()
  let checked = 0
  let unknown = 0
  for (const word of words) {
    if (APOSTROPHE_LESS_CONTRACTIONS.has(word.toLowerCase()) && /^[a-zA-Z][a-z]*$/u.test(word)) {
      typos.push(word.toLowerCase())
      continue
    }
    if (!/^[a-z]+$/u.test(word) || word.length < MIN_WORD_LETTERS) continue
    checked++
    if (dict.has(word) || KNOWN_NON_DICTIONARY_WORDS.has(word)) continue
    unknown++
    let typo = searched.get(word)
    if (typo === undefined) {
      // A word longer than any dictionary word plus one cannot be one edit from it; checking costs O(length²).
      typo = word.length <= longestWord + 1 && isOneEditFromDictionary(word, dict)
      searched.set(word, typo)
    }
    if (typo) typos.push(word)
  }
  if (checked >= MIN_WORDS_FOR_LANGUAGE_GUESS && unknown > MAX_UNKNOWN_WORD_SHARE * checked) return []
  return [...new Set(typos)]
}

/**
 * The plain prose words of a text, as written (case kept), hyphenated words split into their parts and
 * possessive 's dropped. Every white-space separated chunk that is not a plain word once its edge punctuation
 * is trimmed (URLs, paths, e-mails, snake_case, x86, f(x), a.b) is dropped whole.
 */
function proseWords(text: string): string[] {
  const prose = text
    .replace(FENCED_CODE, ' ')
    .replace(INLINE_CODE, ' ')
    .split('\n')
    .filter(line => !CODE_LINE.test(line))
    .join('\n')
  const words: string[] = []
  for (const chunk of prose.split(/\s+/u)) {
    const core = trimEdges(chunk).replace(POSSESSIVE, '')
    if (!isProseWord(core)) continue
    for (const part of core.split('-')) {
      // Other apostrophes mark a contraction the writer spelt out (can't, I've): nothing to check.
      if (!/['’]/u.test(part)) words.push(part)
    }
  }
  return words
}

/** The chunk without edge punctuation; a loop, because an anchored-at-end regex is quadratic on long runs. */
function trimEdges(chunk: string): string {
  let start = 0
  let end = chunk.length
  while (start < end && EDGE_PUNCTUATION.has(chunk[start]!)) start++
  while (end > start && EDGE_PUNCTUATION.has(chunk[end - 1]!)) end--
  return chunk.slice(start, end)
}

function isOneEditFromDictionary(word: string, dict: ReadonlySet<string>): boolean {
  for (let i = 0; i < word.length; i++) {
    if (dict.has(word.slice(0, i) + word.slice(i + 1))) return true
  }
  for (let i = 0; i + 1 < word.length; i++) {
    if (dict.has(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2))) return true
  }
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i)
    const tail = word.slice(i)
    for (const letter of ALPHABET) {
      if (dict.has(head + letter + tail)) return true
      if (i < word.length && letter !== word[i] && dict.has(head + letter + tail.slice(1))) return true
    }
  }
  return false
}
