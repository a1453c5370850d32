import { describe, expect, it } from '@jest/globals'
import { extractText, MAX_TEXT_CHARS, valueAtPath } from '../src/readers/text-fields.js'

describe('extractText without configured fields', () => {
  it('takes the user turns of an OpenAI chat as input and leaves the system turn out', () => {
    const result = extractText({
      messages: [
        { role: 'system', content: 'You are a helpful assistant. Always answer in English.' },
        { role: 'user', content: 'What is the boiling point of water?' },
        { role: 'assistant', content: '100 °C at sea level.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'And on Everest?' },
            { type: 'image_url', image_url: {} }
          ]
        },
        { role: 'assistant', content: [{ type: 'text', text: 'About 70 °C.' }] }
      ]
    })
    expect(result).toEqual({
      ok: true,
      layout: 'messages',
      input: 'What is the boiling point of water?\n\nAnd on Everest?',
      output: '100 °C at sea level.\n\nAbout 70 °C.'
    })
  })

  it('reads ShareGPT conversations by speaker', () => {
    const result = extractText({
      id: 'sharegpt_42',
      conversations: [
        { from: 'system', value: 'You are a pirate.' },
        { from: 'human', value: 'Tell me about the sea.' },
        { from: 'gpt', value: 'Arr, the sea be vast!' },
        { from: 'user', value: 'And ships?' },
        { from: 'assistant', value: 'Fine vessels.' }
      ]
    })
    expect(result).toEqual({
      ok: true,
      layout: 'conversations',
      input: 'Tell me about the sea.\n\nAnd ships?',
      output: 'Arr, the sea be vast!\n\nFine vessels.'
    })
  })

  it('joins an Alpaca instruction with its input after a blank line, only when the input is non-empty', () => {
    expect(
      extractText({ instruction: 'Translate to French.', input: 'Good morning', output: 'Bonjour' })
    ).toEqual({
      ok: true,
      layout: 'alpaca',
      input: 'Translate to French.\n\nGood morning',
      output: 'Bonjour'
    })
    expect(extractText({ instruction: 'Name a colour.', input: '', output: 'Blue' })).toEqual({
      ok: true,
      layout: 'alpaca',
      input: 'Name a colour.',
      output: 'Blue'
    })
  })

  it('joins a Dolly instruction with its context', () => {
    const record = {
      instruction: 'When did Virgin Australia start operating?',
      context: 'Virgin Australia commenced services on 31 August 2000.',
      response: 'On 31 August 2000.',
      category: 'closed_qa'
    }
    expect(extractText(record)).toEqual({
      ok: true,
      layout: 'dolly',
      input: `${record.instruction}\n\n${record.context}`,
      output: 'On 31 August 2000.'
    })
  })

  it('recognises the two-field layouts', () => {
    const cases: [Record<string, unknown>, string, string, string][] = [
      [
        { prompt: 'Write a haiku.', completion: 'Leaves fall...' },
        'prompt-completion',
        'Write a haiku.',
        'Leaves fall...'
      ],
      [{ prompt: 'Hi', response: 'Hello!' }, 'prompt-response', 'Hi', 'Hello!'],
      [{ question: 'What is 2 + 2?', answer: 4 }, 'question-answer', 'What is 2 + 2?', '4'],
      [{ query: 'weather in Oslo', response: 'Cold.' }, 'query-response', 'weather in Oslo', 'Cold.'],
      [{ input: 'ping', output: 'pong' }, 'input-output', 'ping', 'pong'],
      [{ text: 'Once upon a time', meta: { lang: 'en' } }, 'text', 'Once upon a time', ''],
      [
        { id: 7, prompt: 'A red-team prompt without an answer' },
        'prompt-only',
        'A red-team prompt without an answer',
        ''
      ]
    ]
    for (const [record, layout, input, output] of cases) {
      expect(extractText(record)).toEqual({ ok: true, layout, input, output })
    }
  })

  it('reads preference pairs: the chosen answer is the output', () => {
    expect(
      extractText({ prompt: 'Is the earth flat?', chosen: 'No, it is round.', rejected: 'Yes.' })
    ).toEqual({
      ok: true,
      layout: 'preference',
      input: 'Is the earth flat?',
      output: 'No, it is round.'
    })
    const chosenChat = [
      { role: 'user', content: 'Is the earth flat?' },
      { role: 'assistant', content: 'No, it is round.' }
    ]
    expect(extractText({ prompt: 'Is the earth flat?', chosen: chosenChat, rejected: [] })).toEqual({
      ok: true,
      layout: 'preference',
      input: 'Is the earth flat?',
      output: 'No, it is round.'
    })
    expect(extractText({ chosen: chosenChat, rejected: chosenChat })).toEqual({
      ok: true,
      layout: 'preference',
      input: 'Is the earth flat?',
      output: 'No, it is round.'
    })
  })

  it('splits an HH-RLHF transcript in chosen', () => {
    const chosen =
      '\n\nHuman: How do I make tea?\n\nAssistant: Boil water and steep the leaves.\n\nHuman: How long?\n\nAssistant: Three minutes.'
    expect(extractText({ chosen, rejected: 'x' })).toEqual({
      ok: true,
      layout: 'preference',
      input: 'How do I make tea?\n\nHow long?',
      output: 'Boil water and steep the leaves.\n\nThree minutes.'
    })
  })

  it('takes the first matching layout in the documented order', () => {
    // messages come before prompt/response; instruction/output (Alpaca) before prompt/completion.
    const both = {
      messages: [{ role: 'user', content: 'from messages' }],
      prompt: 'from prompt',
      response: 'r'
    }
    expect(extractText(both)).toMatchObject({ ok: true, layout: 'messages', input: 'from messages' })
    expect(extractText({ instruction: 'i', output: 'o', prompt: 'p', completion: 'c' })).toMatchObject({
      layout: 'alpaca',
      input: 'i'
    })
  })

  it('names the fields it saw when no layout matches, at most ten', () => {
    const result = extractText({ foo: 1, bar: 'x', baz: null })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.reason).toMatch(/^none of the known layouts \(messages, conversations, /)
    expect(!result.ok && result.reason).toMatch(/fields seen: foo, bar, baz$/)
    const wide = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`f${i}`, i]))
    const wideResult = extractText(wide)
    expect(!wideResult.ok && wideResult.reason).toMatch(/fields seen: f0, f1, .*, f9, … \(4 more\)$/)
    expect(!wideResult.ok && wideResult.reason).not.toContain('f10')
  })

  it('rejects an input side that is empty or not text, naming the field', () => {
    expect(extractText({ prompt: '   ', completion: 'x' })).toEqual({
      ok: false,
      reason: "field 'prompt' is empty"
    })
    expect(extractText({ prompt: null, completion: 'x' })).toEqual({
      ok: false,
      reason: "field 'prompt' is null, expected text"
    })
    expect(extractText({ question: 42, answer: 'x' })).toEqual({
      ok: false,
      reason: "field 'question' is a number, expected text"
    })
    expect(extractText({ instruction: ['a'], output: 'x' })).toEqual({
      ok: false,
      reason: "field 'instruction' is an array, expected text"
    })
    expect(extractText({ text: { body: 'x' } })).toEqual({
      ok: false,
      reason: "field 'text' is an object, expected text"
    })
    expect(extractText({ messages: [{ role: 'system', content: 'only a system prompt' }] })).toEqual({
      ok: false,
      reason: "field 'messages' holds no user turn with text"
    })
  })
})

describe('extractText with configured fields', () => {
  const record = {
    meta: { prompt: 'Configured prompt', lang: 'en' },
    turns: [{ text: 'first turn' }, { text: 'second turn' }],
    chat: [
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'user says' },
      { role: 'assistant', content: 'assistant says' }
    ],
    prompt: 'auto prompt',
    completion: 'auto completion'
  }

  it('reads dot paths, array indexes included', () => {
    expect(extractText(record, { input: ['meta.prompt'], output: ['turns.1.text'] })).toEqual({
      ok: true,
      layout: 'fields',
      input: 'Configured prompt',
      output: 'second turn'
    })
  })

  it('takes user turns (input) and assistant turns (output) from a chat list path', () => {
    expect(extractText(record, { input: ['chat'], output: ['chat'] })).toEqual({
      ok: true,
      layout: 'fields',
      input: 'user says',
      output: 'assistant says'
    })
  })

  it('joins several input fields with a blank line and takes the unconfigured side from the layout', () => {
    expect(extractText(record, { input: ['meta.prompt', 'turns.0.text'] })).toEqual({
      ok: true,
      layout: 'fields',
      input: 'Configured prompt\n\nfirst turn',
      output: 'auto completion'
    })
  })

  it('reports a configured input field that is missing or not text', () => {
    expect(extractText(record, { input: ['meta.missing'] })).toEqual({
      ok: false,
      reason: "configured input field 'meta.missing' is missing"
    })
    expect(extractText({ meta: { prompt: 3 } }, { input: ['meta.prompt'] })).toEqual({
      ok: false,
      reason: "field 'meta.prompt' is a number, expected text"
    })
  })

  it('resolves paths through objects and arrays only', () => {
    expect(valueAtPath(record, 'turns.0.text')).toBe('first turn')
    expect(valueAtPath(record, 'turns.x.text')).toBeUndefined()
    expect(valueAtPath(record, 'meta.prompt.length')).toBeUndefined()
    expect(valueAtPath({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toBe(1)
  })
})

describe('extractText on very long texts', () => {
  it('gives each side its first MAX_TEXT_CHARS characters, and shorter texts whole', () => {
    const long = 'ab'.repeat(MAX_TEXT_CHARS)
    const result = extractText({ prompt: long, response: `x${long}` })
    expect(result).toEqual({
      ok: true,
      input: long.slice(0, MAX_TEXT_CHARS),
      output: `x${long}`.slice(0, MAX_TEXT_CHARS),
      layout: 'prompt-response'
    })
    const short = extractText({ prompt: 'a'.repeat(MAX_TEXT_CHARS), response: 'ok' })
    expect(short.ok && short.input.length).toBe(MAX_TEXT_CHARS)
  })

  it('never cuts a surrogate pair in half', () => {
    // An astral character (two code units) straddling the limit is left out whole.
    const text = `${'a'.repeat(MAX_TEXT_CHARS - 1)}𝒜 and more`
    const result = extractText({ text })
    expect(result.ok && result.input).toBe('a'.repeat(MAX_TEXT_CHARS - 1))
    const after = extractText({ text: `${'a'.repeat(MAX_TEXT_CHARS - 2)}𝒜 and more` })
    expect(after.ok && after.input).toBe(`${'a'.repeat(MAX_TEXT_CHARS - 2)}𝒜`)
  })
})
