import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/database/embedded-postgres';
import { buildDistOnce } from './support/build';
import { productionTestEnv, ServerProcess } from './support/server-process';

/** Prometheus as it scrapes a real server process: its own port, never the public one. */
const ROOT = resolve(__dirname, '..');
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { status } }';
const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
const PASSWORD = 'correct horse battery staple';

let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'metrics-e2e-'));
  await buildDistOnce();
}, 180_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startServer(extra: Record<string, string>): Promise<{ server: ServerProcess; metricsUrl: string }> {
  const metricsPort = await freePort();
  const server = await ServerProcess.start(ROOT, {
    ...(await productionTestEnv(dataDir)),
    METRICS_PORT: String(metricsPort),
    ...extra,
  });
  return { server, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

/** POST /graphql on a connection of its own, so that the cluster's round robin hands each to the next worker. */
async function gqlOnNewConnection(server: ServerProcess, query: string, variables: Record<string, unknown>): Promise<{ errors?: Array<{ extensions: Record<string, unknown> }> }> {
  const body = JSON.stringify({ query, variables });
  return new Promise((answered, failed) => {
    const req = request(`${server.url}/graphql`, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => answered(JSON.parse(text)));
    });
    req.on('error', failed);
    req.end(body);
  });
}

async function signUpAndFailLogins(server: ServerProcess, wrongLogins: number): Promise<void> {
  const email = `metrics-${randomBytes(4).toString('hex')}@example.com`;
  expect((await gqlOnNewConnection(server, SIGN_UP, { input: { email, password: PASSWORD } })).errors).toBeUndefined();
  for (let i = 0; i < wrongLogins; i++) {
    const wrong = await gqlOnNewConnection(server, LOGIN, { input: { email, password: 'not the password' } });
    expect(wrong.errors![0]!.extensions.code).toBe('INVALID_CREDENTIALS');
  }
}

/** The value of one sample line, e.g. `name{label="x"} 3`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('METRICS_PORT on one process', () => {
  let server: ServerProcess;
  let metricsUrl: string;
  beforeAll(async () => {
    ({ server, metricsUrl } = await startServer({}));
  }, 90_000);
  afterAll(() => server.stop());

  it('serves Prometheus text there: the login answered INVALID_CREDENTIALS in its histogram, process and pool metrics', async () => {
    await signUpAndFailLogins(server, 1);
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(sample(text, 'graphql_request_duration_seconds_count{operation="login",outcome="INVALID_CREDENTIALS"}')).toBe(1);
    expect(sample(text, 'graphql_request_duration_seconds_bucket{le="+Inf",operation="login",outcome="INVALID_CREDENTIALS"}')).toBe(1);
    expect(sample(text, 'graphql_request_duration_seconds_count{operation="signUp",outcome="ok"}')).toBe(1);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'db_pool_connections{state="total"}')).toBeGreaterThan(0);
    expect(sample(text, 'db_pool_waiting_clients')).toBe(0);
    // Counted in the database at the scrape: nothing is queued on a fresh database.
    expect(sample(text, 'webhook_deliveries_pending')).toBe(0);
  });

  it('answers 404 for /metrics on the public port, and for anything else on the metrics port', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await fetch(metricsUrl.replace('/metrics', '/'))).status).toBe(404);
  });
});

describe('METRICS_PORT with WEB_CONCURRENCY=2', () => {
  let server: ServerProcess;
  let metricsUrl: string;
  beforeAll(async () => {
    ({ server, metricsUrl } = await startServer({ WEB_CONCURRENCY: '2' }));
  }, 90_000);
  afterAll(() => server.stop());

  it('the primary serves the workers\' metrics added up (each login on a new connection, dealt round robin)', async () => {
    await signUpAndFailLogins(server, 4);
    const text = await (await fetch(metricsUrl)).text();
    expect(sample(text, 'graphql_request_duration_seconds_count{operation="login",outcome="INVALID_CREDENTIALS"}')).toBe(4);
    expect(sample(text, 'graphql_request_duration_seconds_count{operation="signUp",outcome="ok"}')).toBe(1);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // Served through the primary too (that it is not added up is in the unit spec: 0 either way here).
    expect(sample(text, 'webhook_deliveries_pending')).toBe(0);
  });
});
