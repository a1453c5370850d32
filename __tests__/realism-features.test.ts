import { describe, expect, it } from '@jest/globals'
import { FEATURES, rowFeatures, vocabularyTokens } from '../src/analysis/realism/features.js'

const input = (text: string) => rowFeatures(text, '')
const output = (text: string) => rowFeatures('Tell me.', text)

describe('rowFeatures on inputs', () => {
  it('measures a terse, typo-ridden real prompt', () => {
    expect(rowFeatures('how do i recieve it', 'you wait')).toEqual({
      'terse-input': true,
      'shorthand-input': false,
      'lowercase-start': true,
      'no-final-punctuation': true,
      'question-mark': false,
      'likely-typo': true,
      'uncertainty-output': false,
      'refusal-output': false,
      'politeness-output': false,
      'input-length': 5,
      'output-length': 2
    })
  })

  it('measures a polished synthetic instruction', () => {
    const features = rowFeatures(
      'Write a short paragraph describing the benefits of regular exercise for mental health.',
      'Certainly! Regular exercise reduces stress and improves mood.'
    )
    expect(features).toMatchObject({
      'terse-input': false,
      'shorthand-input': false,
      'lowercase-start': false,
      'no-final-punctuation': false,
      'question-mark': false,
      'likely-typo': false,
      'politeness-output': true,
      'input-length': 13,
      'output-length': 8
    })
  })

  it('calls an input terse at 5 words or fewer, and not when empty', () => {
    expect(input('one two three four five')['terse-input']).toBe(true)
    expect(input('one two three four five six')['terse-input']).toBe(false)
    expect(input('')['terse-input']).toBe(false)
  })

  it('recognises shorthand written in symbols and digits', () => {
    for (const text of ['2+2=?', 'sqrt(16)', 'x^2 dx', '3x + 5 = 20', '15% of 200']) {
      expect([text, input(text)['shorthand-input']]).toEqual([text, true])
    }
    for (const text of ['What is 2+2?', 'hello', 'solve the equation 3x + 5 = 20 for x', '']) {
      expect([text, input(text)['shorthand-input']]).toEqual([text, false])
    }
    // Long symbol-heavy text is code, not shorthand.
    expect(input('for(i=0;i<n;i++){a[i]=b[i]*2+c[i]*3-d[i]/4;e[i]=f[i]%5+g[i]^6;}')['shorthand-input']).toBe(
      false
    )
  })

  it('reads the start and the end through quotes and markdown', () => {
    expect(input('"hello there"')['lowercase-start']).toBe(true)
    expect(input('Hello there')['lowercase-start']).toBe(false)
    expect(input('2 apples')['lowercase-start']).toBe(false)
    expect(input('He said "stop."')['no-final-punctuation']).toBe(false)
    expect(input('Is it **bold?**')['no-final-punctuation']).toBe(false)
    expect(input('Translate the following:')['no-final-punctuation']).toBe(false)
    expect(input('请翻译这句话。')['no-final-punctuation']).toBe(false)
    expect(input('fix my code  ')['no-final-punctuation']).toBe(true)
    expect(input('')['no-final-punctuation']).toBe(false)
  })

  it('finds question marks, Latin and full-width', () => {
    expect(input('why? because')['question-mark']).toBe(true)
    expect(input('为什么？')['question-mark']).toBe(true)
    expect(input('Explain why.')['question-mark']).toBe(false)
  })

  it('reports no typo for code or non-Latin text', () => {
    expect(input('```js\nconst reslt = fetchh(url)\n```')['likely-typo']).toBe(false)
    expect(input('Напиши функцию сортировки')['likely-typo']).toBe(false)
    expect(input('写一个排序函数')['likely-typo']).toBe(false)
    expect(input('wat is teh answer')['likely-typo']).toBe(true)
  })

  it('counts CJK characters as words, so Chinese input has a length', () => {
    expect(input('写一个排序函数')['input-length']).toBe(7)
    expect(input('Напиши функцию сортировки')['input-length']).toBe(3)
  })
})

describe('rowFeatures on outputs', () => {
  it('finds uncertainty', () => {
    for (const text of [
      "I don't know.",
      'I’m not sure, but maybe.',
      'I am not certain that is right.',
      "It's unclear from the question.",
      "I can't be sure without more detail.",
      'Honestly, I have no idea.',
      'i dont know tbh',
      'im not sure'
    ]) {
      expect([text, output(text)['uncertainty-output']]).toEqual([text, true])
    }
    expect(output('I know the answer: 42.')['uncertainty-output']).toBe(false)
    expect(output('Make sure you know the rules.')['uncertainty-output']).toBe(false)
  })

  it('finds refusals, but not "I cannot" used as emphasis', () => {
    for (const text of [
      "I can't help with that.",
      'I cannot provide that information.',
      "I'm sorry, but that is not possible.",
      'As an AI, I have no opinions.',
      "I won't write that.",
      'I am unable to assist with this request.'
    ]) {
      expect([text, output(text)['refusal-output']]).toEqual([text, true])
    }
    expect(output('I cannot stress this enough: drink water.')['refusal-output']).toBe(false)
    expect(output('The answer is 4.')['refusal-output']).toBe(false)
  })

  it('finds politeness and eagerness, with interjections only at the start', () => {
    for (const text of [
      'Certainly! Here is the list.',
      'Of course, here it is.',
      "I'd be happy to explain.",
      'Great question! The answer is 4.',
      'Absolutely! Let us begin.',
      'Sure! 2 + 2 = 4.',
      'The answer is 4. I hope this helps!'
    ]) {
      expect([text, output(text)['politeness-output']]).toEqual([text, true])
    }
    expect(output('Make sure the oven is hot. It will certainly work, of course.')['politeness-output']).toBe(
      false
    )
    expect(output('Surely not.')['politeness-output']).toBe(false)
  })

  it('measures output length in words', () => {
    expect(output('The answer is 42.')['output-length']).toBe(4)
    expect(output('')['output-length']).toBe(0)
  })
})

describe('rowFeatures on hostile text', () => {
  it('does not throw, returns every feature, and stays linear on long runs', () => {
    const odd = [
      '',
      '\u0000\u0001',
      '🙂'.repeat(1000),
      '`'.repeat(500),
      '((((((((',
      'a'.repeat(100_000),
      'a'.repeat(10_000),
      `a${'!'.repeat(100_000)}a`,
      `a${' '.repeat(100_000)}a`,
      `a${'\t '.repeat(50_000)}=`,
      'a-'.repeat(50_000),
      '`a'.repeat(50_000)
    ]
    const started = performance.now()
    for (const text of odd) {
      const features = rowFeatures(text, text)
      expect(Object.keys(features).sort()).toEqual([...FEATURES].sort())
    }
    // Each of these took seconds when a regex anchored at the end backtracked over the run (quadratic).
    expect(performance.now() - started).toBeLessThan(3000)
  })
})

describe('vocabularyTokens', () => {
  it('returns lower-cased word tokens', () => {
    expect(vocabularyTokens('Hello, World! Hello again.')).toEqual(['hello', 'world', 'hello', 'again'])
    expect(vocabularyTokens('')).toEqual([])
  })
})
