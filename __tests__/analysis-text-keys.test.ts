import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { hash53 } from '../src/analysis/hash.js'
import { Hash53Counter } from '../src/analysis/hash-table.js'
import { clusterPatterns, DEFAULT_PATTERN_PARAMETERS } from '../src/analysis/patterns.js'
import { ProperNounEvidence } from '../src/analysis/proper-nouns.js'
import {
  canonicalKey,
  canonicalKeyOfNormalised,
  isSlot,
  nameStem,
  normalisedKey,
  templateScan,
  wordTokens,
  writeKeyHashes,
  type TemplateScan
} from '../src/analysis/text-keys.js'

const key = (text: string): string => templateScan(text).key

/** The whole level-4 step over a corpus: scan every text, gather evidence, then resolve. */
function resolvedKeys(texts: string[]): string[] {
  const evidence = new ProperNounEvidence()
  const scans = texts.map(templateScan)
  for (const scan of scans) evidence.observe(scan.key, scan.names)
  return scans.map(scan => evidence.resolveKey(scan.key))
}

describe('normalisedKey and canonicalKey', () => {
  it('normalises with NFKC, lower case and folded white space', () => {
    expect(normalisedKey('  Ｈｅｌｌｏ\t\n  World  ')).toBe('hello world')
    expect(normalisedKey('ﬁle Ⅳ')).toBe('file iv')
  })
  it('canonicalises digits, punctuation, symbols and diacritics', () => {
    expect(canonicalKey('Café #5, 2024!')).toBe('cafe 0 0000')
    expect(canonicalKey('Crème brûlée — 3,50 €')).toBe('creme brulee 0 00')
    expect(canonicalKey('naïve   "résumé"?')).toBe(canonicalKey('Naive resume'))
  })
  it('keeps spacing marks that carry vowels in Indic scripts', () => {
    expect(canonicalKey('हिंदी')).toContain('ि')
  })

  // ASCII text takes a shortcut past the Unicode passes; it must end where the full definition ends.
  const fullNormalised = (text: string): string =>
    text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim()
  const fullCanonical = (text: string): string =>
    fullNormalised(text)
      .normalize('NFD')
      .replace(/\p{Mn}+/gu, '')
      .normalize('NFC')
      .replace(/\p{Nd}/gu, '0')
      .replace(/[\p{P}\p{S}]+/gu, ' ')
      .replace(/\s+/gu, ' ')
      .trim()
  const asciiSamples = [
    ...Array.from({ length: 128 }, (_, c) => `a${String.fromCharCode(c)}b ${String.fromCharCode(c)} C9`),
    '  What is 2+2?\t\r\n (really)  ',
    "it's -- 3.5 $ and 'quoted' {x}__y",
    '\u000b\u000c\u001c mixed\u0000controls '
  ]

  it('gives ASCII text exactly the keys of the full Unicode definition', () => {
    for (const text of asciiSamples) {
      expect(normalisedKey(text)).toBe(fullNormalised(text))
      expect(canonicalKey(text)).toBe(fullCanonical(text))
      expect(canonicalKeyOfNormalised(normalisedKey(text))).toBe(fullCanonical(text))
    }
  })

  // writeKeyHashes hashes ASCII keys as it finds them; the strings it never builds are the oracle.
  const keyHashesOf = (text: string): { ascii: boolean; hashes: number[] } => {
    const out = new Float64Array(5).fill(-1)
    const ascii = writeKeyHashes(text, out, 1)
    expect([out[0], out[4]]).toEqual([-1, -1])
    return { ascii, hashes: Array.from(out.subarray(1, 4)) }
  }
  const keyStringHashes = (text: string): number[] => {
    const normalised = normalisedKey(text)
    return [hash53(text), hash53(normalised), hash53(canonicalKeyOfNormalised(normalised))]
  }
  // Every ASCII character, with runs of white space and punctuation at the ends and between words.
  const keyText = fc.oneof(
    fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map(c => String.fromCharCode(c)), maxLength: 40 }),
    fc
      .array(
        fc.constantFrom('What', 'is', '2+2', '  ', '\t\r\n', '?!', ' -- ', "it's", 'X9', '\u0000', '\u001c'),
        {
          maxLength: 12
        }
      )
      .map(pieces => pieces.join('')),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 12 })
  )

  it('hashes the three keys of any text as hashing the key strings does, with no string built for ASCII', () => {
    for (const text of asciiSamples)
      expect(keyHashesOf(text)).toEqual({ ascii: true, hashes: keyStringHashes(text) })
    expect(keyHashesOf('Ｈｅｌｌｏ  World')).toEqual({
      ascii: false,
      hashes: keyStringHashes('Ｈｅｌｌｏ  World')
    })
    expect(keyHashesOf('')).toEqual({ ascii: true, hashes: keyStringHashes('') })
    fc.assert(
      fc.property(keyText, text => {
        const { ascii, hashes } = keyHashesOf(text)
        expect(ascii).toBe([...text].every(c => c.charCodeAt(0) < 0x80))
        expect(hashes).toEqual(keyStringHashes(text))
      }),
      { numRuns: 3000 }
    )
  })

  it('answers a repeated call and a different text correctly after each other', () => {
    expect(normalisedKey('A  B')).toBe('a b')
    expect(normalisedKey('A  B')).toBe('a b')
    expect(normalisedKey('Ｃ\u00a0D')).toBe('c d')
    expect(canonicalKey('Ｃ\u00a0D!')).toBe('c d')
  })
})

describe('templateScan: the worked examples', () => {
  it('gives `What is 2 + 2?` and `What is 7 + 3?` one key, and `2+2=?` another', () => {
    expect(key('What is 2 + 2?')).toBe('^what is <n> + <n>')
    expect(key('What is 7 + 3?')).toBe('^what is <n> + <n>')
    expect(key('2+2=?')).toBe('<n> + <n> =')
    expect(resolvedKeys(['What is 2 + 2?', '2+2=?'])).toEqual(['what is <n> + <n>', '<n> + <n> ='])
  })

  it.each([
    ['it costs $5 today', 'it costs <n> today'],
    ['add 1/2 cup of milk', 'add <n> cup of milk'],
    ['the 3rd time', 'the <n> time'],
    ['a 50% discount', 'a <n> discount'],
    ['about 1,000.5 km', 'about <n> km'],
    ['it is -3 outside', 'it is <n> outside'],
    ['roughly 2.5e3 units', 'roughly <n> units'],
    ['only 20€ or €20', 'only <n> or <n>'],
    ['meet at 10:30 on 12/05/2024', 'meet at <n> on <n>'],
    ['the 21ST of june', 'the <n> of june'],
    ['a 5 million budget', 'a <n> budget'],
    ['what is 5-3 and 5 - 3', 'what is <n> - <n> and <n> - <n>'],
    ['then 5 × 3 ÷ 2', 'then <n> * <n> / <n>'],
    ['solve x^2 = 9', 'solve x ^ <n> = <n>']
  ])('masks the number in %j', (text, expected) => {
    expect(key(text)).toBe(expected)
  })

  it('keeps digits that belong to a word', () => {
    expect(key('convert mp3 to wav on x86')).toBe('convert mp3 to wav on x86')
  })

  it.each([
    ['i have twenty-five apples', 'i have <n> apples'],
    ['two hundred and five pens', '<n> pens'],
    ['cut it in half', 'cut it in <n>'],
    ['she ran twice as fast', 'she ran <n> as fast'],
    ['buy a dozen eggs', 'buy a <n> eggs'],
    ['the third option', 'the <n> option'],
    ['Seven people came', '<n> people came'],
    ['one-third of the class', '<n> of the class']
  ])('masks the number words in %j', (text, expected) => {
    expect(key(text)).toBe(expected)
  })

  it('does not mask words that merely contain a number word', () => {
    expect(key('someone often tends to listen')).toBe('someone often tends to listen')
  })

  it('masks URLs, e-mail addresses, code and quoted spans', () => {
    expect(key('read https://example.com/docs?page=2, then reply')).toBe('read <url> then reply')
    expect(key('see www.example.org. thanks')).toBe('see <url> thanks')
    expect(key('write to jane.doe@example.co.uk today')).toBe('write to <email> today')
    expect(key('fix this:\n```js\nconsole.log("hi")\n```\nplease')).toBe('fix this <code> please')
    expect(key('what does `git rebase -i` do')).toBe('what does <q> do')
    expect(key('translate "good morning" into french')).toBe('translate <q> into french')
    expect(key('translate “good morning” and «bonjour» now')).toBe('translate <q> and <q> now')
    expect(key("don't say 'hello there' to them, it's rude")).toBe("don't say <q> to them it's rude")
    // Possessive apostrophes open no quote (a trailing apostrophe is dropped like other punctuation).
    expect(key("the students' books and the teachers' pens")).toBe('the students books and the teachers pens')
  })

  it('keeps a text that is one quotation or one code block as free text', () => {
    expect(key('"How do I sort a list?"')).toBe('^how do i sort a list')
    expect(key('```\nfor i in range(3): print(i)\n```')).toBe('for i in range <n> print i')
  })

  it('masks a capitalised word mid-sentence as a name and records it', () => {
    expect(templateScan('yesterday Alice met Bob Smith at the café')).toEqual({
      key: 'yesterday <name> met <name> at the café',
      names: ['alice', 'bob', 'smith']
    })
    expect(templateScan("then Alice's dog barked").names).toEqual(['alice'])
  })

  it('keeps acronyms and the pronoun I as words', () => {
    expect(key('so I parse JSON from NASA')).toBe('so i parse json from nasa')
  })

  it('marks a capitalised word at a sentence start, after . ! ? : or a new line', () => {
    expect(key('Alice has 3 apples.')).toBe('^alice has <n> apples')
    expect(key('ok. Then Bob left! Why? Note: Carl\nDana came')).toBe(
      'ok ^then <name> left ^why ^note ^carl ^dana came'
    )
    expect(key('- Alice went home')).toBe('- ^alice went home')
    expect(key('use Node.js here')).toBe('use <name> js here')
  })

  it('gives non-Latin scripts word tokens, CJK one per character', () => {
    expect(key('我有3个苹果。你呢？')).toBe('我 有 <n> 个 苹 果 你 呢')
    expect(key('日本で一番高い山は何ですか')).toBe('日 本 で 一 番 高 い 山 は 何 で す か')
    expect(key('مرحبا كيف حالك؟')).toBe('مرحبا كيف حالك')
    expect(key('Как дела у Ивана?')).toBe('^как дела у <name>')
    expect(key('오늘 저녁 메뉴 추천해 줘')).toBe('오늘 저녁 메뉴 추천해 줘')
  })

  it('gives the empty text and pure punctuation an empty key', () => {
    expect(key('')).toBe('')
    expect(key('?!…')).toBe('')
  })

  it('scans ASCII text and the same text with a non-ASCII character alike', () => {
    // The second text of each pair takes the full Unicode path; the § is dropped as a symbol there.
    const pairs = [
      'Then Alice said "hi" at www.example.org, costing $5 (3rd time)!',
      'Fix `x = 2` in ```py\nprint(1)\n``` and mail bob@example.com. Next: Two runs',
      "so I parse JSON from NASA. It's 10:30 - don't 'quote' me"
    ]
    for (const text of pairs) expect(templateScan(text)).toEqual(templateScan(`${text} §`))
  })

  it('finds numbers, number words and names in ASCII text as the Unicode path does, compounds and boundaries included', () => {
    expect(key('Twenty-five cats and one hundred and five dogs')).toBe('<n> cats and <n> dogs')
    const numbers = "x = -3, 5-3 $1,000.50 2.5e-3 3rd 3rdly 50% x86 a_1 it's 'q'5 .5 x.5"
    expect(key(`${numbers} §`)).toBe(key(numbers))
    expect(key(numbers)).toBe("x = <n> - <n> rdly <n> x86 a 1 it's q <n> x <n>")
    expect(key("one's twenty-fives four' x-one hundred\nand two")).toBe("one's <n> - fives four x - <n>")
    // Random texts of number words, separators and near-misses: the ASCII scanner against the regex path.
    const pieces = [
      'one',
      'Two',
      'THREE',
      'twenty',
      'five',
      'hundred',
      'Hundreds',
      'thousand',
      'and',
      'AND',
      'first',
      'dozen',
      'fiver',
      'x',
      '5',
      '-',
      '--',
      ' ',
      '  ',
      '\n',
      '\t',
      "'",
      "'s",
      '.',
      ',',
      'a',
      '_',
      '\uE005',
      // Capitalised words, capitals and the pronoun I: names, sentence starts and plain words.
      'Alice',
      'NASA',
      'I',
      'Ok',
      'A1',
      'QA2b',
      '!',
      '?',
      // Numbers as NUMBER_PATTERN finds them: signs, currency, groups, decimals, exponents and suffixes, and
      // digits glued to words, apostrophes and underscores.
      '1',
      '23',
      '0',
      '+',
      '$',
      '%',
      '.5',
      ':',
      '/',
      'e',
      'E5',
      'st',
      'TH',
      'nd',
      'rD',
      'x86',
      "'",
      '"',
      ' (',
      'it'
    ]
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), parts => {
        // Framed by words, so a quoted span is never the whole text with or without the §.
        const text = `x ${parts.join('')} x`
        expect(templateScan(text)).toEqual(templateScan(`${text} §`))
      }),
      { numRuns: 3000 }
    )
  })

  it('cannot be fooled by private-use characters posing as slots', () => {
    expect(key('a\uE005b')).toBe('a b')
  })

  it('stays fast on texts built to make regular expressions backtrack', () => {
    const hostile = "'a ".repeat(20_000) + '“x '.repeat(20_000) + 'a@b.'.repeat(5_000) + '1.'.repeat(20_000)
    const started = Date.now()
    templateScan(hostile)
    expect(Date.now() - started).toBeLessThan(2_000)
  })
})

describe('ProperNounEvidence', () => {
  it('resolves ^alice to <name> when Alice is seen capitalised mid-sentence, and keeps ^what a word', () => {
    const keys = resolvedKeys(['Alice has 3 apples.', 'Then Alice left.', 'What is 2 + 2?', 'what now'])
    expect(keys).toEqual(['<name> has <n> apples', 'then <name> left', 'what is <n> + <n>', 'what now'])
  })

  it('keeps a word that is mostly written in lower case, even if once capitalised mid-sentence', () => {
    const texts = [
      'go to point A now',
      ...Array.from({ length: 20 }, (_, i) => `take a walk ${i}`),
      'A cat sat.'
    ]
    expect(resolvedKeys(texts).at(-1)).toBe('a cat sat')
  })

  it('applies the 10% rule at its boundary', () => {
    const corpus = (capitalised: number, lower: number): string[] => [
      ...Array.from({ length: capitalised }, () => 'we met Rose there'),
      ...Array.from({ length: lower }, () => 'a rose grew'),
      'Rose smiled.'
    ]
    expect(resolvedKeys(corpus(10, 1)).at(-1)).toBe('<name> smiled')
    expect(resolvedKeys(corpus(9, 1)).at(-1)).toBe('rose smiled')
  })

  it('keeps the operator ^ while it resolves sentence-start words around it', () => {
    expect(resolvedKeys(['Solve x ^ 2. Then stop ^ now.', 'we met Carl', 'Carl ^ 2'])).toEqual([
      'solve x ^ <n> then stop ^ now',
      'we met <name>',
      '<name> ^ <n>'
    ])
  })

  it('counts the words of a key as splitting it on spaces does, whatever the key holds', () => {
    // The evidence as first written: the key split on spaces, every plain word counted by hash53(nameStem).
    class Reference {
      readonly lowerCase = new Hash53Counter()
      readonly capitalised = new Hash53Counter()
      observe(scan: TemplateScan): void {
        for (const token of scan.key.split(' ')) {
          if (token === '' || isSlot(token) || token.startsWith('^')) continue
          if (token.length === 1 && '+-*/=^<>'.includes(token)) continue
          this.lowerCase.increment(hash53(nameStem(token)))
        }
        for (const name of scan.names) this.capitalised.increment(hash53(name))
      }
      isProperNoun(word: string): boolean {
        const id = hash53(nameStem(word))
        const capitalised = this.capitalised.get(id)
        if (capitalised === 0) return false
        const lowerCase = this.lowerCase.get(id)
        return lowerCase < 0.1 * (lowerCase + capitalised)
      }
    }
    // Keys from few pieces, so words repeat: slots, operators, sentence-start words, possessives, lone
    // apostrophes, empty tokens (double and edge spaces).
    const piece = fc.constantFrom(
      'a',
      'bob',
      "bob's",
      "bob'",
      "'",
      "'s",
      's',
      '<n>',
      '<>',
      '<',
      '^',
      '^bob',
      '+',
      '',
      'é'
    )
    const scan = fc.record({
      key: fc.array(piece, { maxLength: 12 }).map(pieces => pieces.join(' ')),
      names: fc.array(fc.constantFrom('bob', 'a', 's'), { maxLength: 3 })
    })
    fc.assert(
      fc.property(fc.array(scan, { maxLength: 20 }), scans => {
        const evidence = new ProperNounEvidence()
        const reference = new Reference()
        for (const s of scans) {
          evidence.observe(s.key, s.names)
          reference.observe(s)
        }
        for (const word of ['a', 'bob', "bob's", "bob'", "'", "'s", 's', '<>', 'é']) {
          const expected = reference.isProperNoun(word) ? '<name>' : word
          expect(evidence.resolveKey(`^${word}`)).toBe(expected)
        }
      }),
      { seed: 20_250_101, numRuns: 300 }
    )
  })

  it('drops the sentence-start marks of a key without proper nouns, wherever the marks are', () => {
    const piece = fc.constantFrom('^what', 'what', '^', '^a', 'a', '<n>', '+', '', '^^', 'x^y')
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), pieces => {
        const key = pieces.join(' ')
        expect(new ProperNounEvidence().resolveKey(key)).toBe(key.replace(/(^| )\^([^ ]+)/g, '$1$2'))
      }),
      { numRuns: 2000 }
    )
  })

  it('folds a resolved name into a neighbouring name slot and pools possessives', () => {
    const keys = resolvedKeys(["Alice Smith went home. It was Alice's idea.", 'we saw Alice'])
    expect(keys[0]).toBe('<name> went home it was <name> idea')
  })
})

describe('wordTokens', () => {
  it('lower-cases words and splits CJK into characters', () => {
    expect(wordTokens('Hello, World! 你好 don’t')).toEqual(['hello', 'world', '你', '好', "don't"])
  })

  it('splits ASCII text as the Unicode word pattern does', () => {
    expect(wordTokens("It's 3 O'Clock -- x86_64, 'quoted' rock'n'roll ''a")).toEqual([
      "it's",
      '3',
      "o'clock",
      'x86',
      '64',
      'quoted',
      "rock'n'roll",
      'a'
    ])
    expect(wordTokens('?!')).toEqual([])
  })
})

describe('nameStem', () => {
  it('drops a trailing possessive apostrophe or apostrophe s, once', () => {
    expect(["alice's", "james'", "x''s", "a's'", 'bass', "'s", "'", ''].map(nameStem)).toEqual([
      'alice',
      'james',
      "x'",
      "a's",
      'bass',
      '',
      '',
      ''
    ])
  })
})

describe('the cascade on a sample', () => {
  it('never increases the unique count from one level to the next', () => {
    const prompts = readFileSync(
      new URL('./fixtures/analysis/independent-prompts.txt', import.meta.url),
      'utf8'
    )
      .split('\n')
      .filter(line => line.length > 0)
    // Surface variants of the same rows, and templated rows, so every level has something to fold. Not a
    // whole-row case change: `Python` is a name and `python` a word at level 4, while level 3 folds case, so
    // such variants can make the template count exceed the canonical one: a known limit of the cascade.
    const texts = prompts.flatMap((prompt, i) => [
      prompt,
      prompt.charAt(0).toLowerCase() + prompt.slice(1),
      `  ${prompt}  `,
      `${prompt.replace(/[?.!]$/u, '')}!!`,
      `What is ${i} + ${i * 7}?`,
      `Tom has ${i} apples and Ann has ${i + 2}.`
    ])
    const resolved = resolvedKeys(texts)
    const distinctResolved = [...new Set(resolved)]
    const counts = {
      exact: new Set(texts).size,
      normalised: new Set(texts.map(normalisedKey)).size,
      canonical: new Set(texts.map(canonicalKey)).size,
      template: distinctResolved.length,
      pattern: new Set(clusterPatterns(distinctResolved, DEFAULT_PATTERN_PARAMETERS)).size
    }
    expect(counts.normalised).toBeLessThan(counts.exact)
    expect(counts.canonical).toBeLessThan(counts.normalised)
    expect(counts.template).toBeLessThan(counts.canonical)
    expect(counts.pattern).toBeLessThanOrEqual(counts.template)
    // The two templated families fold to one key each at level 4.
    expect(resolved.filter(k => k === 'what is <n> + <n>').length).toBe(prompts.length)
  })
})
