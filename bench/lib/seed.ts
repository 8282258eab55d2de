import { hash } from '@node-rs/argon2';
import { Client } from 'pg';
import { ARGON2_OPTIONS } from '../../src/auth/utils/password-hasher';

/** What seedAtScale put into the database, by table. */
export interface SeedSummary {
  users: number;
  rows: Record<string, number>;
  seconds: number;
  bySeconds: Record<string, number>;
}

/**
 * Fills the database the way a busy console would after a few years, straight in PostgreSQL with
 * INSERT … SELECT generate_series (no API, minutes for a million users): `users` accounts, one in
 * ten with 2FA (a TOTP credential and 10 recovery codes each), 3 sessions per user of which a third
 * have expired, 10 security events per user spread over the last 500 days in the order they
 * happened (so about a quarter are past a 365-day retention), and some trusted devices, unfinished
 * setups and rate-limit windows, most of them expired. Seeded rows are never used by the scenarios
 * (those use the accounts created through the API); they make the tables and indexes the size a
 * million users make them. Fake secrets: nothing seeded can be signed in to.
 */
export async function seedAtScale(databaseUrl: string, users: number, log: (message: string) => void): Promise<SeedSummary> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const started = Date.now();
  const bySeconds: Record<string, number> = {};
  const rows: Record<string, number> = {};
  const step = async (table: string, sql: string, params: unknown[] = []) => {
    const t = Date.now();
    const result = await client.query(sql, params);
    rows[table] = (rows[table] ?? 0) + (result.rowCount ?? 0);
    bySeconds[table] = (bySeconds[table] ?? 0) + (Date.now() - t) / 1000;
  };
  try {
    await client.query('SET synchronous_commit = off');
    await client.query(`SET maintenance_work_mem = '256MB'`);
    // One real argon2id hash for everyone: its cost is paid once here, never by a scenario.
    const passwordHash = await hash(`seed-${Date.now()}`, ARGON2_OPTIONS);
    const userId = (expr: string) => `md5('seed-user-' || (${expr}))::uuid`;

    log(`seeding ${users.toLocaleString('en-US')} users…`);
    await step(
      'users',
      `INSERT INTO users (id, email, name, password_hash, two_factor_enabled_at, created_at)
       SELECT ${userId('i')}, 'seed-' || i || '@example.com', 'Seed User ' || i, $2,
              CASE WHEN i % 10 = 0 THEN now() - interval '100 days' END, now() - (i % 700) * interval '1 day'
         FROM generate_series(1, $1::int) i`,
      [users, passwordHash],
    );
    await step(
      'totp_credentials',
      `INSERT INTO totp_credentials (user_id, encrypted_secret, last_used_step, created_at)
       SELECT ${userId('i')}, 'seed:not-a-secret', 0, now() - interval '100 days' FROM generate_series(10, $1::int, 10) i`,
      [users],
    );
    await step(
      'recovery_codes',
      // hash_version 2 (keyed): seeded as legacy rows, the server's background job would re-key them all
      // during the scenarios, and its load would be measured with them.
      `INSERT INTO recovery_codes (user_id, code_hash, status, created_at, hash_version)
       SELECT ${userId('i')}, sha256(convert_to('seed-code-' || i || '-' || k, 'UTF8')), 'ACTIVE', now() - interval '100 days', 2
         FROM generate_series(10, $1::int, 10) i, generate_series(1, 10) k`,
      [users],
    );
    log('seeding sessions (3 per user, a third expired)…');
    for (let from = 1; from <= users * 3; from += 1_000_000) {
      const to = Math.min(users * 3, from + 999_999);
      await step(
        'sessions',
        `INSERT INTO sessions (user_id, token_hash, level, created_at, last_seen_at, expires_at, ip_address, user_agent)
         SELECT ${userId('1 + i % $3::int')}, sha256(convert_to('seed-session-' || i, 'UTF8')),
                CASE WHEN i % 17 = 0 THEN 'PASSWORD' ELSE 'FULL' END,
                now() - interval '2 hours', now() - interval '1 hour',
                CASE WHEN i % 3 = 0 THEN now() - (i % 1440) * interval '1 minute' ELSE now() + (1 + i % 1400) * interval '1 minute' END,
                '203.0.113.' || (i % 250), 'Mozilla/5.0 (seed)'
           FROM generate_series($1::int, $2::int) i`,
        [from, to, users],
      );
    }
    await step(
      'trusted_devices',
      `INSERT INTO trusted_devices (user_id, token_hash, name, created_at, expires_at)
       SELECT ${userId('i')}, sha256(convert_to('seed-device-' || i, 'UTF8')), 'Firefox on Linux',
              now() - (i % 60) * interval '1 day', now() + (30 - i % 60) * interval '1 day'
         FROM generate_series(10, $1::int, 10) i`,
      [users],
    );
    await step(
      'two_factor_setups',
      `INSERT INTO two_factor_setups (user_id, step, email, email_code_hash, email_code_sent_at, email_code_expires_at, started_at, expires_at)
       SELECT ${userId('i')}, 'EMAIL_VERIFICATION', 'seed-' || i || '@example.com', sha256(convert_to('seed-email-code-' || i, 'UTF8')),
              now() - (i % 600) * interval '1 minute', now() - (i % 600) * interval '1 minute' + interval '10 minutes',
              now() - (i % 600) * interval '1 minute', now() - (i % 600) * interval '1 minute' + interval '30 minutes'
         FROM generate_series(3, $1::int, 20) i`,
      [users],
    );
    await step(
      'rate_limits',
      `INSERT INTO rate_limits (key, points, expire)
       SELECT 'password:seed' || i, 1 + i % 5, (extract(epoch FROM now()) * 1000)::bigint + (i % 4 - 2) * 900000
         FROM generate_series(1, $1::int / 5) i`,
      [users],
    );
    const events = users * 10;
    log(`seeding ${events.toLocaleString('en-US')} security events over the last 500 days…`);
    const types = ['LOGIN_SUCCEEDED', 'LOGIN_SUCCEEDED', 'LOGIN_SUCCEEDED', 'SECOND_FACTOR_SUCCEEDED', 'LOGIN_FAILED', 'SIGNED_UP', 'PASSWORD_CHANGED', 'TRUSTED_DEVICE_ADDED'];
    for (let from = 1; from <= events; from += 1_000_000) {
      const to = Math.min(events, from + 999_999);
      await step(
        'security_events',
        `INSERT INTO security_events (type, user_id, ip_address, user_agent, occurred_at)
         SELECT ($4::text[])[1 + i % ${types.length}], ${userId('1 + (i::bigint * 7919) % $3::int')}, '203.0.113.' || (i % 250), 'Mozilla/5.0 (seed)',
                now() - interval '500 days' + (i::float8 / $5::int) * interval '500 days'
           FROM generate_series($1::int, $2::int) i`,
        [from, to, users, types, events],
      );
      log(`  ${to.toLocaleString('en-US')} events`);
    }
    log('VACUUM ANALYZE…');
    const t = Date.now();
    await client.query('VACUUM ANALYZE');
    bySeconds['VACUUM ANALYZE'] = (Date.now() - t) / 1000;
  } finally {
    await client.end();
  }
  return { users, rows, seconds: (Date.now() - started) / 1000, bySeconds };
}

export interface TableSize {
  table: string;
  rows: number;
  tableBytes: number;
  indexBytes: number;
}

/** Exact row counts and on-disk sizes (table with TOAST, all its indexes) of every table. */
export async function tableSizes(databaseUrl: string): Promise<TableSize[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string; table_bytes: string; index_bytes: string }>(
      `SELECT c.relname AS table, pg_table_size(c.oid) AS table_bytes, pg_indexes_size(c.oid) AS index_bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'migrations'
        ORDER BY pg_total_relation_size(c.oid) DESC`,
    );
    const sizes: TableSize[] = [];
    for (const row of rows) {
      const counted = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${row.table}"`);
      sizes.push({ table: row.table, rows: Number(counted.rows[0].n), tableBytes: Number(row.table_bytes), indexBytes: Number(row.index_bytes) });
    }
    return sizes;
  } finally {
    await client.end();
  }
}
