import { isIP } from 'node:net';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

/** The environment as the server reads it; every variable is optional here, rules for production follow. */
class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535) METRICS_PORT?: number;
  @IsOptional() @IsString() @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' }) DATABASE_URL?: string;
  @IsOptional() @IsString() @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' }) DATABASE_MIGRATION_URL?: string;
  @IsOptional() @IsString() @Matches(/^smtps?:\/\//, { message: 'must be an smtp:// or smtps:// URL' }) SMTP_URL?: string;
  @IsOptional() @IsString() MAIL_FROM?: string;
  @IsOptional() @IsString() TOTP_ISSUER?: string;
  @IsOptional() @Matches(/^https?:\/\/[^/\s]+(\/\S*)?$/, { message: 'must be an http(s) origin such as https://id.example.com' }) PUBLIC_URL?: string;
  @IsOptional() @Matches(/^[a-z0-9.-]+$/i, { message: 'must be a host name such as example.com' }) WEBAUTHN_RP_ID?: string;
  @IsOptional() @Matches(BASE64_32_BYTES, { message: 'must be 32 bytes in base64 (44 characters)' }) ENCRYPTION_KEY?: string;
  @IsOptional() @IsString() ENCRYPTION_KEYS_PREVIOUS?: string;
  @IsOptional() @IsString() DATA_DIR?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) IP_RATE_LIMIT_PER_MINUTE?: number;
  @IsOptional() @IsString() TRUST_PROXY?: string;
  @IsOptional() @IsString() CORS_ORIGINS?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() MAIL_OUTBOX_IN_PRODUCTION?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(64) WEB_CONCURRENCY?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() GRAPHQL_INTROSPECTION?: boolean;
  @IsOptional() @Transform(toBool) @IsBoolean() GRAPHIQL?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(720) SESSION_TTL_HOURS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(36500) SECURITY_EVENT_RETENTION_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(86400) DATA_PRUNE_INTERVAL_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100000) DATA_PRUNE_BATCH_SIZE?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(300) SHUTDOWN_DELAY_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600) WEBHOOK_RETRY_BASE_SECONDS?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() WEBHOOK_ALLOW_PRIVATE_NETWORKS?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3600) WEBHOOK_DELIVERY_INTERVAL_SECONDS?: number;
}

export interface AppConfig {
  production: boolean;
  port: number;
  /** Where Prometheus metrics are served (GET /metrics); unset: not served. Never the public port. */
  metricsPort?: number;
  /** Unset: the server starts an embedded PostgreSQL under dataDir. */
  databaseUrl?: string;
  /**
   * Where migrations run, when not through databaseUrl: a direct connection to PostgreSQL while the
   * app goes through a pooler. Migrations also work through PgBouncer in transaction mode.
   */
  databaseMigrationUrl?: string;
  dataDir: string;
  /** Unset: mail is written to dataDir/outbox as .eml files. */
  smtpUrl?: string;
  mailFrom: string;
  totpIssuer: string;
  /** Where users open the console; its origin is the only WebAuthn origin accepted. */
  publicUrl: string;
  /** WebAuthn relying-party id: the host of publicUrl unless set. */
  webauthnRpId: string;
  /** Base64 of the 32-byte key that encrypts TOTP secrets; the dev default is filled in at boot. */
  encryptionKey?: string;
  /** Older keys, still accepted for decryption while secrets are re-encrypted. */
  previousEncryptionKeys: string[];
  ipRateLimitPerMinute: number;
  /**
   * Express's `trust proxy`: false, how many proxies stand in front (hops), or their addresses and
   * CIDR ranges. Never "trust everything": the left-most X-Forwarded-For is written by the client.
   */
  trustProxy: TrustProxy;
  /** Browser origins allowed to call the API cross-origin; none by default. */
  corsOrigins: string[];
  webConcurrency: number;
  introspection: boolean;
  graphiql: boolean;
  sessionTtlHours: number;
  /** Security events older than this are deleted by the pruning job. */
  securityEventRetentionDays: number;
  /** How often the pruning job runs; 0 turns the timer off (tests call it themselves). */
  dataPruneIntervalSeconds: number;
  /** Rows deleted per statement by the pruning job. */
  dataPruneBatchSize: number;
  /**
   * After SIGTERM, how long readiness answers 503 while requests are still served, so a balancer
   * takes the instance out before it stops accepting connections.
   */
  shutdownDelaySeconds: number;
  /** The wait before a webhook delivery's first retry; each later wait is four times the one before (capped). */
  webhookRetryBaseSeconds: number;
  /** Development only: webhooks may point at loopback, private and link-local addresses (never cloud metadata). */
  webhookAllowPrivateNetworks: boolean;
  /** How often an instance looks for webhook deliveries that are due; 0 turns the timer off (tests call it themselves). */
  webhookDeliveryIntervalSeconds: number;
}

export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TRUST_PROXY: unset/false/0, a hop count, or a comma-separated list of addresses, CIDR ranges and Express's names. */
export function parseTrustProxy(value: string | undefined): TrustProxy | { problem: string } {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') {
    return { problem: 'TRUST_PROXY=true would trust the X-Forwarded-For address the client writes: set the number of proxies in front of the service (e.g. TRUST_PROXY=1) or their addresses (e.g. TRUST_PROXY=10.0.0.0/8)' };
  }
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  const bad = entries.filter((entry) => !PROXY_NAMES.has(entry) && !isAddressOrRange(entry));
  if (bad.length > 0) return { problem: `TRUST_PROXY has entries that are neither a hop count, an address, a CIDR range nor loopback/linklocal/uniquelocal: ${bad.join(', ')}` };
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** CORS_ORIGINS: comma-separated origins such as https://console.example.com (scheme, host, optional port). */
function parseCorsOrigins(value: string | undefined, problems: string[]): string[] {
  const origins = (value ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    let valid = false;
    try {
      valid = new URL(origin).origin === origin;
    } catch {
      valid = false;
    }
    if (!valid) problems.push(`CORS_ORIGINS entries must be origins like https://console.example.com (no path or trailing slash): ${origin}`);
  }
  return origins;
}

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; an invalid value or a missing production secret names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const vars = plainToInstance(EnvironmentVariables, { ...env });
  const problems = validateSync(vars, { skipMissingProperties: false }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => `${error.property} ${message.replace(`${error.property} `, '')}`),
  );
  const production = vars.NODE_ENV === 'production';
  if (production && !vars.ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY is required in production (32 bytes, base64)');
  if (production && !vars.DATABASE_URL) problems.push('DATABASE_URL is required in production');
  if (production && !vars.SMTP_URL && !vars.MAIL_OUTBOX_IN_PRODUCTION) {
    problems.push('SMTP_URL is required in production (or set MAIL_OUTBOX_IN_PRODUCTION=true to write mail to DATA_DIR/outbox on purpose)');
  }
  const trustProxy = parseTrustProxy(vars.TRUST_PROXY);
  if (typeof trustProxy === 'object' && !Array.isArray(trustProxy)) problems.push(trustProxy.problem);
  const corsOrigins = parseCorsOrigins(vars.CORS_ORIGINS, problems);
  const previousEncryptionKeys = (vars.ENCRYPTION_KEYS_PREVIOUS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  for (const key of previousEncryptionKeys) {
    if (!BASE64_32_BYTES.test(key)) problems.push('ENCRYPTION_KEYS_PREVIOUS must be a comma-separated list of 32-byte base64 keys');
  }
  if (vars.METRICS_PORT !== undefined && vars.METRICS_PORT === (vars.PORT ?? 3000)) {
    problems.push('METRICS_PORT must differ from PORT: metrics are for Prometheus, not on the public port');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    production,
    port: vars.PORT ?? 3000,
    metricsPort: vars.METRICS_PORT,
    databaseUrl: vars.DATABASE_URL,
    databaseMigrationUrl: vars.DATABASE_MIGRATION_URL,
    dataDir: vars.DATA_DIR ?? '.data',
    smtpUrl: vars.SMTP_URL,
    mailFrom: vars.MAIL_FROM ?? 'no-reply@localhost',
    totpIssuer: vars.TOTP_ISSUER ?? 'DFINERY',
    publicUrl: new URL(vars.PUBLIC_URL ?? `http://localhost:${vars.PORT ?? 3000}`).origin,
    webauthnRpId: vars.WEBAUTHN_RP_ID ?? new URL(vars.PUBLIC_URL ?? 'http://localhost').hostname,
    encryptionKey: vars.ENCRYPTION_KEY,
    previousEncryptionKeys,
    ipRateLimitPerMinute: vars.IP_RATE_LIMIT_PER_MINUTE ?? 120,
    trustProxy: trustProxy as TrustProxy,
    corsOrigins,
    webConcurrency: vars.WEB_CONCURRENCY ?? 1,
    introspection: vars.GRAPHQL_INTROSPECTION ?? !production,
    graphiql: vars.GRAPHIQL ?? !production,
    sessionTtlHours: vars.SESSION_TTL_HOURS ?? 24,
    securityEventRetentionDays: vars.SECURITY_EVENT_RETENTION_DAYS ?? 365,
    // Off under NODE_ENV=test unless asked for: a test runs the job when it wants to see it run.
    dataPruneIntervalSeconds: vars.DATA_PRUNE_INTERVAL_SECONDS ?? (vars.NODE_ENV === 'test' ? 0 : 600),
    dataPruneBatchSize: vars.DATA_PRUNE_BATCH_SIZE ?? 1000,
    // Behind a balancer (production) its health checks need a few seconds to see readiness fail;
    // elsewhere nothing balances, and Ctrl-C or a test should stop at once.
    shutdownDelaySeconds: vars.SHUTDOWN_DELAY_SECONDS ?? (production ? 5 : 0),
    webhookRetryBaseSeconds: vars.WEBHOOK_RETRY_BASE_SECONDS ?? 30,
    webhookAllowPrivateNetworks: vars.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? false,
    webhookDeliveryIntervalSeconds: vars.WEBHOOK_DELIVERY_INTERVAL_SECONDS ?? (vars.NODE_ENV === 'test' ? 0 : 5),
  };
}

/** Injection token of the validated AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
