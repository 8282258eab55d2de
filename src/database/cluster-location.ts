import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lstatSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The system user that runs PostgreSQL when we are root (PostgreSQL refuses to run as root). */
export interface SystemUser {
  uid: number;
  gid: number;
}

export interface ClusterLocation {
  /** The cluster's data folder (PGDATA). */
  clusterDir: string;
  /** The superuser's password, kept where only this service can read it. */
  passwordFile: string;
  /** Set when the requested folder was closed to the postgres user and the cluster lives elsewhere. */
  movedFrom?: string;
}

/** The first existing folder on the way from `path` up to / that others may not enter, if any. */
export function closedAncestor(path: string): string | undefined {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if (existsSync(dir) && (lstatSync(dir).mode & 0o001) === 0) return dir;
    if (dir === dirname(dir)) return undefined;
  }
}

/**
 * Where the cluster lives. Usually where it was asked for. When the server runs as root and a
 * parent folder is closed to the postgres user (a clone in /root, a `mktemp -d` folder), the
 * cluster moves to a private folder with an unpredictable name under the system temp folder,
 * owned by that user and closed to everyone else; the closed folder keeps a note of where it went,
 * and the password stays in the closed folder. A folder another local user could have planted
 * (wrong owner, open mode, a symlink) is never reused.
 */
export function clusterLocation(requestedDir: string, runAs: SystemUser | null): ClusterLocation {
  const absolute = resolve(requestedDir);
  const passwordFile = `${absolute}.password`;
  if (!runAs || !closedAncestor(dirname(absolute))) return { clusterDir: absolute, passwordFile };

  const noteFile = `${absolute}.location`;
  const noted = existsSync(noteFile) ? readPrivateFile(noteFile) : undefined;
  if (noted && isPrivateFolderOf(noted, runAs)) return { clusterDir: join(noted, 'data'), passwordFile, movedFrom: absolute };

  const folder = mkdtempSync(join(tmpdir(), 'account-security-pg-'));
  chmodSync(folder, 0o700);
  chownSync(folder, runAs.uid, runAs.gid);
  writeFileSync(noteFile, folder, { mode: 0o600 });
  return { clusterDir: join(folder, 'data'), passwordFile, movedFrom: absolute };
}

function isPrivateFolderOf(folder: string, owner: SystemUser): boolean {
  if (dirname(folder) !== tmpdir() || !existsSync(folder)) return false;
  const stat = lstatSync(folder);
  return stat.isDirectory() && stat.uid === owner.uid && (stat.mode & 0o077) === 0;
}

/**
 * Reads a file this service wrote for itself, refusing one it did not: another owner, or readable
 * or writable by others, means someone else may know or have chosen its content.
 */
export function readPrivateFile(file: string): string {
  const stat = lstatSync(file);
  const ownUid = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
  if (!stat.isFile() || stat.uid !== ownUid || (stat.mode & 0o077) !== 0) {
    throw new Error(`Refusing ${file}: it must be a regular file owned by this service's user and closed to others (chmod 600). Remove it to start afresh.`);
  }
  return readFileSync(file, 'utf8').trim();
}

/** The superuser password, chosen on first use; the file is created exclusively, mode 600. */
export function clusterPassword(passwordFile: string): string {
  if (!existsSync(passwordFile)) {
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return readPrivateFile(passwordFile);
}
