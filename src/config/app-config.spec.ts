import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      production: false,
      port: 3000,
      databaseUrl: undefined,
      dataDir: '.data',
      mailFrom: 'no-reply@localhost',
      totpIssuer: 'DFINERY',
      ipRateLimitPerMinute: 120,
      trustProxy: false,
      webConcurrency: 1,
      graphiql: true,
      introspection: true,
    });
  });

  it('reads typed values from strings', () => {
    const config = loadConfig({ PORT: '8080', TRUST_PROXY: '1', IP_RATE_LIMIT_PER_MINUTE: '0', WEB_CONCURRENCY: '2' });
    expect(config).toMatchObject({ port: 8080, trustProxy: 1, ipRateLimitPerMinute: 0, webConcurrency: 2, corsOrigins: [] });
  });

  it('takes TRUST_PROXY as hops or trusted ranges, and refuses "true", which trusts what the client writes', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,fd00::/8' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback', 'fd00::/8']);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY=true .*TRUST_PROXY=1/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('reads CORS_ORIGINS as exact origins, none by default', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://console.example.com, http://localhost:5173' }).corsOrigins).toEqual(['https://console.example.com', 'http://localhost:5173']);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://console.example.com/' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ CORS_ORIGINS: 'console.example.com' })).toThrow(/CORS_ORIGINS/);
  });

  it('stops production without SMTP_URL unless mail to the outbox is asked for by name', () => {
    const base = { NODE_ENV: 'production', ENCRYPTION_KEY: KEY, DATABASE_URL: 'postgres://db/app' };
    expect(() => loadConfig(base)).toThrow(/SMTP_URL is required in production.*MAIL_OUTBOX_IN_PRODUCTION=true/);
    expect(loadConfig({ ...base, MAIL_OUTBOX_IN_PRODUCTION: 'true' }).smtpUrl).toBeUndefined();
    expect(loadConfig({ ...base, SMTP_URL: 'smtp://mail:25' }).smtpUrl).toBe('smtp://mail:25');
  });

  it('keeps security events 365 days and prunes every 10 minutes by default, never by itself under NODE_ENV=test', () => {
    expect(loadConfig({})).toMatchObject({ securityEventRetentionDays: 365, dataPruneIntervalSeconds: 600, dataPruneBatchSize: 1000 });
    expect(loadConfig({ NODE_ENV: 'test' }).dataPruneIntervalSeconds).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', DATA_PRUNE_INTERVAL_SECONDS: '5', SECURITY_EVENT_RETENTION_DAYS: '30' })).toMatchObject({
      dataPruneIntervalSeconds: 5,
      securityEventRetentionDays: 30,
    });
    expect(() => loadConfig({ SECURITY_EVENT_RETENTION_DAYS: '0' })).toThrow(/SECURITY_EVENT_RETENTION_DAYS/);
  });

  it('runs migrations through DATABASE_MIGRATION_URL when set, else through DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://pooler:6432/app' }).databaseMigrationUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://pooler:6432/app', DATABASE_MIGRATION_URL: 'postgres://db:5432/app' }).databaseMigrationUrl).toBe('postgres://db:5432/app');
    expect(() => loadConfig({ DATABASE_MIGRATION_URL: 'mysql://db/app' })).toThrow(/DATABASE_MIGRATION_URL must be a postgres:\/\/ URL/);
  });

  it('drains for 5 seconds after SIGTERM in production, not at all elsewhere unless SHUTDOWN_DELAY_SECONDS says', () => {
    const production = { NODE_ENV: 'production', ENCRYPTION_KEY: KEY, DATABASE_URL: 'postgres://db/app', SMTP_URL: 'smtp://mail:25' };
    expect(loadConfig(production).shutdownDelaySeconds).toBe(5);
    expect(loadConfig({ ...production, SHUTDOWN_DELAY_SECONDS: '0' }).shutdownDelaySeconds).toBe(0);
    expect(loadConfig({}).shutdownDelaySeconds).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', SHUTDOWN_DELAY_SECONDS: '2' }).shutdownDelaySeconds).toBe(2);
    expect(() => loadConfig({ SHUTDOWN_DELAY_SECONDS: '-1' })).toThrow(/SHUTDOWN_DELAY_SECONDS/);
  });

  it('serves metrics only when METRICS_PORT is set, and never on the public port', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(() => loadConfig({ METRICS_PORT: '3000' })).toThrow(/METRICS_PORT must differ from PORT/);
    expect(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' })).toThrow(/METRICS_PORT must differ from PORT/);
    expect(() => loadConfig({ METRICS_PORT: '0' })).toThrow(/METRICS_PORT/);
  });

  it('stops production without ENCRYPTION_KEY or DATABASE_URL, naming each variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ENCRYPTION_KEY is required in production[\s\S]*DATABASE_URL is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY })).toThrow(/DATABASE_URL/);
  });

  it('turns GraphiQL and introspection off in production unless configured', () => {
    const production = loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY, DATABASE_URL: 'postgres://db/app', SMTP_URL: 'smtp://mail:25' });
    expect(production).toMatchObject({ graphiql: false, introspection: false });
    expect(loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: KEY, DATABASE_URL: 'postgres://db/app', SMTP_URL: 'smtp://mail:25', GRAPHQL_INTROSPECTION: 'true' }).introspection).toBe(true);
  });

  it('rejects malformed values with the variable\'s name', () => {
    expect(() => loadConfig({ ENCRYPTION_KEY: 'too-short' })).toThrow(/ENCRYPTION_KEY must be 32 bytes in base64/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be a postgres:\/\/ URL/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ ENCRYPTION_KEYS_PREVIOUS: `${KEY},nope` })).toThrow(/ENCRYPTION_KEYS_PREVIOUS/);
  });

  it('takes the WebAuthn origin from PUBLIC_URL (default http://localhost:PORT) and the rp id from its host unless WEBAUTHN_RP_ID says', () => {
    expect(loadConfig({ PORT: '4100' })).toMatchObject({ publicUrl: 'http://localhost:4100', webauthnRpId: 'localhost' });
    expect(loadConfig({ PUBLIC_URL: 'https://id.example.com/console/' })).toMatchObject({ publicUrl: 'https://id.example.com', webauthnRpId: 'id.example.com' });
    expect(loadConfig({ PUBLIC_URL: 'https://id.example.com', WEBAUTHN_RP_ID: 'example.com' }).webauthnRpId).toBe('example.com');
    expect(() => loadConfig({ PUBLIC_URL: 'id.example.com' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ WEBAUTHN_RP_ID: 'https://example.com' })).toThrow(/WEBAUTHN_RP_ID/);
  });

  it('retries webhooks from 30 seconds, refuses private networks and delivers every 5 seconds by default, never by itself under NODE_ENV=test', () => {
    expect(loadConfig({})).toMatchObject({ webhookRetryBaseSeconds: 30, webhookAllowPrivateNetworks: false, webhookDeliveryIntervalSeconds: 5 });
    expect(loadConfig({ NODE_ENV: 'test' }).webhookDeliveryIntervalSeconds).toBe(0);
    expect(loadConfig({ WEBHOOK_RETRY_BASE_SECONDS: '2', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' })).toMatchObject({ webhookRetryBaseSeconds: 2, webhookAllowPrivateNetworks: true });
    expect(() => loadConfig({ WEBHOOK_RETRY_BASE_SECONDS: '0' })).toThrow(/WEBHOOK_RETRY_BASE_SECONDS/);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }).webhookAllowPrivateNetworks).toBe(false);
  });
});
