import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

describe('module structure', () => {
  it('has no import cycle in src/: dependencies between modules run one way', async () => {
    const graph = await madge('src', { fileExtensions: ['ts'], tsConfig: 'tsconfig.json' });
    expect(graph.circular()).toEqual([]);
  }, 30_000);

  it('lets other modules take from auth only its module, services, models and inputs (the access decorators are in common/)', () => {
    const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.startsWith('auth/'));
    const reachingIn = files.flatMap((file) =>
      [...readFileSync(join(__dirname, file), 'utf8').matchAll(/from '(\.[^']+)'/g)]
        .map(([, specifier]) => relative(__dirname, resolve(__dirname, dirname(file), specifier)).split('\\').join('/'))
        .filter((target) => target.startsWith('auth/') && !/^auth\/(auth\.module|[\w-]+\.service|models\/[\w.-]+|dto\/[\w.-]+)$/.test(target))
        .map((target) => `${file} → ${target}`),
    );
    expect(reachingIn).toEqual([]);
  });
});
