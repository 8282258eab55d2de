/**
 * Far above any real answer of this API (the operation limits keep one well under it); the last
 * line against an operation that would still fan out into megabytes for other users to wait behind.
 */
export const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/**
 * Apollo's `stringifyResult`: the answer as JSON, or, when that is over `maxBytes`, a
 * BAD_USER_INPUT error that says what to do instead. Measured on the text Apollo sends, so each
 * answer is serialised once.
 */
export function stringifyWithinLimit(maxBytes = MAX_RESPONSE_BYTES): (result: unknown) => string {
  return (result) => {
    const text = JSON.stringify(result);
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: most answers need no byte count at all.
    if (text.length * 3 <= maxBytes) return `${text}\n`;
    const bytes = Buffer.byteLength(text);
    if (bytes <= maxBytes) return `${text}\n`;
    const refusal = {
      errors: [
        {
          message: `The answer would be ${Math.ceil(bytes / 1024)} KB, over the ${Math.floor(maxBytes / 1024)} KB limit. Ask for fewer fields or smaller lists (first).`,
          extensions: { code: 'BAD_USER_INPUT', reason: 'RESPONSE_TOO_LARGE', fields: [] },
        },
      ],
    };
    return `${JSON.stringify(refusal)}\n`;
  };
}
