import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMigrations, MIGRATIONS_DIR } from './data-source-options';

describe('loadMigrations', () => {
  it('finds one migration class per file in the folder, in timestamp order, with no list to edit', async () => {
    const files = readdirSync(MIGRATIONS_DIR).filter((file) => /^\d{13}-.*\.ts$/.test(file)).sort();
    const migrations = await loadMigrations();
    expect(migrations).toHaveLength(files.length);
    const timestamps = migrations.map((migration) => Number(/(\d{13})$/.exec(migration.name)![1]));
    expect(timestamps).toEqual(files.map((file) => Number(file.slice(0, 13))));
    for (const Migration of migrations) expect(typeof new Migration().up).toBe('function');
  });
});
