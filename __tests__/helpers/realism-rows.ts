// Generated rows that look typed by people or written by a generator, for the realism tests. Distinct texts,
// deterministic, no data files.

const TOPICS = [
  'pizza',
  'router',
  'homework',
  'flights',
  'sourdough',
  'python list',
  'tax return',
  'guitar chords',
  'dog food',
  'laptop fan',
  'tomato plants',
  'train tickets'
]
const TYPOS = ['teh', 'whcih', 'recieve', 'definately', 'wiht', 'becuase']

export interface TextPair {
  input: string
  output: string
}

/**
 * People: terse, lower case, mostly unpunctuated; every third input carries a typo and every fourth answer admits
 * not knowing.
 */
export function humanPairs(count: number, offset = 0): TextPair[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset
    const topic = TOPICS[i % TOPICS.length]!
    const typo = i % 3 === 0 ? `${TYPOS[i % TYPOS.length]} ` : ''
    return {
      input: `${typo}${topic} help ${i}`,
      output: i % 4 === 0 ? `honestly i dont know, maybe ${i}` : `try the ${topic} thing ${i}`
    }
  })
}

/** A generator: long, capitalised, punctuated inputs; eager, polite answers. */
export function generatedPairs(count: number, offset = 0): TextPair[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset
    const topic = TOPICS[i % TOPICS.length]!
    return {
      input: `Write a detailed and well structured explanation of how to choose the best ${topic}, variant ${i}.`,
      output: `Certainly! I'd be happy to help you choose the best ${topic}. Here are several thoughtful considerations, number ${i}.`
    }
  })
}

/** One source with a fixed mix of both styles, so any two halves of it look alike. */
export function mixedPairs(count: number): TextPair[] {
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? humanPairs(1, i)[0]! : generatedPairs(1, i)[0]!
  )
}
