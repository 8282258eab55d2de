import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const LOCK = join(ROOT, '.dist-build-lock');
/** A lock older than this was left by a run that died mid-build. */
const STALE_LOCK_MS = 5 * 60_000;

/**
 * `npm run build` once per test run, however many files (in whichever workers) ask: the build
 * empties dist/ first, so a second one would pull the files from under a server another file started.
 */
export async function buildDistOnce(): Promise<void> {
  const marker = join(ROOT, 'dist', `.built-for-${inject('testRunId')}`);
  for (;;) {
    if (existsSync(marker)) return;
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((wait) => setTimeout(wait, 250));
    }
  }
  try {
    if (existsSync(marker)) return;
    await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT });
    writeFileSync(marker, '');
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
