import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** A statement as PostgreSQL logged it (log_statement = all). */
const STATEMENT = /\bLOG:\s+(?:statement|execute .*?):\s+([\s\S]*)$/;

export interface QueryCount {
  operation: string;
  queries: number;
  statements: string[];
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
    const statements = records
      .map((record) => STATEMENT.exec(record)?.[1])
      .filter((sql): sql is string => sql !== undefined && !sql.includes('bench_marker_'))
      .map((sql) => sql.replace(/\s+/g, ' ').trim());
    return { operation, queries: statements.length, statements };
  }
}
