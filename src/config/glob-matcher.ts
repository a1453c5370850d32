import picomatch from 'picomatch'

// picomatch's `*` and `**` never match a line break (they compile to `.`), so a folder named with a newline
// would hide its files from every dataset, and from the gate. Line breaks are matched as an ordinary character.
const LINE_BREAKS = /[\n\r\u2028\u2029]/g
const LINE_BREAK_STAND_IN = '\ufffd'

/**
 * A matcher for a list of repository-relative globs where `!glob` excludes: a path matches when some plain
 * glob matches it and no `!` glob does. (picomatch given a list ORs its members, so `!x` alone would match
 * every path but x.) An empty list, or one with only exclusions, matches nothing.
 */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const include = globs.filter(g => !g.startsWith('!'))
  const exclude = globs.filter(g => g.startsWith('!')).map(g => g.slice(1))
  if (include.length === 0) return () => false
  const included = picomatch(include, { dot: true })
  const excluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : () => false
  return path => {
    const matchable = path.replace(LINE_BREAKS, LINE_BREAK_STAND_IN)
    return included(matchable) && !excluded(matchable)
  }
}
