import { describe, expect, it } from 'vitest';
import { socketFolder } from './embedded-postgres';

describe('socketFolder', () => {
  it("puts the socket in the cluster's own folder", () => {
    expect(socketFolder('/srv/app/.data/postgres', 54321)).toBe('/srv/app/.data/postgres');
  });

  it('falls back to TCP when the socket path would pass the 107 bytes a Unix socket may have', () => {
    const deep = `/srv/${'a'.repeat(80)}/postgres`;
    expect(`${deep}/.s.PGSQL.54321`.length).toBeGreaterThan(107);
    expect(socketFolder(deep, 54321)).toBeUndefined();
  });

  it("falls back to TCP for a folder PostgreSQL's comma-separated setting would misread", () => {
    expect(socketFolder('/srv/my app/postgres', 5432)).toBeUndefined();
    expect(socketFolder('/srv/a,b/postgres', 5432)).toBeUndefined();
  });
});
