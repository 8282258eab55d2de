import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-postgres';
import { createTestDatabase } from './test-database';

/**
 * The environment of a production server under test: a database and key of its own, mail kept in
 * the outbox (no SMTP server), and neither the per-IP limit nor the drain delay in a test's way.
 */
export async function productionTestEnv(dataDir: string): Promise<Record<string, string>> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: await createTestDatabase(),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    MAIL_OUTBOX_IN_PRODUCTION: 'true',
    DATA_DIR: dataDir,
    IP_RATE_LIMIT_PER_MINUTE: '0',
    SHUTDOWN_DELAY_SECONDS: '0',
  };
}

/** The real server, started as `npm start` does (`node dist/src/main.js`), for what only a process shows. */
export class ServerProcess {
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess, readonly url: string) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts `node dist/src/main.js` in `cwd`; resolves once /health/live answers, rejects if the process ends first. */
  static async start(cwd: string, env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<ServerProcess> {
    const server = await ServerProcess.spawn(cwd, env);
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void server.exited.then(() => (ended = true));
    for (;;) {
      if (ended) throw new Error(`The server exited before it was ready:\n${server.text()}`);
      if (Date.now() > deadline) {
        server.child.kill('SIGKILL');
        throw new Error(`The server was not ready in ${timeoutMs} ms:\n${server.text()}`);
      }
      try {
        if ((await fetch(`${server.url}/health/live`)).ok) return server;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Starts the process without waiting for it to be ready (e.g. to watch it refuse to start). */
  static async spawn(cwd: string, env: Record<string, string | undefined>): Promise<ServerProcess> {
    const port = env.PORT ?? String(await freePort());
    const child = spawn(process.execPath, [join(cwd, 'dist', 'src', 'main.js')], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env, PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServerProcess(child, `http://127.0.0.1:${port}`);
  }

  text(): string {
    return this.output;
  }

  /** Sends SIGTERM and waits for the process to end (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  async gql<T = any>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<{ status: number; body: { data?: T; errors?: Array<{ message: string; extensions: Record<string, any> }> } }> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as any };
  }
}
