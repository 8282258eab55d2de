/**
 * `npm run bench`: builds (npm does), starts the production server on PostgreSQL (embedded unless
 * DATABASE_URL is set) with an SMTP server in this process, creates users with 2FA through the API,
 * then drives load on loopback with autocannon and writes bench/results/latest.{md,json}.
 * `--users N` then seeds N accounts (and their sessions and events) in bulk and runs the scenarios
 * again; `--soak S` runs a mixed workload for S seconds instead (bench/results/soak.{md,json}).
 * See bench/README.md for the knobs.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { DataPruningService, type PruningPass } from '../src/maintenance/data-pruning.service';
import { deleteBatchBelowSql } from '../src/maintenance/expired-data-pruner';
import { createTempDataDir, freePort, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { ARGON2_OPTIONS } from '../src/auth/utils/password-hasher';
import { IDLE_MS as PASSWORD_STRENGTH_IDLE_MS } from '../src/auth/utils/password-strength';
import { type Argon2Ceiling, measureArgon2Ceiling } from './lib/argon2-ceiling';
import { type ProfileSummary, summariseProfiles } from './lib/cpu-profile';
import { GraphQLClient, Q } from './lib/graphql-client';
import { type ScenarioResult, runScenario } from './lib/load';
import { type ExplainedStatement, explainOne, explainStatements, type QueryCount, QueryCounter } from './lib/query-count';
import { FloorProcess } from './lib/floor-process';
import { seedAtScale, tableSizes } from './lib/seed';
import { runSoak } from './lib/soak';
import { type BenchReport, printReport, renderSoak, type ScaleReport, writeReport, writeSoakReport } from './lib/report';
import { childPids, RssSampler } from './lib/rss';
import { ServerProcess } from './lib/server-process';
import { BenchSmtpInbox } from './lib/smtp-inbox';
import { type BenchUser, codeForStep, createUserWithTwoFactor, inParallel, loginPending, stepAt } from './lib/users';
import { VerifyPool } from './lib/verify-pool';

const env = process.env;
const int = (name: string, fallback: number) => {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
};

const cli = parseArgs({ args: process.argv.slice(2), options: { users: { type: 'string' }, soak: { type: 'string' } } }).values;
const flag = (value: string | undefined, name: string) => {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative whole number`);
  return n;
};

const settings = {
  webConcurrency: int('WEB_CONCURRENCY', 1),
  /** After the main run, the server's scenarios again with this many worker processes, for the scaling row (0: not run). */
  compareConcurrency: int('BENCH_COMPARE_CONCURRENCY', 2),
  connections: int('BENCH_CONNECTIONS', 32),
  seconds: int('BENCH_SECONDS', 15),
  warmupSeconds: int('BENCH_WARMUP_SECONDS', 3),
  verifyWarmupSeconds: int('BENCH_VERIFY_WARMUP_SECONDS', 2),
  argon2Seconds: int('BENCH_ARGON2_SECONDS', 10),
  users: int('BENCH_USERS', 3_600),
  sessionsPerUser: int('BENCH_SESSIONS_PER_USER', 3),
  setupConcurrency: int('BENCH_SETUP_CONCURRENCY', 32),
  /** Users and pending sessions are created until this many seconds have gone on them, then the bench goes on with what it has. */
  setupBudgetSeconds: int('BENCH_SETUP_BUDGET_SECONDS', 200),
  cpuProfile: env.BENCH_CPU_PROF === '1',
  // PostgreSQL's default (128MB) is sized for a laptop: a million users' session index alone is larger.
  sharedBuffers: env.BENCH_PG_SHARED_BUFFERS ?? '1GB',
  scenarios: new Set((env.BENCH_SCENARIOS ?? 'me,floor,login,verify').split(',').map((s) => s.trim())),
  /** Accounts to seed in bulk before running the scenarios a second time (0: small run only). */
  seedUsers: flag(cli.users, '--users') ?? int('BENCH_SEED_USERS', 0),
  /** Seconds of mixed workload instead of the scenarios (0: no soak). */
  soakSeconds: flag(cli.soak, '--soak') ?? int('BENCH_SOAK_SECONDS', 0),
  externalDatabase: env.DATABASE_URL,
};

const RESULTS_DIR = resolve(__dirname, '../../bench/results');

type Cleanup = { name: string; run: () => Promise<void> | void };

async function main(): Promise<void> {
  const startedAt = new Date();
  const t0 = Date.now();
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    log(`${name}…`);
    try {
      return await work();
    } finally {
      phases[name] = (Date.now() - t) / 1000;
      log(`${name}: ${phases[name].toFixed(1)} s`);
    }
  };
  const cleanups: Cleanup[] = [];
  let stopping = false;
  let cleaning: Promise<void> | undefined;
  /** Stops everything the bench started, once; a second call waits for the first. */
  const cleanUp = () => {
    stopping = true;
    cleaning ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup.run();
        } catch (error) {
          console.error(`bench: cleaning up ${cleanup.name} failed: ${(error as Error).message}`);
        }
      }
    })();
    return cleaning;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`bench: ${signal}, stopping what the bench started`);
    void cleanUp().then(() => process.exit(130));
  };
  // On these signals the bench stops the server, the cluster and its folders itself, in that order.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, onSignal);
  }

  const stamp = startedAt.toISOString().replace(/:/g, '-').replace(/\..*$/, 'Z');
  const runId = `${startedAt.getTime().toString(36)}${randomBytes(2).toString('hex')}`;
  const workDir = createTempDataDir('bench-run-');
  cleanups.push({ name: 'work folder', run: () => rmSync(workDir, { recursive: true, force: true }) });
  const profileRoot = join(RESULTS_DIR, `${stamp}-wc${settings.webConcurrency}-profiles.tmp`);

  try {
    // ---- infrastructure ------------------------------------------------------------------------
    const inbox = await BenchSmtpInbox.start();
    cleanups.push({ name: 'SMTP server', run: () => inbox.close() });

    let databaseUrl = settings.externalDatabase;
    let queryCounter: QueryCounter | undefined;
    let postgresVersion = 'external (DATABASE_URL)';
    if (!databaseUrl) {
      const dataDir = createTempDataDir('bench-');
      let counter: QueryCounter | undefined;
      const database = await phase('start embedded PostgreSQL', () =>
        startEmbeddedPostgres({
          dataDir,
          persistent: false,
          log: (message) => counter?.onLog(message),
          settings: { shared_buffers: settings.sharedBuffers },
        }),
      );
      cleanups.push({
        name: 'embedded PostgreSQL',
        run: async () => {
          await database.stop();
          rmSync(dataDir, { recursive: true, force: true });
        },
      });
      databaseUrl = database.url;
      counter = queryCounter = new QueryCounter(databaseUrl);
      postgresVersion = `embedded-postgres (this machine, shared_buffers=${settings.sharedBuffers}, otherwise default settings, fsync on)`;
    }

    const serverOptions = {
      port: await freePort(),
      databaseUrl,
      smtpUrl: inbox.url,
      encryptionKey: randomBytes(32).toString('base64'),
      webConcurrency: settings.webConcurrency,
      logFile: env.BENCH_SERVER_LOG ?? join(workDir, 'server.log'),
      nodeArgs: serverNodeFlags(),
      nodeOptions: env.BENCH_SERVER_NODE_OPTIONS,
      // The bench runs one pruning pass itself, at a known moment, rather than one in the middle of a scenario.
      env: { DATA_PRUNE_INTERVAL_SECONDS: '0' },
    };
    let server: ServerProcess | undefined;
    let workers = settings.webConcurrency;
    const startServer = async (cpuProfDir?: string) => {
      server = await ServerProcess.start({ ...serverOptions, webConcurrency: workers, cpuProfDir });
    };
    const stopServer = async () => {
      const running = server;
      server = undefined;
      await running?.stop();
    };
    cleanups.push({ name: 'server', run: stopServer });
    await phase('start server', () => startServer());
    const baseUrl = `http://127.0.0.1:${serverOptions.port}`;
    const client = new GraphQLClient(baseUrl);
    cleanups.push({ name: 'HTTP client', run: () => client.close() });

    // ---- argon2 ceiling, server idle --------------------------------------------------------------
    const ceiling: Argon2Ceiling = await phase('argon2 ceiling', () =>
      measureArgon2Ceiling(settings.connections, 2, settings.argon2Seconds),
    );
    log(`argon2id verify: ${ceiling.perSecond.toFixed(1)}/s (p50 ${ceiling.p50.toFixed(1)} ms)`);

    // ---- users with 2FA, through the API -----------------------------------------------------------
    // A user costs about three logins' time (an argon2 hash plus the setup flow) and serves up to
    // sessionsPerUser verifications, each a login; the login scenario provides some of those.
    const setupBudgetMs = settings.setupBudgetSeconds * 1000;
    const usersStarted = Date.now();
    const created: BenchUser[] = [];
    const signUpRss = new RssSampler(() => server?.pid);
    signUpRss.start();
    await phase('create users with 2FA', () =>
      inParallel(settings.users, settings.setupConcurrency, usersStarted + setupBudgetMs * 0.45, async (i) => {
        created.push(await createUserWithTwoFactor(client, inbox, `bench-${runId}-${i}@example.com`));
      }),
    );
    const signUpPeakRss = signUpRss.stop();
    const users = created;
    if (users.length < settings.connections * 2) throw new Error(`only ${users.length} users were created in the setup budget`);
    // The sign-ups ran the password-strength worker (its dictionaries, ~70 MiB); no scenario sets a
    // password, so they start once it has ended, and its cost is reported with the sign-ups.
    const workerEndedAfterMs = PASSWORD_STRENGTH_IDLE_MS + 2_000;
    await phase('wait for the password-strength worker to end', () => new Promise((done) => setTimeout(done, workerEndedAfterMs)));
    const setupNotes: string[] = [
      `${users.length} users with 2FA created through the API (signUp → startTwoFactorSetup → code from mail → verifyTwoFactorSetupEmail → confirmTwoFactorSetup → completeTwoFactorSetup) in ${phases['create users with 2FA'].toFixed(0)} s${users.length < settings.users ? ` (asked for ${settings.users}; the setup budget ran out)` : ''}; server peak RSS meanwhile ${Math.round(signUpPeakRss / 1048576)} MiB, the password-strength worker included; the scenarios start ${workerEndedAfterMs / 1000} s after the last sign-up, when it has ended`,
    ];

    const scenarioUrl = `${baseUrl}/graphql`;
    const profiles: Record<string, ProfileSummary> = {};
    const checked = async (work: () => Promise<ScenarioResult>) => {
      const result = await work();
      if (!server?.pid) throw new Error(`the server ended during the scenario (${server?.exitDescription ?? 'unknown'}):\n${server?.logTail() ?? ''}`);
      return result;
    };
    const cpuGroups = () => {
      const serverPid = server?.pid;
      const postgres = childPids(process.pid).filter((pid) => pid !== serverPid && commandOf(pid) === 'postgres');
      return {
        server: { roots: serverPid ? [serverPid] : [], mainThread: true },
        ...(postgres.length > 0 ? { postgres: { roots: postgres } } : {}),
        'bench (autocannon)': { roots: [process.pid], alone: true },
      };
    };
    const common = {
      cpuGroups,
      url: scenarioUrl,
      connections: settings.connections,
      seconds: settings.seconds,
      serverPid: () => server?.pid,
    };
    const waitForSetupStepsToPass = async () => {
      // The setup's confirming code used each user's step at that time; make sure it is behind us.
      const newestSetupStep = Math.max(...users.map((u) => u.lastStep));
      while (stepAt(Date.now()) <= newestSetupStep) await new Promise((r) => setTimeout(r, 250));
    };

    // ---- soak: a mixed workload instead of the scenarios ----------------------------------------
    if (settings.soakSeconds > 0) {
      await waitForSetupStepsToPass();
      const soak = await phase('soak', () =>
        runSoak({ url: scenarioUrl, connections: settings.connections, seconds: settings.soakSeconds, users, pool: new VerifyPool(users), serverPid: () => server?.pid }),
      );
      if (!server?.pid) throw new Error(`the server ended during the soak (${server?.exitDescription ?? 'unknown'}):\n${server?.logTail() ?? ''}`);
      const soakReport = {
        startedAt: startedAt.toISOString(),
        git: gitDescription(),
        machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${process.platform}`,
        settings: reportSettings(serverOptions),
        setupNotes: [...setupNotes, `time by phase: ${Object.entries(phases).map(([k, v]) => `${k} ${v.toFixed(0)} s`).join(', ')}`],
        soak,
      };
      console.log(`\n${renderSoak(soakReport)}`);
      log(`wrote ${writeSoakReport(soakReport, RESULTS_DIR).join(', ')}`);
      return;
    }

    /** The scenarios once, on the database as it is now; `label` names the phases. */
    const runSuite = async (
      label: string,
      { serverOnly = false } = {},
    ): Promise<{ scenarios: ScenarioResult[]; queryCounts: QueryCount[]; plans: ExplainedStatement[] }> => {
      const results: ScenarioResult[] = [];
      const runs = (scenario: string) => settings.scenarios.has(scenario) && !(serverOnly && scenario === 'floor');
      const named = (name: string) => (label ? `${name} (${label})` : name);
      // Pending sessions from an earlier suite may be past their 10 minutes.
      for (const user of users) user.pending = [];
      const profiled = async (name: string, work: () => Promise<ScenarioResult>) => {
        if (!settings.cpuProfile || serverOnly) return checked(work);
        const dir = join(profileRoot, named(name).replace(/\W+/g, '-'));
        mkdirSync(dir, { recursive: true });
        await stopServer();
        await startServer(dir);
        try {
          return await checked(work);
        } finally {
          await stopServer();
          profiles[named(name)] = summariseProfiles(dir);
          await startServer();
        }
      };

      // ---- me ----------------------------------------------------------------------------------
      const meTokens = users.slice(0, 64).map((u) => u.fullToken);
      const meBody = JSON.stringify({ query: Q.me });
      const meRequest = (tokenIndex: { i: number }) => ({
        body: meBody,
        setupRequest: (req: { headers?: Record<string, string> }) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${meTokens[tokenIndex.i++ % meTokens.length]}` } }),
        check: (text: string) => text.includes('"me":{"id"'),
      });
      if (runs('me')) {
        results.push(
          await phase(named('scenario me'), () =>
            profiled('me', () => runScenario({ ...common, name: 'me (FULL session)', warmupSeconds: settings.warmupSeconds, requests: [meRequest({ i: 0 })] })),
          ),
        );
      }

      // ---- floor: the same lookup without Nest or GraphQL ------------------------------------------
      if (runs('floor')) {
        const floorPort = await freePort();
        const floor = await FloorProcess.start(floorPort, databaseUrl!);
        try {
          results.push(
            await phase(named('scenario floor'), () =>
              runScenario({
                ...common,
                cpuGroups: undefined,
                url: `http://127.0.0.1:${floorPort}/graphql`,
                serverPid: () => floor.pid,
                name: 'floor: me\'s session lookup on bare node:http + pg',
                warmupSeconds: settings.warmupSeconds,
                requests: [meRequest({ i: 0 })],
              }),
            ),
          );
        } finally {
          await floor.stop();
        }
      }

      // ---- login -------------------------------------------------------------------------------
      if (runs('login')) {
        let i = 0;
        results.push(
          await phase(named('scenario login'), () =>
            profiled('login', () =>
              runScenario({
                ...common,
                name: 'login (2FA user → SECOND_FACTOR_REQUIRED)',
                warmupSeconds: settings.warmupSeconds,
                requests: [
                  {
                    setupRequest: (req, context) => {
                      const index = i++ % users.length;
                      context.user = index;
                      const user = users[index];
                      return { ...req, body: JSON.stringify({ query: Q.login, variables: { input: { email: user.email, password: user.password } } }) };
                    },
                    check: (text, context) => {
                      const login = (JSON.parse(text) as { data?: { login?: { status: string; accessToken: string } } }).data?.login;
                      if (login?.status !== 'SECOND_FACTOR_REQUIRED') return false;
                      // The pending session is kept for the verify scenario.
                      users[context.user as number].pending.push(login.accessToken);
                      return true;
                    },
                  },
                ],
              }),
            ),
          ),
        );
      }

      // ---- verifyLoginSecondFactor ---------------------------------------------------------------
      if (runs('verify')) {
        const fromLoginScenario = users.reduce((sum, u) => sum + u.pending.length, 0);
        // Top every user up to sessionsPerUser pending sessions (one argon2 verify each), round by
        // round, so that a short budget still spreads the sessions over all users.
        const plan: BenchUser[] = [];
        for (let round = 0; round < settings.sessionsPerUser; round++) {
          for (const user of users) if (user.pending.length <= round) plan.push(user);
        }
        const prepare = named('prepare pending sessions');
        const loggedIn = await phase(prepare, () =>
          inParallel(plan.length, settings.setupConcurrency, Date.now() + Math.max(20_000, setupBudgetMs - phases['create users with 2FA'] * 1000), (k) =>
            loginPending(client, plan[k]),
          ),
        );
        const pendingTotal = users.reduce((sum, u) => sum + u.pending.length, 0);
        setupNotes.push(
          `${label ? `${label}: ` : ''}${pendingTotal} pending sessions for verifyLoginSecondFactor: ${fromLoginScenario} from the login scenario, ${loggedIn} from logins before the scenario in ${phases[prepare].toFixed(0)} s${loggedIn < plan.length ? ` (planned ${plan.length}; the setup budget ran out)` : ''}`,
        );
        await waitForSetupStepsToPass();

        const pool = new VerifyPool(users);
        if (pool.servable() < settings.connections * 4) throw new Error(`too few pending sessions for the verify scenario (${pool.servable()} usable)`);
        let lastHandedOut = 0;
        let lastPoll = Date.now();
        let rate = 0;
        const exhausted = () => {
          const now = Date.now();
          if (now - lastPoll >= 200) {
            rate = 0.5 * rate + (0.5 * (pool.handedOut - lastHandedOut) * 1000) / (now - lastPoll);
            lastHandedOut = pool.handedOut;
            lastPoll = now;
          }
          return pool.ranDry > 0 || pool.servable(now) < settings.connections + rate * 0.5;
        };
        let fallback: { token: string; code: string } | undefined;
        results.push(
          await phase(named('scenario verify'), () =>
            profiled('verify', () =>
              runScenario({
                ...common,
                name: 'verifyLoginSecondFactor (TOTP, distinct pending sessions)',
                warmupSeconds: settings.verifyWarmupSeconds,
                exhausted,
                betweenPhases: () => {
                  for (const u of users) u.busy = false;
                },
                requests: [
                  {
                    setupRequest: (req, context) => {
                      const attempt = pool.next();
                      // Nothing left that would be valid: resend the last attempt (a replay, so it counts as an error) while the phase stops.
                      const use = attempt ?? fallback!;
                      fallback = use;
                      context.user = attempt ? attempt.userIndex : -1;
                      return {
                        ...req,
                        headers: { ...req.headers, authorization: `Bearer ${use.token}` },
                        body: JSON.stringify({ query: Q.verifyLoginSecondFactor, variables: { input: { code: use.code } } }),
                      };
                    },
                    after: (context) => pool.done(context.user as number),
                    check: (text) => text.includes('"status":"AUTHENTICATED"'),
                  },
                ],
              }),
            ),
          ),
        );
        const verify = results[results.length - 1];
        if (verify.endedEarly) {
          setupNotes.push(
            `${label ? `${label}: ` : ''}verify ran ${verify.seconds.toFixed(1)} s instead of ${settings.seconds} s: the pending sessions / unused TOTP steps ran out (${pool.handedOut} attempts handed out, warm-up included${pool.ranDry ? `; ${pool.ranDry} requests found nothing valid and were sent as replays` : ''})`,
          );
        }
      }

      // ---- SQL statements per operation and their plans (embedded PostgreSQL only) -----------------
      let queryCounts: QueryCount[] = [];
      let plans: ExplainedStatement[] = [];
      if (queryCounter && !serverOnly) {
        queryCounts = await phase(named('count queries'), async () => {
          await new Promise((r) => setTimeout(r, 1_000));
          return countQueries(queryCounter, client, inbox, `${runId}${label.replace(/\W+/g, '')}`);
        });
        plans = await phase(named('explain hot queries'), () => explainStatements(databaseUrl!, queryCounts.filter((c) => HOT_OPERATIONS.has(c.operation))));
      }
      return { scenarios: results, queryCounts, plans };
    };

    const small = await runSuite('');

    // ---- the server's scenarios again with more worker processes, for how it scales with cores -----
    let concurrency: BenchReport['concurrency'];
    if (settings.compareConcurrency > 0 && settings.compareConcurrency !== settings.webConcurrency && settings.seedUsers === 0) {
      const label = `WEB_CONCURRENCY=${settings.compareConcurrency}`;
      await stopServer();
      workers = settings.compareConcurrency;
      await phase(`restart server (${label})`, () => startServer());
      concurrency = { workers, scenarios: (await runSuite(label, { serverOnly: true })).scenarios };
      await stopServer();
      workers = settings.webConcurrency;
      await startServer();
    }

    // ---- the same at scale: bulk seed, restart, run again, prune once ------------------------------
    let scale: ScaleReport | undefined;
    if (settings.seedUsers > 0) {
      const label = `${settings.seedUsers.toLocaleString('en-US')} users`;
      await stopServer();
      const seed = await phase('seed in bulk', () => seedAtScale(databaseUrl!, settings.seedUsers, log));
      await phase('restart server', () => startServer());
      const large = await runSuite(label);
      const sizesBefore = await phase('table sizes before pruning', () => tableSizes(databaseUrl!));
      const prunePlans = await phase('explain prune batches', () => explainPruneBatches(databaseUrl!));
      const prune = await phase('pruning pass', () => pruneOnce(databaseUrl!, inbox.url, serverOptions.encryptionKey));
      const sizesAfter = await phase('table sizes after pruning', () => tableSizes(databaseUrl!));
      scale = { users: settings.seedUsers, seed, scenarios: large.scenarios, queryCounts: large.queryCounts, plans: large.plans, prunePlans, sizesBefore, sizesAfter, prune };
    }

    const report: BenchReport = {
      startedAt: startedAt.toISOString(),
      totalSeconds: (Date.now() - t0) / 1000,
      git: gitDescription(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${process.platform}`,
      database: postgresVersion,
      settings: reportSettings(serverOptions),
      ceiling,
      scenarios: small.scenarios,
      queryCounts: small.queryCounts,
      plans: small.plans,
      scale,
      concurrency,
      setupNotes,
      phases,
      profiles,
    };
    printReport(report);
    const files = writeReport(report, RESULTS_DIR);
    log(`wrote ${files.join(', ')}`);
  } catch (error) {
    if (stopping) return;
    console.error(`bench failed: ${(error as Error).stack ?? error}`);
    const serverLog = env.BENCH_SERVER_LOG ?? join(workDir, 'server.log');
    const tail = existsSync(serverLog) ? readFileSync(serverLog, 'utf8').split('\n').slice(-30).join('\n') : '';
    if (tail) console.error(`last lines of the server log:\n${tail}`);
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}

/** The operations whose statements are explained (the setup ones run once per user). */
const HOT_OPERATIONS = new Set(['me', 'login (2FA on)', 'verifyLoginSecondFactor (TOTP)']);

function reportSettings(serverOptions: { nodeOptions?: string; nodeArgs: string[] }): BenchReport['settings'] {
  return {
    webConcurrency: settings.webConcurrency,
    connections: settings.connections,
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    verifyWarmupSeconds: settings.verifyWarmupSeconds,
    argon2: ARGON2_OPTIONS,
    cpuProfile: settings.cpuProfile,
    serverCommand: `${serverOptions.nodeOptions ? `NODE_OPTIONS='${serverOptions.nodeOptions}' ` : ''}node ${[...serverOptions.nodeArgs, 'dist/src/main.js'].join(' ')}`,
  };
}

/** One pass of the data-pruning job, run by an app instance in this process beside the idle server. */
async function pruneOnce(databaseUrl: string, smtpUrl: string, encryptionKey: string): Promise<PruningPass> {
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, SMTP_URL: smtpUrl, ENCRYPTION_KEY: encryptionKey, DATA_PRUNE_INTERVAL_SECONDS: '0' });
  const app = await createApp(config, { logger: false });
  await app.init();
  try {
    return await app.get(DataPruningService).runOnce();
  } finally {
    await app.close();
  }
}

/** The tables the job prunes and the cutoff each pruner uses (see the *.pruner.ts files). */
async function explainPruneBatches(databaseUrl: string): Promise<ExplainedStatement[]> {
  const now = new Date();
  const retention = loadConfig({}).securityEventRetentionDays;
  const batches: Array<[string, string, Date | number]> = [
    ['sessions', 'expires_at', now],
    ['trusted_devices', 'expires_at', now],
    ['two_factor_setups', 'expires_at', now],
    ['rate_limits', 'expire', now.getTime()],
    ['security_events', 'occurred_at', new Date(now.getTime() - retention * 86_400_000)],
  ];
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const explained: ExplainedStatement[] = [];
    for (const [table, column, cutoff] of batches) {
      explained.push({ operation: `prune ${table}`, ...(await explainOne(client, deleteBatchBelowSql(table, column), [cutoff, 1000])) });
    }
    return explained;
  } finally {
    await client.end();
  }
}

/** One of each operation, sequentially, with log_statement = all. */
async function countQueries(counter: QueryCounter, client: GraphQLClient, inbox: BenchSmtpInbox, runId: string): Promise<QueryCount[]> {
  const counts: QueryCount[] = [];
  await counter.enable();
  try {
    const email = `bench-${runId}-count@example.com`;
    let token = '';
    let secret = '';
    counts.push(
      await counter.count('signUp', async () => {
        token = (await client.must<{ signUp: { accessToken: string } }>('signUp', Q.signUp, { input: { email, password: 'correct horse battery staple' } })).signUp.accessToken;
      }),
    );
    const mailed = inbox.takeVerificationCode(email);
    counts.push(await counter.count('startTwoFactorSetup', async () => void (await client.must('start', Q.startSetup, {}, token))));
    const emailCode = await mailed;
    counts.push(
      await counter.count('verifyTwoFactorSetupEmail', async () => {
        secret = (await client.must<{ verifyTwoFactorSetupEmail: { manualEntryKey: string } }>('verifyEmail', Q.verifySetupEmail, { code: emailCode }, token))
          .verifyTwoFactorSetupEmail.manualEntryKey;
      }),
    );
    const setupStep = stepAt(Date.now());
    counts.push(
      await counter.count('confirmTwoFactorSetup', async () => void (await client.must('confirm', Q.confirmSetup, { code: codeForStep(secret, setupStep) }, token))),
    );
    counts.push(
      await counter.count('completeTwoFactorSetup', async () => {
        token = (await client.must<{ completeTwoFactorSetup: { accessToken: string } }>('complete', Q.completeSetup, { saved: true }, token)).completeTwoFactorSetup.accessToken;
      }),
    );
    await client.must('me', Q.me, {}, token);
    counts.push(await counter.count('me', async () => void (await client.must('me', Q.me, {}, token))));
    let pending = '';
    counts.push(
      await counter.count('login (2FA on)', async () => {
        pending = (await client.must<{ login: { accessToken: string } }>('login', Q.login, { input: { email, password: 'correct horse battery staple' } })).login.accessToken;
      }),
    );
    const step = Math.max(setupStep + 1, stepAt(Date.now()));
    counts.push(
      await counter.count('verifyLoginSecondFactor (TOTP)', async () => {
        await client.must('verifyLoginSecondFactor', Q.verifyLoginSecondFactor, { input: { code: codeForStep(secret, step) } }, pending);
      }),
    );
  } finally {
    await counter.disable();
  }
  return counts;
}

/** The server runs as `npm start` runs it: node flags written before dist/src/main.js there are used here too. */
function serverNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const match = /\bnode\s+((?:-\S+\s+)*)dist\/src\/main\.js/.exec(pkg.scripts?.start ?? '');
  return match ? match[1].split(/\s+/).filter(Boolean) : [];
}

function gitDescription(): string {
  try {
    const cwd = resolve(__dirname, '../..');
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd, encoding: 'utf8' }).trim() ? ' + uncommitted changes in src/' : '';
    return `${head}${dirty}`;
  } catch {
    return 'unknown';
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function log(message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  console.log(`[bench ${time}] ${message}`);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
