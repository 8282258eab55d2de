/** "Firefox on Linux"-style label; the raw user agent is kept on the session, not here. */
export function deviceName(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const browser = /(Edg|OPR|Chrome|Firefox|Safari)\//.exec(userAgent)?.[1];
  const os = /(Windows|Mac OS X|Android|iPhone|iPad|Linux)/.exec(userAgent)?.[1];
  const names: Record<string, string> = { Edg: 'Edge', OPR: 'Opera', 'Mac OS X': 'macOS' };
  if (!browser && !os) return userAgent.slice(0, 200);
  return [browser && (names[browser] ?? browser), os && (names[os] ?? os)].filter(Boolean).join(' on ');
}
