import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Schemas } from '@qdrant/js-client-rest';
import { DoubleState, QdrantDoubleError } from './collections.js';
import { QdrantSpec } from './spec-validator.js';

/** One request as the double saw it, for tests that assert on what the store sent. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

/** A scripted failure answered instead of the next matching request (to test retries). */
export interface Fault {
  /** Applies to requests whose path matches; every request when omitted. */
  path?: RegExp;
  /** An HTTP status to answer, or `drop` to destroy the socket without answering. */
  kind: number | 'drop' | 'hang';
  times: number;
  /** A Retry-After header value (seconds, or an HTTP date). */
  retryAfter?: string;
}

type Handler = (params: Record<string, string>, body: unknown) => unknown;
interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

let sharedSpec: QdrantSpec | undefined;

function compile(template: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), names };
}

/**
 * An HTTP server that speaks the subset of Qdrant's REST API choir uses. Every request is first validated against
 * Qdrant's OpenAPI description; a body or query parameter that Qdrant would reject gets Qdrant's 400 answer.
 */
export class QdrantDouble {
  readonly state = new DoubleState();
  readonly requests: RecordedRequest[] = [];
  /** Requests the spec rejected: a test can assert this stayed empty. */
  readonly rejected: Array<RecordedRequest & { problem: string }> = [];
  readonly faults: Fault[] = [];
  private readonly routes: Route[] = [];
  private readonly spec: QdrantSpec;
  private server: Server | undefined;
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(private readonly options: { apiKey?: string } = {}) {
    sharedSpec ??= new QdrantSpec();
    this.spec = sharedSpec;
    const s = this.state;
    const ok = { status: 'acknowledged' } as const;
    // `/collections/aliases` must be matched before `/collections/{collection_name}`.
    this.route('POST', '/collections/aliases', (_, b) => {
      s.changeAliases(b as Schemas['ChangeAliasesOperation']);
      return true;
    });
    this.route('GET', '/aliases', () => ({ aliases: s.aliasList() }));
    this.route('GET', '/collections', () => ({ collections: [...s.collections.keys()].map((name) => ({ name })) }));
    // Collection-level reads are answered for physical names only (whether Qdrant resolves aliases there is not
    // documented), so the store is tested not to rely on it; point operations do resolve aliases, as documented.
    this.route('GET', '/collections/{collection_name}/exists', (p) => ({
      exists: s.collections.has(p['collection_name']!),
    }));
    this.route('GET', '/collections/{collection_name}/aliases', (p) => ({
      aliases: s.aliasList(s.resolve(p['collection_name']!).name),
    }));
    this.route('GET', '/collections/{collection_name}', (p) => this.describe(p['collection_name']!));
    this.route('PUT', '/collections/{collection_name}', (p, b) => {
      s.create(p['collection_name']!, b as Schemas['CreateCollection']);
      return true;
    });
    this.route('DELETE', '/collections/{collection_name}', (p) => s.drop(p['collection_name']!));
    this.route('PUT', '/collections/{collection_name}/index', (p, b) => {
      s.createIndex(p['collection_name']!, b as Schemas['CreateFieldIndex']);
      return { ...ok, operation_id: 1 };
    });
    this.route('PUT', '/collections/{collection_name}/points', (p, b) => {
      s.upsert(p['collection_name']!, b as Schemas['PointInsertOperations']);
      return { status: 'completed', operation_id: 1 };
    });
    this.route('POST', '/collections/{collection_name}/points/payload', (p, b) => {
      s.setPayload(p['collection_name']!, b as Schemas['SetPayload']);
      return { status: 'completed', operation_id: 1 };
    });
    this.route('POST', '/collections/{collection_name}/points/delete', (p, b) => {
      s.delete(p['collection_name']!, b as Schemas['PointsSelector']);
      return { status: 'completed', operation_id: 1 };
    });
    this.route('POST', '/collections/{collection_name}/points/scroll', (p, b) =>
      s.scroll(p['collection_name']!, b as Schemas['ScrollRequest']),
    );
    this.route('POST', '/collections/{collection_name}/points/count', (p, b) =>
      s.count(p['collection_name']!, b as Schemas['CountRequest']),
    );
    this.route('POST', '/collections/{collection_name}/points/query', (p, b) =>
      s.query(p['collection_name']!, b as Schemas['QueryRequest']),
    );
  }

  private route(method: string, template: string, handler: Handler): void {
    // Fail at construction if the double answers an operation Qdrant's API does not have.
    this.spec.operation(method, template);
    this.routes.push({ method, template, handler, ...compile(template) });
  }

  private describe(name: string): Schemas['CollectionInfo'] {
    const c = this.state.collections.get(name);
    if (!c) throw new QdrantDoubleError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return {
      status: 'green',
      optimizer_status: 'ok',
      segments_count: 1,
      points_count: c.points.size,
      indexed_vectors_count: c.points.size,
      payload_schema: c.payloadSchema,
      config: {
        params: { vectors: { size: c.size, distance: c.distance }, shard_number: 1, replication_factor: 1 },
        hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10_000 },
        optimizer_config: {
          deleted_threshold: 0.2,
          vacuum_min_vector_number: 1000,
          default_segment_number: 0,
          flush_interval_sec: 5,
        },
        ...(c.metadata ? { metadata: c.metadata } : {}),
      },
    } as Schemas['CollectionInfo'];
  }

  /**
   * Starts listening on a free loopback port (or on `port`: a restart after `stop()`, as a Qdrant coming back from
   * an outage at its old address) and returns the base URL.
   */
  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('the Qdrant double is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private takeFault(path: string): Fault | undefined {
    const fault = this.faults.find((f) => f.times > 0 && (!f.path || f.path.test(path)));
    if (fault) fault.times--;
    return fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://double');
    const query = Object.fromEntries(url.searchParams);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      body: undefined,
      status: 0,
    };
    this.requests.push(record);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    const time = () => (performance.now() - started) / 1000;
    const fail = (status: number, error: string, headers?: Record<string, string>) =>
      send(status, { status: { error }, time: time() }, headers);

    const fault = this.takeFault(url.pathname);
    if (fault) {
      if (fault.kind === 'drop') return void req.socket.destroy();
      if (fault.kind === 'hang') return;
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
      return fail(fault.kind, `injected fault ${fault.kind}`, headers);
    }
    if (this.options.apiKey !== undefined && req.headers['api-key'] !== this.options.apiKey) {
      return fail(401, 'Must provide an API key or an Authorization bearer token');
    }
    if (url.pathname === '/' && req.method === 'GET') {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ title: 'qdrant - vector search engine (double)', version: '1.16.0' }));
    }
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch (err) {
      return fail(400, `Format error in JSON body: ${(err as Error).message}`);
    }
    record.body = body;
    for (const route of this.routes) {
      if (route.method !== req.method) continue;
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
      const problems = this.spec.operation(route.method, route.template).validate(body ?? {}, query);
      if (problems.length > 0) {
        const problem = problems.map((p) => `${p.where}: ${p.message}`).join('; ');
        this.rejected.push({ ...record, status: 400, problem });
        return fail(400, `Format error in JSON body / query: ${problem}`);
      }
      try {
        return send(200, { result: route.handler(params, body), status: 'ok', time: time() });
      } catch (err) {
        if (err instanceof QdrantDoubleError) return fail(err.status, err.message);
        return fail(500, `Service internal error: ${(err as Error).message}`);
      }
    }
    return fail(404, `the double has no route for ${req.method} ${url.pathname}`);
  }
}
