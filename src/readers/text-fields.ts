// Which text a record contributes: the input side (what a user wrote: prompt, instruction, question, user turns)
// and the output side (what the model should answer). Patterns are computed on the input side, so a shared
// system prompt is left out of both sides: it is not the user's text and would fold every row into one pattern.

import type { FieldsConfig } from '../config/types.js'

export type TextResult =
  { ok: true; input: string; output: string; layout: string } | { ok: false; reason: string }

/** How several turns or fields are joined into one side. */
const JOIN = '\n\n'

/** Field names listed in an "unrecognised layout" reason; more would bury the message. */
const MAX_FIELDS_LISTED = 10

const KNOWN_LAYOUTS =
  'messages, conversations, instruction/input/output, instruction/context/response, prompt/completion, ' +
  'prompt/response, prompt/chosen, question/answer, query/response, input/output, text'

const USER_ROLES = new Set(['user', 'human', 'prompter'])
const ASSISTANT_ROLES = new Set(['assistant', 'gpt', 'model', 'bot', 'chatgpt', 'bard', 'bing', 'ai'])

type Side = 'input' | 'output'
type Text = { ok: true; text: string } | { ok: false; reason: string }

/**
 * Characters of each side that the analysis reads; a longer text is analysed on its first this many (cut at a
 * code point boundary). A row may hold up to 32 MiB (MAX_RECORD_BYTES), and a whole check on one 30 MB row of
 * Chinese text took 18 s and 2.4 GB, of English words 5 s and 670 MB: scans, keys and features cost some tens of
 * bytes per character. A million characters is a long document, well past a prompt or an answer. The row's
 * content hash covers the whole record, so which rows are added, removed or unchanged still depends on every
 * character; the cascade, from exact inputs to patterns, sees each text's first MAX_TEXT_CHARS.
 */
export const MAX_TEXT_CHARS = 1_000_000

export function extractText(record: Record<string, unknown>, fields?: FieldsConfig): TextResult {
  const text = fullText(record, fields)
  if (!text.ok || (text.input.length <= MAX_TEXT_CHARS && text.output.length <= MAX_TEXT_CHARS)) return text
  return { ...text, input: prefix(text.input), output: prefix(text.output) }
}

/** The first MAX_TEXT_CHARS code units of a text, one fewer rather than half a surrogate pair. */
function prefix(text: string): string {
  if (text.length <= MAX_TEXT_CHARS) return text
  const last = text.charCodeAt(MAX_TEXT_CHARS - 1)
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_TEXT_CHARS - 1 : MAX_TEXT_CHARS)
}

function fullText(record: Record<string, unknown>, fields?: FieldsConfig): TextResult {
  const inputPaths = fields?.input?.filter(path => path.length > 0) ?? []
  const outputPaths = fields?.output?.filter(path => path.length > 0) ?? []
  if (inputPaths.length === 0 && outputPaths.length === 0) return detectLayout(record)

  // Configured paths win; a side without configured paths comes from the recognised layout.
  const auto = inputPaths.length === 0 || outputPaths.length === 0 ? detectLayout(record) : null
  let input: string
  if (inputPaths.length > 0) {
    const configured = inputFromPaths(record, inputPaths)
    if (!configured.ok) return configured
    input = configured.text
  } else if (auto?.ok) input = auto.input
  else return auto ?? { ok: false, reason: 'no input fields' }
  const output = outputPaths.length > 0 ? outputFromPaths(record, outputPaths) : auto?.ok ? auto.output : ''
  return { ok: true, input, output, layout: 'fields' }
}

function detectLayout(record: Record<string, unknown>): TextResult {
  const has = (name: string): boolean => Object.hasOwn(record, name) && record[name] !== undefined
  const pair = (layout: string, inputField: string, outputField: string | null): TextResult => {
    const input = inputText(record[inputField], inputField)
    if (!input.ok) return input
    const output = outputField === null ? '' : outputText(record[outputField])
    return { ok: true, input: input.text, output, layout }
  }

  if (has('messages')) return chatLayout(record.messages, 'messages', 'messages')
  if (has('conversations')) return chatLayout(record.conversations, 'conversations', 'conversations')
  if (has('instruction') && has('output')) return withContext(record, 'alpaca', 'input', 'output')
  if (has('instruction') && has('response')) return withContext(record, 'dolly', 'context', 'response')
  if (has('prompt') && has('completion')) return pair('prompt-completion', 'prompt', 'completion')
  if (has('prompt') && has('response')) return pair('prompt-response', 'prompt', 'response')
  if (has('chosen')) return preferenceLayout(record, has('prompt'))
  if (has('question') && has('answer')) return pair('question-answer', 'question', 'answer')
  if (has('query') && has('response')) return pair('query-response', 'query', 'response')
  if (has('input') && has('output')) return pair('input-output', 'input', 'output')
  if (has('text')) return pair('text', 'text', null)
  // Prompt-only sets (evaluation prompts, red-team prompts) have an input side and no output.
  for (const field of ['prompt', 'instruction', 'question']) {
    if (has(field)) return pair(`${field}-only`, field, null)
  }
  return {
    ok: false,
    reason: `none of the known layouts (${KNOWN_LAYOUTS}); fields seen: ${fieldList(record)}`
  }
}

/** Alpaca (instruction + optional input) and Dolly (instruction + optional context). */
function withContext(
  record: Record<string, unknown>,
  layout: string,
  contextField: string,
  outputField: string
): TextResult {
  const instruction = inputText(record.instruction, 'instruction')
  if (!instruction.ok) return instruction
  const context = record[contextField]
  const extra = typeof context === 'string' ? context : typeof context === 'number' ? String(context) : ''
  const input = extra.trim() === '' ? instruction.text : `${instruction.text}${JOIN}${extra}`
  return { ok: true, input, output: outputText(record[outputField]), layout }
}

function chatLayout(value: unknown, field: string, layout: string): TextResult {
  if (!Array.isArray(value))
    return { ok: false, reason: `field '${field}' is ${describe(value)}, expected a chat list` }
  const input = turnsText(value, 'input')
  if (input === '') return { ok: false, reason: `field '${field}' holds no user turn with text` }
  return { ok: true, input, output: turnsText(value, 'output'), layout }
}

/** Preference pairs: the chosen answer is the output; the prompt comes from `prompt` or from the chosen chat. */
function preferenceLayout(record: Record<string, unknown>, hasPrompt: boolean): TextResult {
  const chosen = record.chosen
  if (hasPrompt) {
    const input = inputText(record.prompt, 'prompt')
    if (!input.ok) return input
    return { ok: true, input: input.text, output: outputText(chosen), layout: 'preference' }
  }
  if (isChatList(chosen)) return chatLayout(chosen, 'chosen', 'preference')
  if (typeof chosen === 'string') {
    const turns = transcriptTurns(chosen)
    if (turns !== null) return { ok: true, input: turns.input, output: turns.output, layout: 'preference' }
  }
  return {
    ok: false,
    reason:
      "field 'chosen' holds no prompt: a preference pair needs a 'prompt' field or a chat list in 'chosen'"
  }
}

/** Splits a "\n\nHuman: … \n\nAssistant: …" transcript (Anthropic HH-RLHF) into its user and assistant text. */
function transcriptTurns(text: string): { input: string; output: string } | null {
  const marker = /(?:^|\n\n)(Human|Assistant):[ \t]?/g
  const matches = [...text.matchAll(marker)]
  if (!matches.some(match => match[1] === 'Human')) return null
  const user: string[] = []
  const assistant: string[] = []
  matches.forEach((match, i) => {
    const start = match.index + match[0].length
    const end = matches[i + 1]?.index ?? text.length
    const turn = text.slice(start, end).trim()
    if (turn !== '') (match[1] === 'Human' ? user : assistant).push(turn)
  })
  if (user.length === 0) return null
  return { input: user.join(JOIN), output: assistant.join(JOIN) }
}

function inputFromPaths(record: Record<string, unknown>, paths: string[]): Text {
  const texts: string[] = []
  let missing = 0
  for (const path of paths) {
    const value = valueAtPath(record, path)
    if (value === undefined) {
      missing++
      continue
    }
    const text = inputText(value, path)
    if (!text.ok) {
      if (paths.length === 1) return text
      continue
    }
    texts.push(text.text)
  }
  if (texts.length > 0) return { ok: true, text: texts.join(JOIN) }
  const names = paths.map(path => `'${path}'`).join(', ')
  return {
    ok: false,
    reason:
      missing === paths.length
        ? `configured input field ${names} is missing`
        : `configured input field ${names} holds no text`
  }
}

function outputFromPaths(record: Record<string, unknown>, paths: string[]): string {
  return paths
    .map(path => outputText(valueAtPath(record, path)))
    .filter(text => text !== '')
    .join(JOIN)
}

/** A dot path into a record: `meta.prompt`, `turns.0.text`. A key that itself contains dots is tried first. */
export function valueAtPath(record: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(record, path)) return record[path]
  let current: unknown = record
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined
      current = current[Number(segment)]
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment]
    } else return undefined
  }
  return current
}

/** The input side of a field: text, or the user turns of a chat list. Anything else is a reason. */
function inputText(value: unknown, field: string): Text {
  if (typeof value === 'string') {
    return value.trim() === ''
      ? { ok: false, reason: `field '${field}' is empty` }
      : { ok: true, text: value }
  }
  if (isChatList(value)) {
    const text = turnsText(value, 'input')
    return text === ''
      ? { ok: false, reason: `field '${field}' holds no user turn with text` }
      : { ok: true, text }
  }
  if (value === undefined) return { ok: false, reason: `field '${field}' is missing` }
  return { ok: false, reason: `field '${field}' is ${describe(value)}, expected text` }
}

/** The output side of a field; lenient, since patterns are not computed on it. */
function outputText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (isChatList(value)) return turnsText(value, 'output')
  if (Array.isArray(value) && value.every(item => typeof item === 'string')) return value.join(JOIN)
  return JSON.stringify(value) ?? ''
}

function isChatList(value: unknown): value is unknown[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(turn => typeof turn === 'object' && turn !== null && ('role' in turn || 'from' in turn))
  )
}

/** The text of the user turns (input) or assistant turns (output) of a chat; system and tool turns are left out. */
function turnsText(turns: unknown[], side: Side): string {
  const roles = side === 'input' ? USER_ROLES : ASSISTANT_ROLES
  const texts: string[] = []
  for (const turn of turns) {
    if (typeof turn !== 'object' || turn === null) continue
    const { role, from, content, value } = turn as Record<string, unknown>
    const speaker = typeof role === 'string' ? role : typeof from === 'string' ? from : ''
    if (!roles.has(speaker.toLowerCase())) continue
    const text = contentText(content !== undefined ? content : value)
    if (text.trim() !== '') texts.push(text)
  }
  return texts.join(JOIN)
}

/** Message content: a string, or a list of parts of which the `{type: 'text', text}` ones count. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  const parts: string[] = []
  for (const part of content) {
    if (typeof part === 'string') parts.push(part)
    else if (typeof part === 'object' && part !== null) {
      const { type, text } = part as Record<string, unknown>
      if ((type === undefined || type === 'text') && typeof text === 'string') parts.push(text)
    }
  }
  return parts.join('\n')
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

function fieldList(record: Record<string, unknown>): string {
  const names = Object.keys(record)
  if (names.length === 0) return 'none'
  const listed = names.slice(0, MAX_FIELDS_LISTED).join(', ')
  return names.length > MAX_FIELDS_LISTED ? `${listed}, … (${names.length - MAX_FIELDS_LISTED} more)` : listed
}
