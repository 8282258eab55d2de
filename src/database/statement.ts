import type { EntityManager } from 'typeorm';

/**
 * A condition that gates the writes of a composed statement ("only if the session was live"). It
 * is a value made by the builder, never SQL text a caller types, so a gate cannot be misspelt.
 */
export class Gate {
  /** No condition: the write always happens (a piece run as a statement of its own). */
  static readonly ALWAYS = new Gate('TRUE');

  private constructor(readonly sql: string) {}

  /** True when the named part wrote (or selected) at least one row. */
  static rowsIn(part: Part): Gate {
    return new Gate(`EXISTS (SELECT 1 FROM ${part.name})`);
  }
}

/** A named part (CTE) of a statement: what later parts and the final SELECT refer to. */
export class Part {
  constructor(readonly name: string) {}

  /** The gate "this part has rows". */
  get happened(): Gate {
    return Gate.rowsIn(this);
  }
}

/** The text and values of a built statement, ready for `query(text, values)`. */
export interface BuiltStatement {
  text: string;
  values: unknown[];
}

/**
 * One SQL statement that several modules write parts of: `WITH a AS (…), b AS (…) SELECT …`.
 * Each part adds its values with `value` (so the `$n` never clash) and becomes a named Part;
 * parts gate on each other through Gates. Modules hand each other StatementPieces, not SQL.
 */
export class Statement {
  private readonly values: unknown[] = [];
  private readonly parts: Array<{ name: string; sql: string }> = [];

  /** The placeholder (`$n`) of a value. */
  value(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** Adds a part; its name must be new in this statement. */
  with(name: string, sql: string): Part {
    if (this.parts.some((part) => part.name === name)) throw new Error(`The statement already has a part named ${name}`);
    this.parts.push({ name, sql });
    return new Part(name);
  }

  /** The statement: every part in the order added, then `SELECT <columns>` (a constant when none). */
  build(columns: string[] = []): BuiltStatement {
    const select = `SELECT ${columns.length > 0 ? columns.join(', ') : '1'}`;
    if (this.parts.length === 0) return { text: select, values: this.values };
    const parts = this.parts.map((part) => `${part.name} AS (\n${indent(part.sql.trim())}\n)`).join(',\n');
    return { text: `WITH ${parts}\n${select}`, values: this.values };
  }
}

/** A part of a statement that another module writes: it adds its part(s), gated on `when`, and returns a handle. */
export type StatementPiece<Handle = Part> = (statement: Statement, when: Gate) => Handle;

/** Runs a statement; the rows of its final SELECT. */
export async function runStatement<Row>(db: EntityManager, statement: BuiltStatement): Promise<Row[]> {
  return (await db.query(statement.text, statement.values)) as Row[];
}

/** Runs one piece as a statement of its own, always (in `db`'s transaction, if any): how many rows its part has. */
export async function runPieceAlone(db: EntityManager, piece: StatementPiece): Promise<number> {
  const statement = new Statement();
  const part = piece(statement, Gate.ALWAYS);
  const [row] = await runStatement<{ rows: number }>(db, statement.build([`(SELECT count(*) FROM ${part.name})::int AS rows`]));
  return row.rows;
}

function indent(sql: string): string {
  return sql
    .split('\n')
    .map((line) => `  ${line.trim()}`)
    .join('\n');
}
