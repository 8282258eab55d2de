import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-unavailable';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('knows a server shutting down, crashing, starting, a lost connection and a write to a standby', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '25006']) {
      expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], withCode('terminating connection', code))), code).toBe(true);
    }
  });

  it('knows refused and reset sockets, also inside the AggregateError of a dual-stack connect', () => {
    expect(isDatabaseUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('read ECONNRESET', 'ECONNRESET'))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]))).toBe(true);
  });

  it("knows a stopped server's missing Unix socket, and no other missing file", () => {
    const socket = '/srv/app/.data/postgres/.s.PGSQL.5432';
    expect(isDatabaseUnavailable(Object.assign(withCode(`connect ENOENT ${socket}`, 'ENOENT'), { address: socket }))).toBe(true);
    const template = '/srv/app/dist/src/mail/templates/code.hbs';
    expect(isDatabaseUnavailable(Object.assign(withCode(`ENOENT: no such file or directory, open '${template}'`, 'ENOENT'), { path: template }))).toBe(false);
  });

  it("knows node-postgres's code-less messages, also as a QueryFailedError or a cause", () => {
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: new Error('Connection terminated due to connection timeout') }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
  });

  it("knows the COMMIT TypeORM refuses once a failed connection released the transaction's query runner", () => {
    expect(isDatabaseUnavailable(new QueryRunnerAlreadyReleasedError())).toBe(true);
  });

  it('leaves a wrong statement, a constraint and a plain bug to be internal errors', () => {
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT x', [], withCode('column "x" does not exist', '42703')))).toBe(false);
    expect(isDatabaseUnavailable(new QueryFailedError('INSERT', [], withCode('duplicate key value', '23505')))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
