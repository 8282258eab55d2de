import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** bench/floor-server.ts as a child process of the bench, on its own port. */
export class FloorProcess {
  private constructor(private readonly child: ChildProcess) {}

  get pid(): number | undefined {
    return this.child.exitCode === null ? this.child.pid : undefined;
  }

  static async start(port: number, databaseUrl: string): Promise<FloorProcess> {
    const child = spawn(process.execPath, [resolve(__dirname, '../floor-server.js')], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port), DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`the floor server did not start: ${output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('floor ready')) {
          clearTimeout(timer);
          ready();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => fail(new Error(`the floor server exited (${code}): ${output}`)));
    });
    return new FloorProcess(child);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
