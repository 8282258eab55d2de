import autocannon = require('autocannon');
import { Q } from './graphql-client';
import { treeRss } from './rss';
import type { BenchUser } from './users';
import type { VerifyPool } from './verify-pool';

export interface SoakInterval {
  /** 1-based: minute 1 is the first `bucketSeconds` of the soak. */
  index: number;
  requests: number;
  errors: number;
  byKind: Record<string, number>;
  /** Server RSS (workers included) at the end of the interval, and the highest seen in it. */
  rssEndBytes: number;
  rssPeakBytes: number;
}

export interface SoakResult {
  seconds: number;
  bucketSeconds: number;
  connections: number;
  requests: number;
  errors: number;
  errorSamples: string[];
  byKind: Record<string, number>;
  reqPerSec: number;
  p50: number;
  p99: number;
  intervals: SoakInterval[];
  /** Highest end-of-interval RSS after the second interval, relative to the end of the second. */
  rssGrowthAfterSecond: number | null;
}

export interface SoakOptions {
  url: string;
  connections: number;
  seconds: number;
  users: BenchUser[];
  pool: VerifyPool;
  serverPid: () => number | undefined;
}

type Kind = 'me' | 'login' | 'verify';
/** 70% me, 15% login, 15% verify, interleaved. */
const MIX: Kind[] = ['me', 'login', 'me', 'me', 'verify', 'me', 'me', 'login', 'me', 'me', 'verify', 'me', 'me', 'login', 'me', 'me', 'verify', 'me', 'me', 'me'];
/** Pending sessions live 10 minutes; the soak leaves alone those older than this. */
const PENDING_USABLE_MS = 8 * 60_000;

/**
 * A mixed workload for `seconds`, counting errors and sampling the server's RSS each second,
 * reported per minute (per 10 s when the soak is shorter than 3 minutes). Logins feed the
 * verifications with pending sessions; a verification with nothing valid to send becomes a `me`,
 * so the soak never replays a code.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const bucketSeconds = options.seconds >= 180 ? 60 : 10;
  const started = Date.now();
  const intervals: SoakInterval[] = [];
  const lastIndex = Math.ceil(options.seconds / bucketSeconds);
  const intervalAt = (now: number) => {
    // Answers to the last requests in flight arrive just after the end: they count in the last interval.
    const index = Math.min(lastIndex, Math.floor((now - started) / 1000 / bucketSeconds) + 1);
    while (intervals.length < index) intervals.push({ index: intervals.length + 1, requests: 0, errors: 0, byKind: {}, rssEndBytes: 0, rssPeakBytes: 0 });
    return intervals[index - 1];
  };
  const byKind: Record<string, number> = {};
  const errorSamples: string[] = [];
  let errors = 0;
  const pendingSince = new Map<string, number>();
  const { users, pool } = options;
  let next = 0;
  let loginCursor = 0;

  const rssTimer = setInterval(() => {
    const pid = options.serverPid();
    if (!pid) return;
    const rss = treeRss(pid);
    const interval = intervalAt(Date.now());
    interval.rssEndBytes = rss;
    interval.rssPeakBytes = Math.max(interval.rssPeakBytes, rss);
  }, 1_000);
  const staleTimer = setInterval(() => {
    const oldest = Date.now() - PENDING_USABLE_MS;
    for (const user of users) user.pending = user.pending.filter((token) => (pendingSince.get(token) ?? 0) > oldest);
  }, 5_000);

  const meBody = JSON.stringify({ query: Q.me });
  const request: autocannon.Request = {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req, context): autocannon.RequestParams => {
      let kind = MIX[next++ % MIX.length];
      if (kind === 'verify') {
        const attempt = pool.next();
        if (attempt) {
          context.kind = 'verify';
          context.user = attempt.userIndex;
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${attempt.token}` },
            body: JSON.stringify({ query: Q.verifyLoginSecondFactor, variables: { input: { code: attempt.code } } }),
          };
        }
        kind = 'me';
      }
      context.kind = kind;
      if (kind === 'login') {
        const index = loginCursor++ % users.length;
        context.user = index;
        const user = users[index];
        return { ...req, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: Q.login, variables: { input: { email: user.email, password: user.password } } }) };
      }
      return { ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${users[next % Math.min(64, users.length)].fullToken}` }, body: meBody };
    },
    onResponse: (status, body, context) => {
      const kind = context.kind as Kind;
      if (kind === 'verify') pool.done(context.user as number);
      const interval = intervalAt(Date.now());
      interval.requests += 1;
      interval.byKind[kind] = (interval.byKind[kind] ?? 0) + 1;
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      let ok = status === 200 && !body.includes('"errors"');
      if (ok && kind === 'me') ok = body.includes('"me":{"id"');
      if (ok && kind === 'verify') ok = body.includes('"status":"AUTHENTICATED"');
      if (ok && kind === 'login') {
        const login = (JSON.parse(body) as { data?: { login?: { status: string; accessToken: string } } }).data?.login;
        ok = login?.status === 'SECOND_FACTOR_REQUIRED';
        if (ok) {
          users[context.user as number].pending.push(login!.accessToken);
          pendingSince.set(login!.accessToken, Date.now());
        }
      }
      if (!ok) {
        errors += 1;
        interval.errors += 1;
        if (errorSamples.length < 5) errorSamples.push(`${kind}: HTTP ${status} ${body.slice(0, 240)}`);
      }
    },
  };

  let result: autocannon.Result;
  try {
    result = await autocannon({ url: options.url, connections: options.connections, duration: options.seconds, timeout: 30, requests: [request] });
  } finally {
    clearInterval(rssTimer);
    clearInterval(staleTimer);
  }
  errors += result.errors;
  if (result.errors > 0) errorSamples.push(`${result.errors} socket errors/timeouts (${result.timeouts} timeouts)`);
  // The last interval may be a sliver past the end of the run: fold it away if it has no samples.
  while (intervals.length > 0 && intervals[intervals.length - 1].rssEndBytes === 0) intervals.pop();
  const second = intervals[1]?.rssEndBytes;
  const later = intervals.slice(2).map((i) => i.rssEndBytes);
  return {
    seconds: result.duration,
    bucketSeconds,
    connections: options.connections,
    requests: result.requests.total,
    errors,
    errorSamples,
    byKind,
    reqPerSec: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    intervals,
    rssGrowthAfterSecond: second && later.length > 0 ? Math.max(...later) / second - 1 : null,
  };
}
