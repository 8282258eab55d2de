import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createTempDataDir, type EmbeddedDatabase, freePort, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { runScript } from './script-support';

/**
 * `node dist/scripts/with-pgbouncer.js <command…>` (`npm run test:pgbouncer`): runs the command with
 * a throwaway PgBouncer in transaction pooling in front of a PostgreSQL (TEST_DATABASE_URL's, else an
 * embedded one of its own). The command gets TEST_DATABASE_URL (direct, for creating databases) and
 * TEST_DATABASE_POOLER_URL (the pooler, where the apps connect). Everything it started is stopped and
 * removed afterwards, also when the command fails or the script is interrupted.
 */
async function main(): Promise<number> {
  const command = process.argv.slice(2);
  if (command.length === 0) throw new Error('usage: with-pgbouncer <command> [args…]');
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  let child: ChildProcess | undefined;
  const interrupted = (signal: NodeJS.Signals) => {
    child?.kill(signal);
    void cleanUp().finally(() => process.exit(1));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const dir = createTempDataDir('with-pgbouncer-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) {
      const database: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir: dir, persistent: false });
      cleanups.push(() => database.stop());
      adminUrl = database.url;
    }
    const pooler = await startPgBouncer(dir, new URL(adminUrl));
    cleanups.push(() => pooler.stop());
    console.log(`PgBouncer (transaction pooling) at ${pooler.url.host} in front of ${new URL(adminUrl).host}`);

    child = spawn(command[0], command.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, TEST_DATABASE_URL: adminUrl, TEST_DATABASE_POOLER_URL: pooler.url.toString() },
    });
    const [code, signal] = (await new Promise((done) => child!.once('exit', (...ended) => done(ended)))) as [number | null, NodeJS.Signals | null];
    return code ?? (signal ? 1 : 0);
  } finally {
    await cleanUp();
  }
}

async function startPgBouncer(dir: string, server: URL): Promise<{ url: URL; stop(): Promise<void> }> {
  const port = await freePort();
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const quoted = (value: string) => `"${value.replace(/"/g, '""')}"`;
  writeFileSync(join(dir, 'users.txt'), `${quoted(user)} ${quoted(password)}\n`, { mode: 0o644 });
  // `*`: every test file creates a database of its own, so the pooler must take any name.
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    `[databases]
* = host=${server.hostname} port=${server.port || 5432} user=${user} password=${password}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, 'users.txt')}
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 10
; Many test databases, one user: keep the server connections below PostgreSQL's max_connections.
max_user_connections = 150
server_idle_timeout = 10
ignore_startup_parameters = extra_float_digits,options
`,
    { mode: 0o644 },
  );
  chmodSync(dir, 0o755);
  // PgBouncer refuses to run as root: then it switches to nobody once it has read its files.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const pgbouncer = spawn('pgbouncer', [...asRoot, join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  pgbouncer.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => pgbouncer.once('exit', () => done()));
  pgbouncer.once('error', (error) => (output += `${error.message}\n`));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (pgbouncer.exitCode !== null || Date.now() > deadline) {
      pgbouncer.kill('SIGKILL');
      throw new Error(`PgBouncer did not start (is Debian's pgbouncer installed?):\n${output}`);
    }
    await new Promise((retry) => setTimeout(retry, 100));
  }
  const url = new URL(server);
  url.port = String(port);
  // The pooler is reached over TCP: drop a `?host=` naming the server's Unix socket folder.
  url.search = '';
  return {
    url,
    async stop() {
      if (pgbouncer.exitCode === null && pgbouncer.signalCode === null) {
        pgbouncer.kill('SIGTERM');
        await exited;
      }
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      answer(true);
    });
    socket.once('error', () => answer(false));
  });
}

runScript(main);
