import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { AppConfig } from './app-config';

/**
 * Outside production an unset ENCRYPTION_KEY is generated once and kept in DATA_DIR, so a
 * developer's 2FA keeps working across restarts. Production refuses to start without one (loadConfig).
 */
export function withDevEncryptionKey(config: AppConfig): AppConfig {
  if (config.encryptionKey) return config;
  const keyFile = join(config.dataDir, 'encryption.key');
  if (!existsSync(keyFile)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    new Logger('Config').warn(`ENCRYPTION_KEY is unset: generated a development key in ${keyFile}`);
  }
  return { ...config, encryptionKey: readFileSync(keyFile, 'utf8').trim() };
}
