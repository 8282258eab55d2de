import { describe, expect, it } from 'vitest';
import { Gate, Statement } from './statement';

describe('Statement', () => {
  it('numbers the values of every part in the order they are added', () => {
    const statement = new Statement();
    const first = statement.with('first', `SELECT ${statement.value('a')}::text AS v`);
    statement.with('second', `SELECT ${statement.value('b')}::text AS v WHERE ${first.happened.sql}`);
    const built = statement.build(['(SELECT v FROM second) AS v']);
    expect(built.values).toEqual(['a', 'b']);
    expect(built.text).toBe('WITH first AS (\n  SELECT $1::text AS v\n),\nsecond AS (\n  SELECT $2::text AS v WHERE EXISTS (SELECT 1 FROM first)\n)\nSELECT (SELECT v FROM second) AS v');
  });

  it('refuses a second part of the same name, so two pieces cannot shadow each other', () => {
    const statement = new Statement();
    statement.with('used', 'SELECT 1');
    expect(() => statement.with('used', 'SELECT 2')).toThrow('already has a part named used');
  });

  it('builds a plain SELECT when no part was added, and the gate that always holds is TRUE', () => {
    expect(new Statement().build()).toEqual({ text: 'SELECT 1', values: [] });
    expect(Gate.ALWAYS.sql).toBe('TRUE');
  });
});
