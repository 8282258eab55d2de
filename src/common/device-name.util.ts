/**
 * The one rule for naming a device from its user agent. The server stores and mails it; the console
 * (web/) imports this file for its sessions list and says "on" in the reader's language. So it stays
 * pure: no imports, nothing of Node or of the DOM.
 */

// First match wins: Edge, Opera and Samsung Internet also say Chrome, and nearly everyone says Safari.
const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Edg(?:e|A|iOS)?\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/(?:Firefox|FxiOS)\//, 'Firefox'],
  [/(?:Chrome|Chromium|CriOS)\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
];

// Android and iOS user agents also name Linux and Mac OS X.
const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** The column that stores the label is varchar(200). */
const MAX_LENGTH = 200;

const find = (table: ReadonlyArray<readonly [RegExp, string]>, userAgent: string) => table.find(([pattern]) => pattern.test(userAgent))?.[1];

const inEnglish = (browser: string, system: string) => `${browser} on ${system}`;

/**
 * "Firefox on Linux" for a browser and system we know (`on` words it in another language), the raw
 * user agent (up to 200 characters) when we do not know both, null when there is none.
 */
export function deviceName(userAgent: string | null | undefined, on: (browser: string, system: string) => string = inEnglish): string | null {
  if (!userAgent) return null;
  const browser = find(BROWSERS, userAgent);
  const system = find(SYSTEMS, userAgent);
  return browser && system ? on(browser, system) : userAgent.slice(0, MAX_LENGTH);
}
