import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ServerErrorCode } from './app-error';
import { ERROR_CODE_DESCRIPTIONS, errorCodesMarkdown } from './error-codes';

describe('error codes', () => {
  it.each([...Object.values(ErrorCode), ...Object.values(ServerErrorCode)])('%s is described', (code) => {
    const described = (ERROR_CODE_DESCRIPTIONS as Record<string, { meaning: string; clientAction: string } | undefined>)[code];
    expect(described?.meaning.length).toBeGreaterThan(20);
    expect(described?.clientAction.length).toBeGreaterThan(10);
  });

  it('docs/errors.md lists every code as described (run `npm run docs:errors` after a change)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
    expect(committed).toBe(errorCodesMarkdown());
    for (const code of [...Object.values(ErrorCode), ...Object.values(ServerErrorCode)]) expect(committed).toContain(`| \`${code}\` |`);
  });
});
