import type { FastifyInstance } from 'fastify';
import { ErrorCode } from './app-error';

/** Depth of JSON the check walks; GraphQL bodies are shallow, anything deeper is refused too. */
const MAX_JSON_DEPTH = 32;

/** NUL, or half of a surrogate pair: text no person types and no database column can hold. */
function isUnusableText(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}

function containsUnusableText(value: unknown, depth = 0): boolean {
  if (depth > MAX_JSON_DEPTH) return true;
  if (typeof value === 'string') return isUnusableText(value);
  if (Array.isArray(value)) return value.some((item) => containsUnusableText(item, depth + 1));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => isUnusableText(key) || containsUnusableText(item, depth + 1));
  }
  return false;
}

/**
 * PostgreSQL cannot store U+0000, and validator's isEmail throws on a lone surrogate: either would
 * surface as a server error deep inside an operation. No legitimate input has them: refuse them at
 * the door, before GraphQL.
 */
export function rejectUnusableText(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, reply, done) => {
    if (!containsUnusableText(request.body)) return done();
    reply.code(400).send({
      errors: [{
        message: 'The request contains a NUL character or malformed Unicode, or is nested too deeply.',
        extensions: { code: ErrorCode.BAD_USER_INPUT, fields: [] },
      }],
    });
  });
}
