import autocannon = require('autocannon');
import { type CpuGroups, type CpuUse, cpuSnapshot, cpuUse } from './cpu-usage';
import { RssSampler } from './rss';

export interface LoadRequest {
  setupRequest?: autocannon.Request['setupRequest'];
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Extra check of a 200 response without "errors" (e.g. the expected status); false counts as an error. */
  check?: (body: string, context: Record<string, unknown>) => boolean;
  /** Called with every response, error or not, before it is checked. */
  after?: (context: Record<string, unknown>) => void;
}

export interface LoadPhaseResult {
  seconds: number;
  completed: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  /** Responses that were not HTTP 200, had "errors" in the body or failed `check`, plus socket errors and timeouts. */
  errors: number;
  errorSamples: string[];
}

export interface ScenarioOptions {
  name: string;
  url: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Each autocannon connection cycles through these. */
  requests: LoadRequest[];
  serverPid: () => number | undefined;
  /** Polled every 50 ms: true ends the current phase early (e.g. the pending sessions ran out). */
  exhausted?: () => boolean;
  /** Processes whose CPU use is measured over the measured phase. */
  cpuGroups?: () => CpuGroups;
  /** Called between the warm-up and the measured phase. */
  betweenPhases?: () => void;
}

export interface ScenarioResult extends LoadPhaseResult {
  name: string;
  connections: number;
  peakRssBytes: number;
  /** True when the run ended before `seconds` because `exhausted` said so. */
  endedEarly: boolean;
  warmup: LoadPhaseResult;
  /** CPU cores used during the measured phase, by group, and by the rest of the machine. */
  cpu?: CpuUse;
}

/** A warm-up phase, then the measured phase, with the server's RSS sampled every 200 ms throughout. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const rss = new RssSampler(options.serverPid, 200);
  rss.start();
  try {
    const warmup = options.warmupSeconds > 0 ? await runPhase(options, options.warmupSeconds) : emptyPhase();
    options.betweenPhases?.();
    const groups = options.cpuGroups?.();
    const before = groups ? cpuSnapshot(groups) : undefined;
    const measured = await runPhase(options, options.seconds);
    const cpu = groups && before ? cpuUse(before, cpuSnapshot(groups)) : undefined;
    return {
      ...measured,
      cpu,
      name: options.name,
      connections: options.connections,
      peakRssBytes: rss.stop(),
      endedEarly: measured.seconds < options.seconds - 0.5,
      warmup,
    };
  } finally {
    rss.stop();
  }
}

function emptyPhase(): LoadPhaseResult {
  return { seconds: 0, completed: 0, reqPerSec: 0, p50: 0, p99: 0, errors: 0, errorSamples: [] };
}

async function runPhase(options: ScenarioOptions, seconds: number): Promise<LoadPhaseResult> {
  let responseErrors = 0;
  const errorSamples: string[] = [];
  const noteError = (text: string) => {
    responseErrors += 1;
    if (errorSamples.length < 3) errorSamples.push(text.slice(0, 300));
  };
  const requests: autocannon.Request[] = options.requests.map((r) => ({
    method: r.method ?? 'POST',
    path: r.path ?? '/graphql',
    headers: { 'content-type': 'application/json', ...r.headers },
    body: r.body,
    setupRequest: r.setupRequest,
    onResponse: (status: number, body: string, context: Record<string, unknown>) => {
      r.after?.(context);
      if (status !== 200) return noteError(`HTTP ${status}: ${body}`);
      if (body.includes('"errors"')) return noteError(body);
      if (r.check && !r.check(body, context)) return noteError(`unexpected: ${body}`);
    },
  }));
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: seconds,
    timeout: 30,
    sampleInt: 250,
    requests,
  });
  const poll = setInterval(() => {
    if (options.exhausted?.()) instance.stop();
  }, 50);
  let result: autocannon.Result;
  try {
    result = await instance;
  } finally {
    clearInterval(poll);
  }
  const completed = result.requests.total;
  const transportErrors = result.errors;
  if (transportErrors > 0 && errorSamples.length < 3) errorSamples.push(`${transportErrors} socket errors/timeouts (${result.timeouts} timeouts)`);
  return {
    seconds: result.duration,
    completed,
    reqPerSec: result.duration > 0 ? completed / result.duration : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: responseErrors + transportErrors,
    errorSamples,
  };
}
