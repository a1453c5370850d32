// Cheap, explainable row features whose rates differ between what people type and what generators write
// (DESIGN.md "How far the synthetic rows are from the real ones"). Every list here is a heuristic: it is meant
// to move a rate measured over thousands of rows, not to be right about any single row.
import { wordTokens } from '../text-keys.js'
import { likelyTypos } from './typos.js'
import type { FeatureName, LengthFeatureName, RateFeatureName } from './types.js'

export type RowFeatures = { [K in RateFeatureName]: boolean } & { [K in LengthFeatureName]: number }

/** Rate features in report order: the input side first, then the output side. */
export const RATE_FEATURES: readonly RateFeatureName[] = [
  'terse-input',
  'shorthand-input',
  'lowercase-start',
  'no-final-punctuation',
  'question-mark',
  'likely-typo',
  'uncertainty-output',
  'refusal-output',
  'politeness-output'
]
export const LENGTH_FEATURES: readonly LengthFeatureName[] = ['input-length', 'output-length']
export const FEATURES: readonly FeatureName[] = [...RATE_FEATURES, ...LENGTH_FEATURES]

export const FEATURE_DESCRIPTIONS: Readonly<Record<FeatureName, string>> = {
  'terse-input': 'input has 5 words or fewer',
  'shorthand-input': 'input is mostly symbols and digits (like 2+2=?)',
  'lowercase-start': 'input starts with a lower-case letter',
  'no-final-punctuation': 'input ends without final punctuation',
  'question-mark': 'input contains a question mark',
  'likely-typo': 'input has a likely typo',
  'uncertainty-output': 'output says it does not know or is not sure',
  'refusal-output': 'output refuses',
  'politeness-output': 'output shows politeness or eagerness ("Certainly!", "I\'d be happy to")',
  'input-length': 'input length in words',
  'output-length': 'output length in words'
}

/** DESIGN.md: a terse input has 5 words or fewer, the way people type into a search box or a chat. */
export const TERSE_MAX_WORDS = 5

/**
 * Shorthand is a short input written mostly in symbols and digits: below this share of its non-space
 * characters belong to words ("2+2=?", "sqrt(16)", "x^2 dx"), while "what is 2+2?" (60% word characters) is not.
 */
const SHORTHAND_MAX_WORD_SHARE = 0.5
/** Longer symbol-heavy inputs are code or data, not someone jotting down a sum. */
const SHORTHAND_MAX_CHARS = 60
/** Notation names that read as symbols in shorthand maths; single letters (variables) never count as words. */
export const MATH_NOTATION_WORDS: ReadonlySet<string> = new Set([
  'sqrt',
  'sin',
  'cos',
  'tan',
  'cot',
  'sec',
  'csc',
  'arcsin',
  'arccos',
  'arctan',
  'sinh',
  'cosh',
  'tanh',
  'log',
  'ln',
  'lg',
  'exp',
  'lim',
  'int',
  'dx',
  'dy',
  'dt',
  'mod',
  'max',
  'min',
  'abs',
  'det',
  'pi',
  'inf'
])
const MATH_SIGN = /[\p{N}+\-*/=^<>%√∫∑π≤≥≠×÷]/u

/** Final punctuation of a sentence or a lead-in (Latin and CJK); a trailing colon introduces what follows. */
const FINAL_PUNCTUATION = /[.?!…:;。？！：；]$/u
/** Closing quotes, brackets and emphasis marks that may follow the final punctuation. */
const TRAILING_CLOSERS: ReadonlySet<string> = new Set('"\'”’»)]*_')
/** Opening quotes, brackets and markdown marks that may precede the first word. */
const LEADING_OPENERS = /^["'“‘«([*_#>\s-]+/u

/**
 * Output phrases that admit not knowing. Matched on lower-cased text with straight apostrophes; the forms without
 * an apostrophe ("im", "dont") are how people write, and the realism report exists to notice people.
 */
export const UNCERTAINTY_PATTERNS: readonly RegExp[] = [
  /\bi(?: do not| don'?t|'?m not| am not) (?:know|sure|certain|aware)\b/u,
  /\bi(?:'?m| am) (?:unsure|uncertain)\b/u,
  /\bit(?:'?s| is) (?:unclear|not clear)\b/u,
  /\bi (?:can'?t|cannot|can not|couldn'?t|could not) (?:be sure|be certain|say for sure|say for certain|tell for sure)\b/u,
  /\bi have no idea\b/u,
  /\bnot (?:entirely|completely|totally|quite) sure\b/u,
  /\bi (?:don'?t|do not) have (?:enough|sufficient) information\b/u,
  /\b(?:hard|difficult|impossible) to say\b/u
]

/**
 * Output phrases that decline the request. "I cannot" and "I won't" count only before a verb of helping, so
 * "I cannot stress enough" is not a refusal.
 */
export const REFUSAL_PATTERNS: readonly RegExp[] = [
  /\bi(?: can'?t| cannot| can not| won'?t| will not|(?:'?m| am) (?:unable|not able) to) (?:help|assist|provide|answer|do|comply|fulfil|fulfill|create|generate|write|give|share|support|engage|complete|discuss|participate|offer|recommend|perform|access|browse|make)\b/u,
  /\bi(?:'?m| am) (?:sorry|afraid),? but\b/u,
  /\bas an? (?:ai|artificial intelligence|language model)\b/u,
  /\bi (?:must|have to) (?:decline|refuse)\b/u,
  /\bi(?:'?m| am) not (?:allowed|permitted|programmed) to\b/u
]

/**
 * Output phrases of politeness and eagerness, typical of assistant-tuned generators. Interjections count only
 * at the start of the output: "make sure" or "of course" mid-sentence is ordinary prose.
 */
export const POLITENESS_PATTERNS: readonly RegExp[] = [
  /^(?:certainly|of course|absolutely|sure(?: thing)?|definitely|gladly|no problem|with pleasure)\s*[!,.]/u,
  /\bi(?:'d|'ll| would| will)? be (?:happy|glad|delighted|more than happy) to\b/u,
  /\b(?:great|excellent|good|fantastic|wonderful|interesting) question\b/u,
  /\bhappy to help\b/u,
  /\bi hope (?:this|that) helps\b/u
]

/** Every feature of one row. Lengths are in words as `wordTokens` counts them (each CJK character one word). */
export function rowFeatures(input: string, output: string): RowFeatures {
  const inputWords = wordCount(input)
  const outputText = phraseText(output)
  return {
    'terse-input': inputWords > 0 && inputWords <= TERSE_MAX_WORDS,
    'shorthand-input': isShorthand(input),
    'lowercase-start': /^\p{Ll}/u.test(input.trimStart().replace(LEADING_OPENERS, '')),
    'no-final-punctuation': hasNoFinalPunctuation(input),
    'question-mark': /[?？]/u.test(input),
    'likely-typo': likelyTypos(input).length > 0,
    'uncertainty-output': UNCERTAINTY_PATTERNS.some(pattern => pattern.test(outputText)),
    'refusal-output': REFUSAL_PATTERNS.some(pattern => pattern.test(outputText)),
    'politeness-output': POLITENESS_PATTERNS.some(pattern => pattern.test(outputText)),
    'input-length': inputWords,
    'output-length': wordCount(output)
  }
}

/** Lower-cased word tokens of a text (the same tokens as distinct-n), for vocabulary statistics. */
export function vocabularyTokens(text: string): string[] {
  return wordTokens(text)
}

function wordCount(text: string): number {
  return wordTokens(text).length
}

/** Lower case, straight apostrophes, single spaces, trimmed: the form the phrase patterns are written for. */
function phraseText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘`´]/gu, "'")
    .replace(/\s+/gu, ' ')
    .trim()
}

function isShorthand(input: string): boolean {
  const chars = input.replace(/\s+/gu, '').length
  if (chars === 0 || chars > SHORTHAND_MAX_CHARS || !MATH_SIGN.test(input)) return false
  let wordChars = 0
  for (const match of input.matchAll(/\p{L}+/gu)) {
    const word = match[0]
    if (word.length >= 2 && !MATH_NOTATION_WORDS.has(word.toLowerCase())) wordChars += word.length
  }
  return wordChars < SHORTHAND_MAX_WORD_SHARE * chars
}

function hasNoFinalPunctuation(input: string): boolean {
  // A loop, not a regex anchored at the end: that is quadratic on a long run of closers followed by a letter.
  let end = input.length
  while (end > 0 && (TRAILING_CLOSERS.has(input[end - 1]!) || /\s/u.test(input[end - 1]!))) end--
  return end > 0 && !FINAL_PUNCTUATION.test(input.slice(end - 1, end))
}
