import { describe, expect, it } from 'vitest';
import { csvLine } from './csv.util';

describe('csvLine', () => {
  it('joins plain cells with commas and ends in CRLF', () => {
    expect(csvLine(['a@example.com', 'OWNER', true, 3, null])).toBe('a@example.com,OWNER,true,3,\r\n');
  });

  it('writes dates as ISO 8601', () => {
    expect(csvLine([new Date('2026-03-02T09:00:00Z')])).toBe('2026-03-02T09:00:00.000Z\r\n');
  });

  it('quotes cells with commas, quotes or line breaks, doubling the quotes', () => {
    expect(csvLine(['app,passkey', 'say "hi"', 'two\nlines'])).toBe('"app,passkey","say ""hi""","two\nlines"\r\n');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvLine(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)'])).toBe(`"'=HYPERLINK(""x"")",'+1,'-2,'@SUM(A1)\r\n`);
  });
});
