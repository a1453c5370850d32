// A small HTTP server on 127.0.0.1 that stands in for the GitHub REST API in tests. Every request is checked
// against GitHub's published OpenAPI description (@octokit/openapi): the operation must exist, path and query
// parameters and the JSON body must match their schemas, and a token must be sent. A request that does not is
// answered 422 and recorded as a problem, which `assertValid()` turns into a test failure. Answers are built from
// the description's own examples and checked against its response schemas, so the stand-in cannot drift from
// GitHub either. It keeps state (check runs, comments, pull requests), records every call, and can be told to
// fail on cue: a read-only token (a fork's pull request), or any status on any operation.

import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { Ajv, type ValidateFunction } from 'ajv'

// ---------------------------------------------------------------------------------------------------------
// The OpenAPI description: loaded once per test file (it is 70 MB), routes built once, schemas compiled lazily.

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: Record<string, unknown>
}

interface MediaType {
  schema?: Record<string, unknown>
  examples?: Record<string, { value: unknown }>
  example?: unknown
}

interface Operation {
  operationId?: string
  parameters?: Parameter[]
  requestBody?: { required?: boolean; content?: Record<string, MediaType> }
  responses?: Record<string, { content?: Record<string, MediaType> }>
}

interface OpenApi {
  paths: Record<string, Record<string, Operation>>
}

interface Route {
  method: string
  template: string
  pattern: RegExp
  names: string[]
  literals: number
  operation: Operation
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete']
/** A request body the action could send is a few hundred KB at most; more is a bug worth a loud failure. */
const MAX_BODY_BYTES = 10 * 1024 * 1024
/** "body is too long (maximum is 65536 characters)": GitHub's answer to a longer issue comment. */
export const COMMENT_BODY_MAX_CHARS = 65_536
/** GitHub's default and largest page sizes for list endpoints. */
const DEFAULT_PER_PAGE = 30
const MAX_PER_PAGE = 100

let specCache: OpenApi | null = null
let routesCache: Route[] | null = null

function spec(): OpenApi {
  if (specCache === null) {
    const path = createRequire(import.meta.url).resolve(
      '@octokit/openapi/generated/api.github.com.deref.json'
    )
    specCache = JSON.parse(readFileSync(path, 'utf8')) as OpenApi
  }
  return specCache
}

function routes(): Route[] {
  if (routesCache !== null) return routesCache
  const out: Route[] = []
  for (const [template, item] of Object.entries(spec().paths)) {
    const names: string[] = []
    const segments = template.split('/').map(segment => {
      const param = /^\{([^}]+)\}$/.exec(segment)
      if (param === null) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      names.push(param[1] as string)
      return '([^/]+)'
    })
    const literals = template.split('/').filter(s => s !== '' && !s.startsWith('{')).length
    for (const method of METHODS) {
      const operation = item[method]
      if (operation !== undefined) {
        out.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${segments.join('/')}$`),
          names,
          literals,
          operation
        })
      }
    }
  }
  routesCache = out
  return out
}

// OpenAPI 3.0 schemas: `nullable` is understood by Ajv; formats other than date-time are not checked.
const ajv = new Ajv({ strict: false, allErrors: true, logger: false })
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i)
for (const format of [
  'uri',
  'email',
  'uri-template',
  'date',
  'uuid',
  'hostname',
  'ipv4',
  'ipv6',
  'binary',
  'int32',
  'int64',
  'repo.nwo',
  'ssh-key',
  'ssh-key fingerprint',
  'uri-reference'
]) {
  ajv.addFormat(format, true)
}
const compiled = new WeakMap<object, ValidateFunction>()

/**
 * OpenAPI 3.0.3: "A true value [of nullable] adds null to the allowed values", enum included; Ajv applies
 * `nullable` to `type` only, so null is added to such enums before compiling.
 */
function withNullableEnums(value: unknown): void {
  if (value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    for (const item of value) withNullableEnums(item)
    return
  }
  const schema = value as Record<string, unknown>
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null))
    schema.enum.push(null)
  for (const child of Object.values(schema)) withNullableEnums(child)
}

function validator(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema)
  if (validate === undefined) {
    withNullableEnums(schema)
    validate = ajv.compile(schema)
    compiled.set(schema, validate)
  }
  return validate
}

function schemaErrors(schema: Record<string, unknown>, value: unknown): string[] {
  const validate = validator(schema)
  if (validate(value)) return []
  return (validate.errors ?? [])
    .slice(0, 10)
    .map(e => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
}

/** A path parameter or query value, converted the way GitHub reads it (numbers, booleans) before validation. */
function coerced(value: string, schema: Record<string, unknown> | undefined): unknown {
  const type = schema?.type
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value)
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true'
  return value
}

function example(route: Route, status: string, name?: string): Record<string, unknown> {
  const media = route.operation.responses?.[status]?.content?.['application/json']
  const examples = media?.examples ?? {}
  const chosen = name !== undefined ? examples[name] : Object.values(examples)[0]
  const value = chosen?.value ?? media?.example
  if (value === undefined) throw new Error(`no example for ${route.method} ${route.template} ${status}`)
  return structuredClone(value) as Record<string, unknown>
}

function findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | null {
  let best: { route: Route; params: Record<string, string> } | null = null
  for (const route of routes()) {
    if (route.method !== method) continue
    const match = route.pattern.exec(path)
    if (match === null) continue
    if (best !== null && best.route.literals >= route.literals) continue
    const params: Record<string, string> = {}
    route.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] as string)))
    best = { route, params }
  }
  return best
}

// ---------------------------------------------------------------------------------------------------------
// State and recording.

export type TokenKind = 'installation' | 'user' | 'read-only'

export interface StandInOptions {
  owner: string
  repo: string
  /**
   * `installation` (the default): GITHUB_TOKEN, writes as `<appSlug>[bot]`, cannot read GET /user.
   * `user`: a personal token, writes as `userLogin`, may not create check runs (GitHub: 403).
   * `read-only`: a fork's pull_request token: every write is 403 "Resource not accessible by integration".
   */
  token?: TokenKind
  appSlug?: string
  userLogin?: string
}

export interface RecordedCall {
  method: string
  path: string
  /** `POST /repos/{owner}/{repo}/check-runs`, or `unknown` when no operation matches. */
  operation: string
  params: Record<string, string>
  query: Record<string, string>
  body: unknown
  status: number
}

export interface Fault {
  /** Operation as `METHOD /template`; every operation when absent. */
  operation?: string
  status: number
  message?: string
  /** How many matching calls fail; all of them when absent. */
  times?: number
  /** Let this many matching calls through first (e.g. fail only the second batch of annotations). */
  after?: number
  /** Headers sent with the failure, e.g. `retry-after` for a secondary rate limit. */
  headers?: Record<string, string>
  /** Drop the connection without answering (a connection reset); `status` is then only recorded. */
  reset?: boolean
  /**
   * With `reset`: carry the request out first, then drop the connection, as when GitHub has written the
   * comment (or created the check run) but the answer is lost on the way back.
   */
  applied?: boolean
}

export interface StoredCheckRun {
  id: number
  name: string
  head_sha: string
  /** The integrator's reference for the run; null when the create sent none. */
  external_id: string | null
  status: string
  conclusion: string | null
  details_url: string | null
  started_at: string | null
  completed_at: string | null
  output: { title: string | null; summary: string | null; text: string | null }
  annotations: Record<string, unknown>[]
  /** Annotations per request, in order: each must be at most 50. */
  annotationBatches: number[]
}

export interface StoredComment {
  id: number
  issueNumber: number
  body: string
  login: string
  type: 'User' | 'Bot'
  created_at: string
  updated_at: string
}

export interface StoredPull {
  number: number
  headSha: string
  headRef: string
  headOwner: string
  state: 'open' | 'closed'
}

interface Answer {
  status: number
  body?: unknown
  headers?: Record<string, string>
  reset?: boolean
}

class HttpAnswer extends Error {
  constructor(readonly answer: Answer) {
    super(`HTTP ${answer.status}`)
  }
}

const errorBody = (status: number, message: string, documentation = 'https://docs.github.com/rest') => ({
  message,
  documentation_url: documentation,
  status: String(status)
})

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

export class GitHubStandIn {
  readonly calls: RecordedCall[] = []
  /** Requests GitHub's description does not allow, and answers of ours it would not give. */
  readonly problems: string[] = []
  readonly checkRuns: StoredCheckRun[] = []
  readonly comments: StoredComment[] = []
  readonly pulls: StoredPull[] = []
  private readonly faults: Fault[] = []
  private nextId = 1000
  private server: Server | null = null
  url = ''

  private constructor(readonly options: Required<StandInOptions>) {}

  static async start(options: StandInOptions): Promise<GitHubStandIn> {
    const standIn = new GitHubStandIn({
      token: 'installation',
      appSlug: 'github-actions',
      userLogin: 'octocat',
      ...options
    })
    routes()
    await standIn.listen()
    return standIn
  }

  private listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res))
    this.server = server
    return new Promise(resolve =>
      server.listen(0, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        resolve()
      })
    )
  }

  async close(): Promise<void> {
    const server = this.server
    if (server === null) return
    server.closeAllConnections()
    await new Promise<void>(resolve => server.close(() => resolve()))
  }

  /** Who the token writes as. */
  get login(): string {
    return this.options.token === 'user' ? this.options.userLogin : `${this.options.appSlug}[bot]`
  }

  setToken(token: TokenKind): void {
    this.options.token = token
  }

  /** Forget calls and problems (state stays), between two runs of one scenario. */
  clearCalls(): void {
    this.calls.length = 0
    this.problems.length = 0
  }

  fail(fault: Fault): void {
    this.faults.push({ ...fault })
  }

  addComment(issueNumber: number, login: string, body: string, type: 'User' | 'Bot' = 'User'): StoredComment {
    const comment: StoredComment = {
      id: this.nextId++,
      issueNumber,
      body,
      login,
      type,
      created_at: now(),
      updated_at: now()
    }
    this.comments.push(comment)
    return comment
  }

  addPull(pull: Omit<StoredPull, 'state'> & { state?: 'open' | 'closed' }): void {
    this.pulls.push({ state: 'open', ...pull })
  }

  callsTo(operation: string): RecordedCall[] {
    return this.calls.filter(c => c.operation === operation)
  }

  /** Calls that changed something (anything but GET) and succeeded. */
  successfulWrites(): RecordedCall[] {
    return this.calls.filter(c => c.method !== 'GET' && c.status < 400)
  }

  assertValid(): void {
    if (this.problems.length > 0) {
      throw new Error(
        `The GitHub stand-in saw requests GitHub would not accept:\n- ${this.problems.join('\n- ')}`
      )
    }
  }

  // -------------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url)
    const method = (req.method ?? 'GET').toUpperCase()
    const call: RecordedCall = {
      method,
      path: url.pathname,
      operation: 'unknown',
      params: {},
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0
    }
    this.calls.push(call)
    let answer: Answer
    try {
      const raw = await readBody(req)
      answer = this.answer(req, url, method, raw, call)
    } catch (error) {
      answer =
        error instanceof HttpAnswer ? error.answer : { status: 500, body: errorBody(500, String(error)) }
      if (!(error instanceof HttpAnswer))
        this.problems.push(`stand-in error on ${method} ${url.pathname}: ${String(error)}`)
    }
    call.status = answer.status
    if (answer.reset) {
      req.socket.destroy()
      return
    }
    const headers: Record<string, string> = {
      'x-github-request-id': `STANDIN:${this.calls.length}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      ...answer.headers
    }
    if (answer.body === undefined) {
      res.writeHead(answer.status, headers)
      res.end()
      return
    }
    res.writeHead(answer.status, { ...headers, 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(answer.body))
  }

  private answer(req: IncomingMessage, url: URL, method: string, raw: string, call: RecordedCall): Answer {
    const found = findRoute(method, url.pathname)
    if (found === null) {
      this.problems.push(`${method} ${url.pathname}: no such operation in GitHub's OpenAPI description`)
      return { status: 404, body: errorBody(404, 'Not Found') }
    }
    const { route, params } = found
    call.operation = `${method} ${route.template}`
    call.params = params
    const invalid = this.requestProblems(req, url, raw, route, params, call)
    if (invalid.length > 0) {
      for (const p of invalid) this.problems.push(`${call.operation}: ${p}`)
      return { status: 422, body: { ...errorBody(422, 'Invalid request.'), errors: invalid } }
    }
    if (!req.headers.authorization) {
      this.problems.push(`${call.operation}: sent without a token`)
      return { status: 401, body: errorBody(401, 'Requires authentication') }
    }
    const fault = this.faults.find(
      f =>
        (f.operation === undefined || f.operation === call.operation) &&
        (f.times ?? 1) > 0 &&
        (f.after === undefined || f.after-- <= 0)
    )
    if (fault !== undefined) {
      if (fault.times !== undefined) fault.times--
      if (fault.reset === true && fault.applied === true)
        return { ...this.respond(route, call, params, url), reset: true }
      return {
        status: fault.status,
        body: errorBody(fault.status, fault.message ?? 'Stand-in fault'),
        ...(fault.headers !== undefined && { headers: fault.headers }),
        ...(fault.reset === true && { reset: true })
      }
    }
    if (
      params.owner !== undefined &&
      (params.owner !== this.options.owner || params.repo !== this.options.repo)
    ) {
      return { status: 404, body: errorBody(404, 'Not Found') }
    }
    if (method !== 'GET' && this.options.token === 'read-only') {
      return { status: 403, body: errorBody(403, 'Resource not accessible by integration') }
    }
    let answer: Answer
    try {
      answer = this.respond(route, call, params, url)
    } catch (error) {
      if (error instanceof HttpAnswer) return error.answer
      throw error
    }
    const schema = route.operation.responses?.[String(answer.status)]?.content?.['application/json']?.schema
    if (answer.status < 300 && schema !== undefined && answer.body !== undefined) {
      for (const p of schemaErrors(schema, answer.body))
        this.problems.push(`stand-in answer to ${call.operation}: ${p}`)
    }
    return answer
  }

  private requestProblems(
    req: IncomingMessage,
    url: URL,
    raw: string,
    route: Route,
    params: Record<string, string>,
    call: RecordedCall
  ): string[] {
    const problems: string[] = []
    const declared = route.operation.parameters ?? []
    for (const p of declared.filter(p => p.in === 'path')) {
      const value = params[p.name]
      if (value === undefined) continue
      if (p.schema !== undefined) {
        problems.push(
          ...schemaErrors(p.schema, coerced(value, p.schema)).map(e => `path parameter ${p.name}: ${e}`)
        )
      }
    }
    const query = declared.filter(p => p.in === 'query')
    for (const [name, value] of url.searchParams) {
      const p = query.find(q => q.name === name)
      if (p === undefined) problems.push(`unknown query parameter ${name}`)
      else if (p.schema !== undefined) {
        problems.push(
          ...schemaErrors(p.schema, coerced(value, p.schema)).map(e => `query parameter ${name}: ${e}`)
        )
      }
    }
    for (const p of query)
      if (p.required && !url.searchParams.has(p.name)) problems.push(`missing query parameter ${p.name}`)

    const bodySpec = route.operation.requestBody
    if (raw.length === 0) {
      if (bodySpec?.required) problems.push('missing request body')
      return problems
    }
    const schema = bodySpec?.content?.['application/json']?.schema
    if (bodySpec === undefined || schema === undefined) {
      problems.push('sent a body to an operation that takes none')
      return problems
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      problems.push(`content-type ${req.headers['content-type'] ?? '(none)'} is not application/json`)
    }
    try {
      call.body = JSON.parse(raw)
    } catch {
      problems.push('the body is not JSON')
      return problems
    }
    problems.push(...schemaErrors(schema, call.body).map(e => `body ${e}`))
    return problems
  }

  // -------------------------------------------------------------------------------------------------------
  // GitHub's behaviour for the operations the action uses.

  private respond(route: Route, call: RecordedCall, params: Record<string, string>, url: URL): Answer {
    const body = (call.body ?? {}) as Record<string, unknown>
    switch (call.operation) {
      case 'POST /repos/{owner}/{repo}/check-runs': {
        if (this.options.token === 'user') {
          throw new HttpAnswer({
            status: 403,
            body: errorBody(403, 'You must authenticate via a GitHub App.')
          })
        }
        const run: StoredCheckRun = {
          id: this.nextId++,
          name: String(body.name),
          head_sha: String(body.head_sha),
          external_id: typeof body.external_id === 'string' ? body.external_id : null,
          status: 'queued',
          conclusion: null,
          details_url: null,
          started_at: now(),
          completed_at: null,
          output: { title: null, summary: null, text: null },
          annotations: [],
          annotationBatches: []
        }
        this.checkRuns.push(run)
        this.updateCheckRun(run, body)
        return {
          status: 201,
          body: this.checkRunJson(example(route, '201', 'example-of-in-progress-conclusion'), run)
        }
      }
      case 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}': {
        const run = this.checkRuns.find(r => r.id === Number(params.check_run_id))
        if (run === undefined) throw notFound()
        this.updateCheckRun(run, body)
        return { status: 200, body: this.checkRunJson(example(route, '200'), run) }
      }
      case 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': {
        // Only commit SHAs are looked up, newest run first. "filter: latest" (the default) is taken to keep the
        // newest run of each name, so a caller that needs every run must ask for `all`.
        const q = url.searchParams
        const latest = (q.get('filter') ?? 'latest') === 'latest'
        const runs = this.checkRuns
          .filter(
            r =>
              r.head_sha === params.ref &&
              (!q.has('check_name') || r.name === q.get('check_name')) &&
              (!q.has('status') || r.status === q.get('status'))
          )
          .sort((a, b) => b.id - a.id)
          .filter((r, i, all) => !latest || all.findIndex(o => o.name === r.name) === i)
        const { slice, headers } = paged(url, runs)
        const base = (example(route, '200').check_runs as Record<string, unknown>[])[0] ?? {}
        return {
          status: 200,
          body: { total_count: runs.length, check_runs: slice.map(r => this.checkRunJson(base, r)) },
          ...(headers !== undefined && { headers })
        }
      }
      case 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        const all = this.comments
          .filter(c => c.issueNumber === Number(params.issue_number))
          .sort((a, b) => a.id - b.id)
        const { slice, headers } = paged(url, all)
        return {
          status: 200,
          body: slice.map(c => this.commentJson(route, c)),
          ...(headers !== undefined && { headers })
        }
      }
      case 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        const text = this.commentBody(body)
        const isBot = this.options.token !== 'user'
        const comment = this.addComment(Number(params.issue_number), this.login, text, isBot ? 'Bot' : 'User')
        return { status: 201, body: this.commentJson(route, comment) }
      }
      case 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': {
        const comment = this.comments.find(c => c.id === Number(params.comment_id))
        if (comment === undefined) throw notFound()
        comment.body = this.commentBody(body)
        comment.updated_at = now()
        return { status: 200, body: this.commentJson(route, comment) }
      }
      case 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}': {
        const index = this.comments.findIndex(c => c.id === Number(params.comment_id))
        if (index < 0) throw notFound()
        this.comments.splice(index, 1)
        return { status: 204 }
      }
      case 'GET /user': {
        if (this.options.token !== 'user') {
          throw new HttpAnswer({
            status: 403,
            body: errorBody(403, 'Resource not accessible by integration')
          })
        }
        const user = example(route, '200', 'response-with-public-profile-information')
        return { status: 200, body: { ...user, login: this.options.userLogin } }
      }
      case 'GET /repos/{owner}/{repo}/pulls/{pull_number}': {
        const pull = this.pulls.find(p => p.number === Number(params.pull_number))
        if (pull === undefined) throw notFound()
        return { status: 200, body: this.pullJson(route, pull) }
      }
      case 'GET /repos/{owner}/{repo}/pulls': {
        const state = url.searchParams.get('state') ?? 'open'
        const head = url.searchParams.get('head')
        const pulls = this.pulls.filter(
          p =>
            (state === 'all' || p.state === state) &&
            (head === null || head === `${p.headOwner}:${p.headRef}`)
        )
        return { status: 200, body: pulls.map(p => this.pullJson(route, p)) }
      }
      default:
        this.problems.push(`${call.operation}: valid, but the stand-in does not implement it`)
        throw new HttpAnswer({ status: 501, body: errorBody(501, 'Not implemented by the stand-in') })
    }
  }

  private updateCheckRun(run: StoredCheckRun, body: Record<string, unknown>): void {
    if (typeof body.details_url === 'string') run.details_url = body.details_url
    if (typeof body.started_at === 'string') run.started_at = body.started_at
    if (typeof body.status === 'string') run.status = body.status
    if (typeof body.conclusion === 'string') {
      // "Providing conclusion will automatically set the status parameter to completed."
      run.conclusion = body.conclusion
      run.status = 'completed'
    }
    if (run.status === 'completed')
      run.completed_at = typeof body.completed_at === 'string' ? body.completed_at : now()
    const output = body.output as Record<string, unknown> | undefined
    if (output !== undefined) {
      run.output.title = String(output.title)
      run.output.summary = String(output.summary)
      if (typeof output.text === 'string') run.output.text = output.text
      // "Each time you update the check run, annotations are appended to the list of annotations that already exist."
      const annotations = Array.isArray(output.annotations)
        ? (output.annotations as Record<string, unknown>[])
        : []
      run.annotations.push(...annotations)
      if (annotations.length > 0) run.annotationBatches.push(annotations.length)
    }
  }

  /** A stored run as GitHub answers it, over `base`: one of GitHub's own examples of a check run. */
  private checkRunJson(base: Record<string, unknown>, run: StoredCheckRun): Record<string, unknown> {
    const { owner, repo } = this.options
    const app = base.app as Record<string, unknown>
    return {
      ...base,
      id: run.id,
      node_id: Buffer.from(`CheckRun${run.id}`).toString('base64'),
      head_sha: run.head_sha,
      external_id: run.external_id ?? '',
      url: `${this.url}/repos/${owner}/${repo}/check-runs/${run.id}`,
      html_url: `https://github.com/${owner}/${repo}/runs/${run.id}`,
      details_url: run.details_url,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.started_at,
      completed_at: run.completed_at,
      name: run.name,
      output: {
        title: run.output.title,
        summary: run.output.summary,
        text: run.output.text,
        annotations_count: run.annotations.length,
        annotations_url: `${this.url}/repos/${owner}/${repo}/check-runs/${run.id}/annotations`
      },
      app: { ...app, slug: this.options.appSlug, name: 'GitHub Actions' },
      pull_requests: []
    }
  }

  private commentBody(body: Record<string, unknown>): string {
    const text = String(body.body)
    if ([...text].length > COMMENT_BODY_MAX_CHARS) {
      this.problems.push(
        `comment body of ${[...text].length} characters: GitHub rejects more than ${COMMENT_BODY_MAX_CHARS}`
      )
      throw new HttpAnswer({
        status: 422,
        body: {
          ...errorBody(422, 'Validation Failed'),
          errors: [
            {
              resource: 'IssueComment',
              code: 'custom',
              field: 'body',
              message: 'body is too long (maximum is 65536 characters)'
            }
          ]
        }
      })
    }
    return text
  }

  private commentJson(route: Route, c: StoredComment): Record<string, unknown> {
    const { owner, repo } = this.options
    const status = route.method === 'POST' ? '201' : '200'
    const base = example(route, status)
    const template = (Array.isArray(base) ? base[0] : base) as Record<string, unknown>
    const user = template.user as Record<string, unknown>
    return {
      ...template,
      id: c.id,
      node_id: Buffer.from(`IssueComment${c.id}`).toString('base64'),
      url: `${this.url}/repos/${owner}/${repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${owner}/${repo}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/${owner}/${repo}/issues/${c.issueNumber}`,
      body: c.body,
      user: { ...user, login: c.login, type: c.type, id: loginId(c.login) },
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: c.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR'
    }
  }

  private pullJson(route: Route, p: StoredPull): Record<string, unknown> {
    const base = example(route, '200')
    const template = (Array.isArray(base) ? base[0] : base) as Record<string, unknown>
    const head = template.head as Record<string, unknown>
    const headRepo = head.repo as Record<string, unknown>
    const headOwner = headRepo.owner as Record<string, unknown>
    return {
      ...template,
      // GitHub's own example lists teams without the `type` its schema requires; none are needed here.
      requested_teams: [],
      number: p.number,
      state: p.state,
      head: {
        ...head,
        sha: p.headSha,
        ref: p.headRef,
        label: `${p.headOwner}:${p.headRef}`,
        repo: { ...headRepo, owner: { ...headOwner, login: p.headOwner } }
      }
    }
  }
}

/** One page of a list, as `per_page` and `page` ask, with GitHub's `link` header when there are others. */
function paged<T>(url: URL, all: T[]): { slice: T[]; headers?: Record<string, string> } {
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? DEFAULT_PER_PAGE), MAX_PER_PAGE)
  const page = Number(url.searchParams.get('page') ?? 1)
  const slice = all.slice((page - 1) * perPage, page * perPage)
  const last = Math.max(1, Math.ceil(all.length / perPage))
  const link = (p: number, rel: string) => {
    const next = new URL(url.href)
    next.searchParams.set('per_page', String(perPage))
    next.searchParams.set('page', String(p))
    return `<${next.href}>; rel="${rel}"`
  }
  const links: string[] = []
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'))
  return { slice, ...(links.length > 0 && { headers: { link: links.join(', ') } }) }
}

function notFound(): HttpAnswer {
  return new HttpAnswer({ status: 404, body: errorBody(404, 'Not Found') })
}

/** A stable numeric id per login, as GitHub gives every account one. */
function loginId(login: string): number {
  let h = 7
  for (const char of login) h = (h * 31 + char.charCodeAt(0)) % 1_000_000
  return h + 1
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new HttpAnswer({ status: 413, body: errorBody(413, 'Payload too large') }))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
