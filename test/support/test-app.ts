import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { type AppConfig, loadConfig } from '../../src/config/app-config';
import { CapturingLogger } from './capturing-logger';
import { FakeClock } from './fake-clock';
import { SmtpInbox } from './smtp-inbox';
import { createTestDatabase } from './test-database';

export { createTestDatabase };

export const TEST_ENCRYPTION_KEY = randomBytes(32).toString('base64');

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: Array<{ message: string; path?: string[]; extensions: Record<string, any> }> | undefined;
  headers: Record<string, string>;
}

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  clock: FakeClock;
  inbox: SmtpInbox;
  logs: CapturingLogger;
  databaseUrl: string;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<GraphQLResult<T>>;
  http(): ReturnType<typeof request>;
  /** Stops the app (not the database nor the inbox) and starts a new one on the same database. */
  restart(configOverrides?: Partial<AppConfig>): Promise<TestApp>;
  close(): Promise<void>;
}

interface StartOptions {
  config?: Partial<AppConfig>;
  clock?: FakeClock;
  databaseUrl?: string;
  inbox?: SmtpInbox;
}

export async function startTestApp(options: StartOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const inbox = options.inbox ?? (await SmtpInbox.start());
  const clock = options.clock ?? new FakeClock();
  const logs = new CapturingLogger();
  const config: AppConfig = {
    ...loadConfig({ NODE_ENV: 'test' }),
    databaseUrl,
    smtpUrl: inbox.url,
    encryptionKey: TEST_ENCRYPTION_KEY,
    dataDir: mkdtempSync(join(tmpdir(), 'account-security-data-')),
    ipRateLimitPerMinute: 0,
    ...options.config,
  };
  const app = await createApp(config, { clock, logger: logs });
  await app.init();
  // Fastify answers only once its plugins and routes are loaded; supertest calls the server directly.
  await app.getHttpAdapter().getInstance().ready();
  const server = app.getHttpServer();

  const testApp: TestApp = {
    app,
    config,
    clock,
    inbox,
    logs,
    databaseUrl,
    http: () => request(server),
    async gql(query, variables, token, headers = {}) {
      let call = request(server).post('/graphql').set('Content-Type', 'application/json');
      if (token) call = call.set('Authorization', `Bearer ${token}`);
      for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
      const response = await call.send({ query, variables });
      return { status: response.status, data: response.body?.data, errors: response.body?.errors, headers: response.headers as Record<string, string> };
    },
    async restart(configOverrides = {}) {
      await app.close();
      return startTestApp({ config: { ...options.config, ...configOverrides }, clock, databaseUrl, inbox });
    },
    async close() {
      await app.close();
      await inbox.close();
    },
  };
  return testApp;
}
