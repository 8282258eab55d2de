/**
 * The floor for `me`: the same session lookup as the guard's (one unnamed statement, same pool
 * size) behind a bare node:http handler, without Nest, Express, GraphQL or validation. It
 * answers the bench's `me` request with the same JSON shape, so the same autocannon scenario
 * measures it. Started by the bench as its own process: `node dist/bench/floor-server.js`.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { Pool } from 'pg';
import { POOL_SIZE } from '../src/database/data-source-options';

const TOKEN = /^Bearer (ses_[A-Za-z0-9_-]{43})$/;
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: POOL_SIZE });

const unauthenticated = JSON.stringify({ errors: [{ message: 'Sign in first.', extensions: { code: 'UNAUTHENTICATED' } }], data: null });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const send = (body: string) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const token = TOKEN.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return send(unauthenticated);
    pool
      .query<{ user_id: string; email: string; name: string | null; two_factor_enabled_at: Date | null; created_at: Date }>({
        text: `SELECT s.id AS session_id, s.user_id, s.level, s.expires_at, s.last_seen_at,
                      u.email, u.name, u.two_factor_enabled_at, u.created_at
                 FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
        values: [createHash('sha256').update(token, 'utf8').digest(), new Date()],
      })
      .then(({ rows: [row] }) => {
        if (!row) return send(unauthenticated);
        send(JSON.stringify({
          data: { me: { id: row.user_id, email: row.email, name: row.name, twoFactorEnabled: row.two_factor_enabled_at !== null, createdAt: row.created_at.toISOString() } },
        }));
      })
      .catch((error: Error) => {
        res.writeHead(500);
        res.end(error.message);
      });
  });
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`floor ready on ${process.env.PORT}`));
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
