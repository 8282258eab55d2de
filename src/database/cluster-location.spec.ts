import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterLocation, clusterPassword } from './cluster-location';

/** nobody: a system user other than us, standing in for postgres. */
const RUN_AS = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;
const cleanup: string[] = [];
afterEach(() => {
  for (const path of cleanup.splice(0)) rmSync(path, { recursive: true, force: true });
});

function closedDataDir(): string {
  const home = mkdtempSync(join(tmpdir(), 'closed-home-')); // 700, like /root
  cleanup.push(home);
  mkdirSync(join(home, 'repo', '.data'), { recursive: true });
  return join(home, 'repo', '.data', 'postgres');
}

describe.skipIf(!asRoot)('clusterLocation, as root with a data folder closed to others', () => {
  it('moves the cluster to a private folder with an unpredictable name, owned by the postgres user', () => {
    const requested = closedDataDir();
    const location = clusterLocation(requested, RUN_AS);
    cleanup.push(join(location.clusterDir, '..'));
    const folder = join(location.clusterDir, '..');
    expect(folder).toMatch(new RegExp(`^${tmpdir()}/account-security-pg-[A-Za-z0-9]{6}$`));
    // The old scheme's folder, derived from the path alone, is not used.
    const predictable = join(tmpdir(), `account-security-pg-${createHash('sha256').update(requested).digest('hex').slice(0, 12)}`);
    expect(folder).not.toBe(predictable);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(folder).uid).toBe(RUN_AS.uid);
    expect(location.passwordFile).toBe(`${requested}.password`);
    // The next start finds the same cluster.
    expect(clusterLocation(requested, RUN_AS).clusterDir).toBe(location.clusterDir);
  });

  it('does not reuse a folder someone else planted or opened up', () => {
    const requested = closedDataDir();
    const first = clusterLocation(requested, RUN_AS);
    const folder = join(first.clusterDir, '..');
    cleanup.push(folder);
    chmodSync(folder, 0o755);
    const afterOpened = clusterLocation(requested, RUN_AS);
    cleanup.push(join(afterOpened.clusterDir, '..'));
    expect(afterOpened.clusterDir).not.toBe(first.clusterDir);

    const planted = mkdtempSync(join(tmpdir(), 'account-security-pg-'));
    cleanup.push(planted);
    chmodSync(planted, 0o700);
    chownSync(planted, 12345, 12345); // another local user's
    writeFileSync(`${requested}.location`, planted, { mode: 0o600 });
    const afterPlanted = clusterLocation(requested, RUN_AS);
    cleanup.push(join(afterPlanted.clusterDir, '..'));
    expect(afterPlanted.clusterDir.startsWith(planted)).toBe(false);
  });
});

describe('clusterPassword', () => {
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-'));
    cleanup.push(dir);
    return dir;
  };

  it('creates a random password in a file only this user can read, and reads it back', () => {
    const file = join(folder(), 'postgres.password');
    const password = clusterPassword(file);
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(clusterPassword(file)).toBe(password);
  });

  it('refuses a password file others can read or write, which someone else may know or have chosen', () => {
    const file = join(folder(), 'postgres.password');
    writeFileSync(file, 'planted-password', { mode: 0o644 });
    chmodSync(file, 0o644);
    expect(() => clusterPassword(file)).toThrow(/Refusing .*postgres\.password.*chmod 600/);
  });

  it.skipIf(!asRoot)('refuses a password file owned by another user', () => {
    const file = join(folder(), 'postgres.password');
    writeFileSync(file, 'planted-password', { mode: 0o600 });
    chownSync(file, 12345, 12345);
    expect(() => clusterPassword(file)).toThrow(/Refusing/);
  });
});
