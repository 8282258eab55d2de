import type { LoggerService } from '@nestjs/common';

/** Keeps every log line so tests can read them (and search them for secrets); prints only errors when asked. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];

  constructor(private readonly echoErrors = process.env.TEST_LOG_ERRORS === '1') {}

  private keep(level: string, message: unknown, rest: unknown[]) {
    const line = [level, message, ...rest].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
    this.lines.push(line);
    if (this.echoErrors && level === 'error') process.stderr.write(`${line}\n`);
  }

  log(message: unknown, ...rest: unknown[]) { this.keep('log', message, rest); }
  error(message: unknown, ...rest: unknown[]) { this.keep('error', message, rest); }
  warn(message: unknown, ...rest: unknown[]) { this.keep('warn', message, rest); }
  debug(message: unknown, ...rest: unknown[]) { this.keep('debug', message, rest); }
  verbose(message: unknown, ...rest: unknown[]) { this.keep('verbose', message, rest); }

  text(): string {
    return this.lines.join('\n');
  }
}
