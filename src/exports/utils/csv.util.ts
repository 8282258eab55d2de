/**
 * One CSV line (RFC 4180) ending in CRLF. A cell that a spreadsheet would read as a formula
 * (=, +, -, @, tab, CR first) gets a leading apostrophe: a member's name or email must not run in the
 * auditor's spreadsheet.
 */
export function csvLine(cells: ReadonlyArray<string | number | boolean | Date | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: string | number | boolean | Date | null): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
