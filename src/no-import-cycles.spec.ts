import madge from 'madge';
import { describe, expect, it } from 'vitest';

describe('module structure', () => {
  it('has no import cycle in src/: dependencies between modules run one way', async () => {
    const graph = await madge('src', { fileExtensions: ['ts'], tsConfig: 'tsconfig.json' });
    expect(graph.circular()).toEqual([]);
  }, 30_000);
});
