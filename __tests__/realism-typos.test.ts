import { describe, expect, it, jest } from '@jest/globals'
import { englishDictionary, isProseWord, likelyTypos } from '../src/analysis/realism/typos.js'
import { mulberry32 } from '../src/analysis/random.js'

describe('englishDictionary', () => {
  it('loads the word list through createRequire under Jest ESM, once', () => {
    const dictionary = englishDictionary()
    expect(dictionary.size).toBeGreaterThan(200_000)
    expect(dictionary.has('received')).toBe(true)
    expect(englishDictionary()).toBe(dictionary)
  })
})

describe('likelyTypos', () => {
  it('finds words one edit from a dictionary word, and not the dictionary words themselves', () => {
    expect(likelyTypos('i recieve teh package tomorrow')).toEqual(['recieve', 'teh'])
    expect(likelyTypos('the package was received')).toEqual([])
  })

  it('covers all four Damerau edits', () => {
    expect(likelyTypos('a wierd problem')).toEqual(['wierd']) // transposition of "weird"
    expect(likelyTypos('it is big becouse of that')).toEqual(['becouse']) // replacement
    expect(likelyTypos('my hose is big')).toEqual([]) // a real word stays a word
    expect(likelyTypos('the housee is big')).toEqual(['housee']) // insertion
    expect(likelyTypos('the hous is big')).toEqual(['hous']) // deletion
  })

  it('reports each typo once, lower-cased, in order of appearance', () => {
    expect(likelyTypos('teh cat and teh dog wiht a hat')).toEqual(['teh', 'wiht'])
  })

  it('searches the neighbours of a repeated unknown word once per text, not once per occurrence', () => {
    const dictionary = englishDictionary() as Set<string>
    const has = jest.spyOn(dictionary, 'has')
    try {
      // "lorem" and "ipsum" are no English words: each search builds and looks up some 300 neighbours. 3,000
      // words cost 3,000 lookups plus two searches; a search per occurrence would be some 600,000 lookups.
      const typos = likelyTypos('the lorem ipsum '.repeat(1000))
      expect(has.mock.calls.length).toBeLessThan(5000)
      // Two words in three unknown: read as another language, so no typos.
      expect(typos).toEqual([])
    } finally {
      has.mockRestore()
    }
  })

  it('does not report words two or more edits from any word', () => {
    expect(likelyTypos('the xqzvwk thing')).toEqual([])
  })

  it('counts contractions written without an apostrophe, including short and capitalised ones', () => {
    expect(likelyTypos('im not sure why my code dont work')).toEqual(['im', 'dont'])
    expect(likelyTypos('Youre right, thats it')).toEqual(['youre', 'thats'])
    expect(likelyTypos("I'm sure you're right, it's done and it doesn't matter")).toEqual([])
  })

  it('skips capitalised words (likely names), words in capitals and short words', () => {
    expect(likelyTypos('Jhon and Mari went to Pariss with NASAA')).toEqual([])
    expect(likelyTypos('ab cd ef xz')).toEqual([])
  })

  it('skips code, URLs, e-mail addresses, paths and identifiers', () => {
    const text = [
      'fix this please:',
      '```python',
      'def fibonacci(n):',
      '    elif n == 2: retrun arr',
      '```',
      'why does `arr.lenght` fail, see https://exmaple.com/pahts or jhon@exmaple.com,',
      'the file /usr/lcoal/bin and C:\\Users\\documnets, my_varaible and fooBar and x86 and retrn2'
    ].join('\n')
    expect(likelyTypos(text)).toEqual([])
  })

  it('skips code pasted without fences', () => {
    const code =
      'def foo(arr):\n    for x in arr:\n        retrun len(arr)\nconst reslt = 1;\nif (a == b) { wrte() }'
    expect(likelyTypos(code)).toEqual([])
  })

  it('finds no typos in non-Latin scripts or in another language written in Latin letters', () => {
    expect(likelyTypos('Привет, как дела? Я хочу узнать погоду на завтра')).toEqual([])
    expect(likelyTypos('你好，请帮我写一个函数来计算斐波那契数列')).toEqual([])
    expect(likelyTypos('こんにちは、元気ですか')).toEqual([])
    expect(likelyTypos('hola como estas quiero saber donde esta la biblioteca')).toEqual([])
    expect(likelyTypos('café crème brûlée')).toEqual([])
  })

  it('still finds the typos of the English words in mixed text', () => {
    expect(likelyTypos('Привет! how do i recieve it')).toEqual(['recieve'])
  })

  it('checks the parts of hyphenated words and the stem of a possessive', () => {
    expect(likelyTypos('a well-knwon fact about the techer’s desk')).toEqual(['knwon', 'techer'])
  })

  it('does not report common technical words and unit abbreviations', () => {
    expect(likelyTypos('parse the json with a regex, the car goes 60 mph and weighs 200 lbs')).toEqual([])
  })

  it('handles empty and odd input without throwing', () => {
    expect(likelyTypos('')).toEqual([])
    expect(likelyTypos('   \n\t ')).toEqual([])
    expect(likelyTypos('```unclosed fence teh')).toEqual([])
    expect(likelyTypos('\u0000\uFFFF🙂🙂 -- ... !!!')).toEqual([])
  })
})

describe('isProseWord', () => {
  it('accepts what letters joined by single hyphens or apostrophes spell, and nothing else', () => {
    // The pattern it replaces, on short strings over letters (Latin, accented, CJK, astral), joiners and others.
    const pattern = /^[\p{L}]+(?:[-'’][\p{L}]+)*$/u
    const alphabet = ['a', 'Z', 'é', '漢', '𝒜', '-', "'", '’', '1', '_', '.', ' ', '\ud800']
    const random = mulberry32(11)
    let accepted = 0
    for (let i = 0; i < 20_000; i++) {
      let text = ''
      const length = Math.floor(random() * 7)
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)]
      expect([text, isProseWord(text)]).toEqual([text, pattern.test(text)])
      if (pattern.test(text)) accepted++
    }
    expect(accepted).toBeGreaterThan(1000)
  })

  it('answers for a chunk of ten million letters with no space, where the pattern overflowed the stack', () => {
    const chunk = '漢字'.repeat(5_000_000)
    expect(() => /^[\p{L}]+(?:[-'’][\p{L}]+)*$/u.test(chunk)).toThrow(/call stack/)
    expect(isProseWord(chunk)).toBe(true)
    expect(likelyTypos(`${chunk} teh`)).toEqual(['teh'])
  })
})
