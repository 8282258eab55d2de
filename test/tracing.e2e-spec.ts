import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDistOnce } from './support/build';
import { productionTestEnv, ServerProcess } from './support/server-process';

/** Traces from a real server process, received by an OTLP/HTTP collector of our own (JSON protocol). */
const ROOT = resolve(__dirname, '..');
const SIGN_UP = 'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
const LOGIN = 'mutation Login($input: LoginInput!) { login(input: $input) { status accessToken } }';
const SPAN_KIND_SERVER = 2;

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}

/** Accepts POST /v1/traces as an OpenTelemetry collector would, keeping every span. */
class OtlpReceiver {
  readonly spans: Span[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpReceiver> {
    let receiver: OtlpReceiver | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/traces') receiver!.receive(JSON.parse(body));
        res.writeHead(req.url === '/v1/traces' ? 200 : 404, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    receiver = new OtlpReceiver(server);
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((closed) => this.server.close(() => closed()));
  }

  private receive(request: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Omit<Span, 'attributes'> & { attributes?: OtlpAttribute[] }> }> }> }): void {
    for (const span of request.resourceSpans.flatMap((r) => r.scopeSpans).flatMap((s) => s.spans)) {
      const attributes = Object.fromEntries((span.attributes ?? []).map(({ key, value }) => [key, Object.values(value)[0]]));
      this.spans.push({ ...span, attributes });
    }
  }
}

let receiver: OtlpReceiver;
let server: ServerProcess;
let dataDir: string;
beforeAll(async () => {
  await buildDistOnce();
  receiver = await OtlpReceiver.start();
  dataDir = mkdtempSync(join(tmpdir(), 'tracing-e2e-'));
  server = await ServerProcess.start(ROOT, {
    ...(await productionTestEnv(dataDir)),
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('exports a login as one trace: the HTTP server span, the GraphQL operation, its SQL statements under it', async () => {
    const email = `traced-${randomBytes(4).toString('hex')}@example.com`;
    const password = 'correct horse battery staple';
    expect((await server.gql(SIGN_UP, { input: { email, password } })).body.errors).toBeUndefined();
    expect((await server.gql(LOGIN, { input: { email, password } })).body.errors).toBeUndefined();

    let operation: Span | undefined;
    for (let waited = 0; !operation && waited < 10_000; waited += 100) {
      await new Promise((tick) => setTimeout(tick, 100));
      operation = receiver.spans.find((span) => span.name === 'mutation Login');
    }
    expect(operation, 'no GraphQL span for the login').toBeDefined();
    await new Promise((settle) => setTimeout(settle, 500));
    const trace = receiver.spans.filter((span) => span.traceId === operation!.traceId);
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const ancestors = (span: Span): Span[] => {
      const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
      return parent ? [parent, ...ancestors(parent)] : [];
    };

    const [root, ...others] = trace.filter((span) => !span.parentSpanId);
    expect(others).toEqual([]);
    expect(root).toMatchObject({ kind: SPAN_KIND_SERVER, attributes: expect.objectContaining({ 'http.request.method': 'POST' }) });
    expect(ancestors(operation!)).toContain(root);
    expect(operation!.attributes).toMatchObject({ 'graphql.operation.name': 'Login', 'graphql.operation.type': 'mutation' });

    const statements = trace.filter((span) => (span.attributes['db.system.name'] ?? span.attributes['db.system']) === 'postgresql');
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(ancestors(statement)).toContain(operation);
    // Coarse on purpose: HTTP, parse, validate, execute, then one span per statement; none per
    // resolver or field, nor per pool checkout.
    expect(trace.length).toBe(4 + statements.length);
  });

  it('is not loaded at all when the variable is unset', () => {
    const script = "require('./dist/src/tracing.js'); process.stdout.write(String(Object.keys(require.cache).filter((f) => f.includes('@opentelemetry')).length))";
    const loaded = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(loaded).toBe('0');
  });
});
