// Markdown building blocks shared by the report's sections. Cells and summaries must already be escaped.

export type Align = 'left' | 'right'

export function table(header: string[], align: Align[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  const rule = align.map(a => (a === 'right' ? '---:' : '---'))
  return [line(header), line(rule), ...rows.map(line)].join('\n')
}

// A blank line after <summary> and before </details> lets GitHub render the markdown between them.
export function details(summary: string, body: string): string {
  return `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`
}
