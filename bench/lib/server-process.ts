import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { get } from 'node:http';
import { resolve } from 'node:path';
import { childPids } from './rss';

export interface ServerOptions {
  port: number;
  databaseUrl: string;
  smtpUrl: string;
  encryptionKey: string;
  webConcurrency: number;
  /** Where the server's stdout and stderr go. */
  logFile: string;
  /** When set, the server (and its workers) run with --cpu-prof and write profiles here on exit. */
  cpuProfDir?: string;
  /** Node flags before the script, e.g. V8 heap flags (the bench copies them from `npm start`). */
  nodeArgs?: string[];
  /** NODE_OPTIONS for the server (experiments, e.g. V8 heap flags); unset by default. */
  nodeOptions?: string;
  /** More environment for the server (e.g. DATA_PRUNE_INTERVAL_SECONDS). */
  env?: Record<string, string>;
}

const READY_LINE = /GraphQL ready at/g;

/** `node dist/src/main.js` in production mode, as a child of the bench. */
export class ServerProcess {
  private exited = false;
  /** How the server ended, once it has. */
  exitDescription: string | undefined;
  private readyLines = 0;
  private tail: string[] = [];
  private readonly exitPromise: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly log: WriteStream,
    readonly options: ServerOptions,
  ) {
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log.write(chunk);
      this.readyLines += text.match(READY_LINE)?.length ?? 0;
      this.tail.push(...text.split('\n').filter(Boolean));
      if (this.tail.length > 40) this.tail = this.tail.slice(-40);
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    this.exitPromise = new Promise((done) => {
      child.once('exit', (code, signal) => {
        this.exited = true;
        this.exitDescription = signal ? `signal ${signal}` : `code ${code}`;
        done(code);
      });
    });
  }

  get pid(): number | undefined {
    return this.exited ? undefined : this.child.pid;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  logTail(): string {
    return this.tail.join('\n');
  }

  static async start(options: ServerOptions): Promise<ServerProcess> {
    const main = resolve(__dirname, '../../src/main.js');
    const nodeArgs = [...(options.nodeArgs ?? []), ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [])];
    const child = spawn(process.execPath, [...nodeArgs, main], {
      cwd: resolve(__dirname, '../../..'),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        PORT: String(options.port),
        DATABASE_URL: options.databaseUrl,
        SMTP_URL: options.smtpUrl,
        ENCRYPTION_KEY: options.encryptionKey,
        IP_RATE_LIMIT_PER_MINUTE: '0',
        WEB_CONCURRENCY: String(options.webConcurrency),
        ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const server = new ServerProcess(child, log, options);
    try {
      await server.waitUntilReady(90_000);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exited) throw new Error(`the server exited during start-up:\n${this.logTail()}`);
      if (this.readyLines >= this.options.webConcurrency && (await this.healthy())) return;
      if (Date.now() > deadline) throw new Error(`the server was not ready within ${timeoutMs / 1000} s:\n${this.logTail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private healthy(): Promise<boolean> {
    return new Promise((done) => {
      const req = get(`${this.baseUrl}/health`, (res) => {
        res.resume();
        done(res.statusCode === 200);
      });
      req.setTimeout(2_000, () => req.destroy());
      req.on('error', () => done(false));
    });
  }

  /** SIGTERM (graceful: lets --cpu-prof write its file), then SIGKILL to anything left after 20 s. */
  async stop(): Promise<void> {
    if (this.exited) return this.closeLog();
    const pid = this.child.pid!;
    const workers = childPids(pid);
    this.child.kill('SIGTERM');
    const timedOut = await Promise.race([
      this.exitPromise.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), 20_000).unref()),
    ]);
    if (timedOut) {
      for (const worker of workers) {
        try {
          process.kill(worker, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      this.child.kill('SIGKILL');
      await this.exitPromise;
    }
    // Workers exit with the primary; make sure none is left behind.
    await new Promise((r) => setTimeout(r, 200));
    for (const worker of workers) {
      try {
        process.kill(worker, 0);
        process.kill(worker, 'SIGKILL');
      } catch {
        // gone, as expected
      }
    }
    await this.closeLog();
  }

  private closeLog(): Promise<void> {
    return new Promise((done) => this.log.end(done));
  }
}
