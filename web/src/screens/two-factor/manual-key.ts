/**
 * The manual key in groups of four characters, easier to read and type. Authenticator apps accept
 * the key with or without the spaces; the copy button copies it as the server gave it, without them.
 */
export function groupManualKey(key: string): string {
  return (key.match(/.{1,4}/g) ?? []).join(' ');
}
