import { Matches } from 'class-validator';

/**
 * Control characters (line breaks and tabs among them), line and paragraph separators, and the
 * bidi controls that reorder what follows them. A name shows in mail subjects and sentences of
 * ours: with them it could start a paragraph of its own or reverse the text around it.
 */
export const NOT_PLAIN_NAME = /[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]/u;

/** Input field decorator: the name of a person or an organization is one line of visible text. */
export const PlainName = (): PropertyDecorator =>
  Matches(new RegExp(`^(?:(?!${NOT_PLAIN_NAME.source}).)*$`, 'su'), {
    message: 'must be one line of text, without line breaks or control characters',
  });
