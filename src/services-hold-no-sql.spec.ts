import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Services hold rules, not SQL: a table's statements live in its module's `*.repository.ts`.
 * Outside repositories, the database plumbing (src/database) and the per-table pruners, no file
 * runs a query, holds a TypeORM repository or reaches for the DataSource.
 */
const SQL_HOMES = [/\.repository\.ts$/, /\.pruner\.ts$/, /^database\//, /^maintenance\/expired-data-pruner\.ts$/];
const RUNS_SQL = [
  /@InjectRepository\(/,
  /\bRepository</,
  /\bDataSource\b/,
  /\.query(<[^>]*>)?\(/,
  /createQueryBuilder/,
  /\b(db|manager)\.(find\w*|count\w*|insert|update|delete|save|upsert|exists\w*)\(/,
];

describe('services hold no SQL', () => {
  it('every statement of a table is in a repository', () => {
    const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !SQL_HOMES.some((home) => home.test(file.split('\\').join('/'))),
    );
    const offenders = files.flatMap((file) => {
      const source = readFileSync(join(__dirname, file), 'utf8');
      return RUNS_SQL.filter((pattern) => pattern.test(source)).map((pattern) => `${file}: ${pattern.source}`);
    });
    expect(offenders).toEqual([]);
  });
});
