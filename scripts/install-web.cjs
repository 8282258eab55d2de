// Installs the console's own dependencies (web/ keeps React 19 apart from GraphiQL's React 18).
// A copy without web/ (the Docker runtime stage copies only what the server needs) installs without it;
// package.json's postinstall skips this file when the copy lacks scripts/ too.
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const web = join(__dirname, '..', 'web');
if (!existsSync(join(web, 'package.json'))) {
  console.log('web/ is not here: the console is not installed.');
  process.exit(0);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: web, stdio: 'inherit' });
process.exit(result.status ?? 1);
