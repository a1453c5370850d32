// Dataset text written to attack a report: HTML, markdown, mentions, references, links, control characters.

/** One hostile string per attack; each must render inert wherever dataset text appears. */
export const HOSTILE = [
  '</details>',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '| a | b |',
  'line one\nline two\r\nline three',
  '@octocat says hi',
  'cc @org/team please',
  'fixes #123',
  'see owner/repo#123 and GH-42',
  '[x](javascript:alert(1))',
  '![img](https://evil.example/x.png)',
  '```mermaid',
  'zero\u200bwidth\u200c\u200d\u2060\ufeff and \u202eRTL override\u202c \u2066isolate\u2069',
  'visit https://evil.example or www.evil.example or me@example.com',
  '*bold* _it_ ~~gone~~ `code` $x^2$ <!-- c --> &lt;b&gt; &#64;user \\@user',
  '# heading\n- item\n1. one\n> quote'
]
