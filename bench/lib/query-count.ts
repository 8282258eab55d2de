import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** A statement as PostgreSQL logged it (log_statement = all). */
const STATEMENT = /\bLOG:\s+(?:statement|execute .*?):\s+([\s\S]*)$/;
/** The bind parameters of the statement before it, logged as its DETAIL. */
const PARAMETERS = /\bDETAIL:\s+[Pp]arameters:\s+([\s\S]*)$/;
const PARAMETER = /\$(\d+) = (NULL|'((?:[^']|'')*)')/g;

export interface LoggedStatement {
  sql: string;
  /** As text, the way PostgreSQL logged them; null for SQL NULL. */
  parameters: Array<string | null>;
}

export interface QueryCount {
  operation: string;
  queries: number;
  statements: string[];
  /** The same statements with their parameters, for EXPLAIN. */
  logged?: LoggedStatement[];
}

/**
 * Counts the SQL statements one API call makes, from the embedded cluster's own log with
 * log_statement = all (turned on with ALTER SYSTEM + pg_reload_conf, so the server's pooled
 * connections log too). Marker queries from the bench's connection bracket each operation.
 */
export class QueryCounter {
  private buffer = '';
  private capturing = false;
  private client: Client | undefined;

  constructor(private readonly databaseUrl: string) {}

  /** Give this to startEmbeddedPostgres({ log }). */
  readonly onLog = (message: string) => {
    if (this.capturing) this.buffer += message;
  };

  async enable(): Promise<void> {
    this.client = new Client({ connectionString: this.databaseUrl });
    await this.client.connect();
    await this.client.query(`ALTER SYSTEM SET log_statement = 'all'`);
    await this.client.query('SELECT pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 500));
  }

  async disable(): Promise<void> {
    if (!this.client) return;
    try {
      await this.client.query('ALTER SYSTEM RESET log_statement');
      await this.client.query('SELECT pg_reload_conf()');
    } finally {
      await this.client.end();
      this.client = undefined;
    }
  }

  async count(operation: string, run: () => Promise<void>): Promise<QueryCount> {
    const marker = `bench_marker_${randomUUID().replace(/-/g, '')}`;
    this.buffer = '';
    this.capturing = true;
    await this.client!.query(`SELECT '${marker}_begin'`);
    await run();
    await this.client!.query(`SELECT '${marker}_end'`);
    const deadline = Date.now() + 3_000;
    while (!this.buffer.includes(`${marker}_end`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    this.capturing = false;
    const between = this.buffer.slice(this.buffer.indexOf(`${marker}_begin`), this.buffer.indexOf(`${marker}_end`) + marker.length + 4);
    // Each log record starts with log_line_prefix's timestamp; a statement's SQL may continue on the next lines.
    const records = between.split(/\n(?=\d{4}-\d\d-\d\d \d)/).slice(1);
    const logged: LoggedStatement[] = [];
    records.forEach((record, i) => {
      const sql = STATEMENT.exec(record)?.[1];
      if (sql === undefined || sql.includes('bench_marker_')) return;
      const detail = PARAMETERS.exec(records[i + 1] ?? '')?.[1] ?? '';
      const parameters: Array<string | null> = [];
      for (const match of detail.matchAll(PARAMETER)) parameters[Number(match[1]) - 1] = match[2] === 'NULL' ? null : match[3].replace(/''/g, "'");
      logged.push({ sql: sql.replace(/\s+/g, ' ').trim(), parameters });
    });
    return { operation, queries: logged.length, statements: logged.map((s) => s.sql), logged };
  }
}

export interface ExplainedStatement {
  operation: string;
  sql: string;
  plan: string;
  /** Tables read by a sequential scan (empty: index scans only). */
  seqScans: string[];
  error?: string;
}

const NOT_EXPLAINABLE = /^(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET|SHOW|DEALLOCATE)\b/i;

/**
 * EXPLAIN (ANALYZE, BUFFERS) of each statement with the parameters it was logged with, inside a
 * transaction that is rolled back, so a write is planned and run but leaves nothing behind.
 */
export async function explainStatements(databaseUrl: string, counts: QueryCount[]): Promise<ExplainedStatement[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const explained: ExplainedStatement[] = [];
  try {
    for (const count of counts) {
      for (const statement of count.logged ?? []) {
        if (NOT_EXPLAINABLE.test(statement.sql)) continue;
        explained.push({ operation: count.operation, ...(await explainOne(client, statement.sql, statement.parameters)) });
      }
    }
  } finally {
    await client.end();
  }
  return explained;
}

export async function explainOne(client: Client, sql: string, parameters: unknown[]): Promise<Omit<ExplainedStatement, 'operation'>> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, parameters);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    const seqScans = [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]);
    return { sql, plan, seqScans: [...new Set(seqScans)] };
  } catch (error) {
    await client.query('ROLLBACK');
    // Run again, an INSERT of the logged row meets the row itself: show the plan without running it.
    if ((error as { code?: string }).code !== '23505') return { sql, plan: '', seqScans: [], error: (error as Error).message };
    await client.query('BEGIN');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (BUFFERS) ${sql}`, parameters);
    const plan = `(not run again: the row it inserted exists; plan only)\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`;
    return { sql, plan, seqScans: [...new Set([...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]))] };
  } finally {
    await client.query('ROLLBACK');
  }
}
