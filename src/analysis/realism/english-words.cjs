// The English word list (an-array-of-english-words, ~275k lower-case words, 3.3 MB of JSON), required on first
// use. A CommonJS shim because it is the one form that is lazy, inlined by the ncc bundle, and loadable by plain
// Node and Jest in ESM mode: ncc leaves `import.meta.url` unevaluated, so webpack cannot follow an ESM
// `createRequire(import.meta.url)` and compiles it to `undefined`; a static JSON import would parse the file on
// every start, realism report or not.
let words

exports.englishWords = function englishWords() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS file: require is the import here
  if (words === undefined) words = require('an-array-of-english-words')
  return words
}
