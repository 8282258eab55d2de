import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '..');

describe('the session user type', () => {
  it('has one name, SessionUser from common/authenticated-session.ts: no other alias for it in src/', () => {
    const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));
    const aliases = files.flatMap((file) => {
      const source = readFileSync(join(SRC, file), 'utf8');
      const found = [...source.matchAll(/AuthenticatedSession\[['"]user['"]\]|\btype\s+\w+\s*=\s*SessionUser\s*;/g)];
      return found.map((match) => `${file}: ${match[0]}`);
    });
    expect(aliases).toEqual([]);
  });
});
