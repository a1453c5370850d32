import picomatch from 'picomatch'

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
  return path => included(path) && !excluded(path)
}
