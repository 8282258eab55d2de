import Bowser from 'bowser';
import type { Language } from './language';

/**
 * The one rule for naming a device from its user agent: the browser and the operating system as
 * bowser (a maintained parser) reads them. The server stores it (trusted devices, known sign-in
 * devices), serves it (Session.device, SecurityEvent.device) and mails it.
 */

/** "Firefox on Windows" in each language the mails speak. */
const WORDING: Record<Language, (browser: string, system: string) => string> = {
  en: (browser, system) => `${browser} on ${system}`,
  ko: (browser, system) => `${system}의 ${browser}`,
};

/** The columns that store a name are varchar(200). */
const MAX_LENGTH = 200;

/**
 * bowser's name for a browser, less what says nothing: "Mozilla" is what it answers for an agent
 * it does not know, and "Samsung Internet for Android" would read "… for Android on Android".
 */
function browserName(parsed: Bowser.Parser.ParsedResult): string | null {
  const name = parsed.browser.name?.replace(/ for (Android|iOS)$/, '').trim();
  return name && name !== 'Mozilla' ? name : null;
}

/**
 * "Firefox on Windows" for a browser and system bowser knows (worded in `language`), the browser
 * alone when the system is unknown, null when there is no user agent or no browser to name.
 */
export function deviceName(userAgent: string | null | undefined, language: Language = 'en'): string | null {
  if (!userAgent) return null;
  const parsed = Bowser.parse(userAgent);
  const browser = browserName(parsed);
  if (!browser) return null;
  const system = parsed.os.name?.trim();
  return (system ? WORDING[language](browser, system) : browser).slice(0, MAX_LENGTH);
}
