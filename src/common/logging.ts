import type { LoggerService } from '@nestjs/common';
import { Logger as PinoNestLogger, type Params, PinoLogger } from 'nestjs-pino';
import { currentRequestContext } from './request-context';

/**
 * Production logs: one JSON object a line (pino), with the request id on every line written while
 * a request is served (read from the request context, so no per-request logger is made), and no
 * request headers (they carry bearer tokens). Development keeps Nest's plain readable lines.
 */
export const STRUCTURED_LOG_PARAMS: Params = {
  pinoHttp: {
    level: process.env.LOG_LEVEL ?? 'info',
    autoLogging: false,
    quietReqLogger: true,
    mixin: () => {
      const requestId = currentRequestContext()?.requestId;
      return requestId ? { requestId } : {};
    },
    base: undefined,
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
  },
};

/** The logger main.ts installs before anything else in production, so boot lines are JSON too. */
export function structuredLogger(): LoggerService {
  return new PinoNestLogger(new PinoLogger(STRUCTURED_LOG_PARAMS), STRUCTURED_LOG_PARAMS);
}
