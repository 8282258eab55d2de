import { Worker } from 'node:worker_threads';

/** What the shipped lists and zxcvbn say about a new password. */
export interface PasswordStrength {
  /** On the ~49,000 most common passwords of published breaches (@zxcvbn-ts/language-common), in any case. */
  breached: boolean;
  /** zxcvbn's score, 0 (guessed at once) to 4, with the owner's email and name parts as known words. */
  score: number;
}

/**
 * zxcvbn's dictionaries (about 236,000 words) and the breach list cost some 65 MiB once loaded, for
 * a check that runs only when a password is set. So they live in a worker thread that starts on the
 * first check and ends after this long without one, giving the memory back.
 */
export const IDLE_MS = 10_000;

/**
 * The worker, as plain CommonJS run with `eval` (the same under the built server and the tests,
 * which run the TypeScript sources). It loads the packages from the paths the server resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { ZxcvbnFactory } = require(workerData.core);
const common = require(workerData.common);
const english = require(workerData.english);
const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
});
const breached = new Set(common.dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
parentPort.on('message', ({ id, password, userInputs }) => {
  try {
    const isBreached = breached.has(password.normalize('NFKC').toLowerCase());
    parentPort.postMessage({ id, breached: isBreached, score: zxcvbn.check(password, userInputs).score });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  }
});
`;

interface Pending {
  resolve: (strength: PasswordStrength) => void;
  reject: (error: Error) => void;
}

/** A running worker and the checks it has not answered yet. */
interface Checker {
  worker: Worker;
  pending: Map<number, Pending>;
}

let checker: Checker | null = null;
let nextId = 0;
let idleTimer: NodeJS.Timeout | undefined;

function startChecker(): Checker {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      core: require.resolve('@zxcvbn-ts/core'),
      common: require.resolve('@zxcvbn-ts/language-common'),
      english: require.resolve('@zxcvbn-ts/language-en'),
    },
  });
  const started: Checker = { worker, pending: new Map() };
  // The worker never keeps the process alive by itself (a test run ends, a stopped server exits).
  worker.unref();
  worker.on('message', (answer: { id: number; error?: string } & PasswordStrength) => {
    const waiting = started.pending.get(answer.id);
    started.pending.delete(answer.id);
    if (answer.error) waiting?.reject(new Error(`password strength check failed: ${answer.error}`));
    else waiting?.resolve({ breached: answer.breached, score: answer.score });
    if (started.pending.size === 0 && checker === started) stopWhenIdle();
  });
  const ended = (error: Error) => {
    if (checker === started) checker = null;
    for (const waiting of started.pending.values()) waiting.reject(error);
    started.pending.clear();
  };
  worker.on('error', ended);
  worker.on('exit', (code) => ended(new Error(`password strength worker exited (${code})`)));
  return started;
}

function stopWhenIdle(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (!checker || checker.pending.size > 0) return;
    const idle = checker;
    checker = null;
    void idle.worker.terminate();
  }, IDLE_MS).unref();
}

/** Checks a new password against the breach list and zxcvbn, off the main thread. */
export function assessPassword(password: string, userInputs: string[]): Promise<PasswordStrength> {
  clearTimeout(idleTimer);
  checker ??= startChecker();
  const id = nextId++;
  const { pending, worker } = checker;
  const answer = new Promise<PasswordStrength>((resolve, reject) => pending.set(id, { resolve, reject }));
  worker.postMessage({ id, password, userInputs });
  return answer;
}

/** Whether the worker is running now (for the spec). */
export function passwordStrengthWorkerRunning(): boolean {
  return checker !== null;
}
