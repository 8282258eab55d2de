import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The browser tests run against the console as `npm start` serves it, so they build it first: a
 * schema change that breaks an operation of the console fails here (codegen + tsc), before any page.
 */
export default function buildConsole() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    execFileSync(npm, ['run', 'build', '--silent'], { cwd: join(__dirname, '..', '..', '..', 'web'), encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`The console (web/) does not build:\n${stdout}\n${stderr}`);
  }
}
