import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type AddressInfo, createServer } from 'node:net';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { AppConfig } from '../../../src/config/app-config';
import { startTestApp, type TestApp } from '../../support/test-app';

export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'test-output', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** How the console is served: see startConsoleServer. */
export interface ConsoleServerOptions {
  hostName?: 'localhost';
  config?: Partial<AppConfig>;
}

/**
 * The test app (fake clock, in-process SMTP, own database) listening on a free port.
 * `hostName: 'localhost'` serves the console at http://localhost:PORT with PUBLIC_URL set to it:
 * WebAuthn needs a secure context and an rp id that is a domain, which 127.0.0.1 is not.
 * `config` is laid over the test app's (e.g. `webhookAllowPrivateNetworks` for a receiver on 127.0.0.1).
 */
async function startConsoleServer(options: ConsoleServerOptions): Promise<{ t: TestApp; baseUrl: string }> {
  if (options.hostName) {
    const port = await freePort();
    const baseUrl = `http://${options.hostName}:${port}`;
    const t = await startTestApp({ config: { ...options.config, publicUrl: baseUrl, webauthnRpId: options.hostName } });
    await t.app.listen(port, '127.0.0.1');
    return { t, baseUrl };
  }
  const t = await startTestApp({ config: options.config });
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return { t, baseUrl: `http://127.0.0.1:${port}` };
}

/** A port the system just gave out and took back: PUBLIC_URL must name it before the app listens. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // The console listens on 127.0.0.1 only; Chromium tries ::1 first for "localhost", where
      // another process on this machine may hold the same port number (seen once in CI).
      '--host-resolver-rules=MAP localhost 127.0.0.1',
    ],
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Every console error and uncaught exception the page produced. */
  problems: string[];
}

export async function openConsole(
  browser: Browser,
  baseUrl: string,
  options: { locale?: string; width?: number; height?: number } = {},
): Promise<ConsolePage> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: { width: options.width ?? 1024, height: options.height ?? 720 },
    acceptDownloads: true,
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(baseUrl);
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The 6-digit code of the first mail to `to` that arrived after `after` messages (any language). */
export async function mailedCode(t: TestApp, to: string, after: number): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const mail = t.inbox.messages.slice(after).find((m) => m.to.includes(to) && /\b\d{6}\b/.test(`${m.subject} ${m.text}`));
    if (mail) return /\b(\d{6})\b/.exec(`${mail.subject} ${mail.text}`)![1]!;
    if (Date.now() > deadline) throw new Error(`No code mailed to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What a browser spec works with: read them inside hooks and tests, once the setup has run. */
export interface ConsoleBrowser {
  /** The test app behind the console: its clock, inbox and API. */
  readonly t: TestApp;
  /** Where the console is served, e.g. http://localhost:PORT. */
  readonly baseUrl: string;
  readonly browser: Browser;
  /**
   * A fresh browser context on the console. After every test the contexts are closed, and the test
   * fails if any of their pages logged a console error or threw.
   */
  open(options?: Parameters<typeof openConsole>[2]): Promise<Page>;
}

/**
 * The setup of a browser spec, for its describe block: the console server and Chromium start before
 * its tests and stop after them, and what `open()` opened is checked and closed after each test.
 */
export function useConsoleBrowser(options: ConsoleServerOptions = {}): ConsoleBrowser {
  let server: { t: TestApp; baseUrl: string } | undefined;
  let browser: Browser | undefined;
  const opened: ConsolePage[] = [];

  beforeAll(async () => {
    server = await startConsoleServer(options);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.t.close();
  });
  afterEach(async () => {
    const problems = opened.flatMap((console) => console.problems);
    await Promise.all(opened.splice(0).map((console) => console.context.close()));
    expect(problems).toEqual([]);
  });

  return {
    get t() {
      return started(server).t;
    },
    get baseUrl() {
      return started(server).baseUrl;
    },
    get browser() {
      return started(browser);
    },
    async open(openOptions = {}) {
      const console = await openConsole(started(browser), started(server).baseUrl, openOptions);
      opened.push(console);
      return console.page;
    },
  };
}

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('useConsoleBrowser: read before its beforeAll ran (or it failed)');
  return value;
}

export const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
export const heading = (page: Page, name: string) => page.getByRole('heading', { name, exact: true }).waitFor();

/** The text of the first alert on the page, once there is one. */
export async function alertText(page: Page): Promise<string> {
  const alert = page.getByRole('alert').first();
  await alert.waitFor();
  return (await alert.textContent()) ?? '';
}
