/** An address that could pass for another one on screen, or carries markup; the message says what to change. */
export class AmbiguousEmailError extends Error {}

/**
 * Scripts a letter can belong to. A letter of a script not listed here counts as "another script",
 * which is enough for the rule below: it only needs to tell scripts apart, not name them.
 */
const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Devanagari', 'Bengali',
  'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao',
  'Tibetan', 'Myanmar', 'Georgian', 'Hangul', 'Ethiopic', 'Cherokee', 'Khmer', 'Mongolian', 'Hiragana',
  'Katakana', 'Bopomofo', 'Han',
].map((name) => ({ name, letter: new RegExp(`^\\p{Script=${name}}$`, 'u') }));

/**
 * Script sets a real address may mix: Unicode TR39's "highly restrictive" level (Japanese, Chinese and
 * Korean writing mix Han with their own scripts and with Latin). Latin with Cyrillic or Greek, whose
 * letters look alike (`о`/`o`, `а`/`a`, `ο`/`o`), is not among them.
 */
const ALLOWED_MIXES = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

const LETTER = /^\p{L}$/u;
/**
 * Quoted local parts, spaces and RFC 5322's specials are valid on paper but used by no real mailbox;
 * they are how markup (`"<img src=…>"@example.com`) rides into mails and pages that show the address.
 */
const SPECIALS = /[\s"<>()[\],;:\\]/u;
/** Zero-width spaces and joiners, soft hyphens, bidi controls, variation selectors… invisible on screen. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}]/u;

/**
 * The one form an email is stored and compared in: surrounding spaces dropped, Unicode NFC (so `é`
 * typed as one code point or as `e` + accent is one address), lower-cased. Everything that stores,
 * looks up or keys on an email goes through here, so they cannot drift apart.
 *
 * It refuses (AmbiguousEmailError) quoted or markup-carrying addresses (SPECIALS), and the addresses
 * that look like another one: any invisible code point,
 * and a local part or domain label whose letters mix scripts that are not written together (`jоhn` with
 * a Cyrillic `о`). Whole-script look-alikes (an address all in Cyrillic) stay possible, as they are for
 * every mail provider; the rule stops the cheap impersonation of an existing Latin address.
 */
export function normaliseEmail(email: string): string {
  const normalised = email.trim().normalize('NFC').toLowerCase();
  if (INVISIBLE.test(normalised)) {
    throw new AmbiguousEmailError('must not contain invisible characters (such as a zero-width space)');
  }
  if (SPECIALS.test(normalised)) {
    throw new AmbiguousEmailError('must be a plain address, without quotes, spaces or any of < > ( ) [ ] , ; : \\');
  }
  const at = normalised.lastIndexOf('@');
  const parts = at < 0 ? [normalised] : [normalised.slice(0, at), ...normalised.slice(at + 1).split('.')];
  for (const part of parts) {
    if (!writtenInOneSystem(part)) {
      throw new AmbiguousEmailError('mixes letters of different alphabets (for example a Cyrillic "о" among Latin letters), so it could pass for another address');
    }
  }
  return normalised;
}

function writtenInOneSystem(part: string): boolean {
  const scripts = new Set<string>();
  for (const char of part) {
    if (!LETTER.test(char)) continue; // digits, punctuation and combining marks belong to every script
    scripts.add(SCRIPTS.find((script) => script.letter.test(char))?.name ?? 'another script');
  }
  return scripts.size <= 1 || ALLOWED_MIXES.some((mix) => [...scripts].every((script) => mix.includes(script)));
}
