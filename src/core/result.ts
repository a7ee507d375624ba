/** Expected failures are data, not exceptions (malformed input, a limit hit). */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** The closed set of reasons a parser gives up on its input. */
export const PARSE_ERROR_CODES = [
  'truncated',
  'bad_magic',
  'limit_exceeded',
  'invalid_structure',
  'unsupported_version',
  'io_error',
  'timeout',
  'internal',
] as const;
export type ParseErrorCode = (typeof PARSE_ERROR_CODES)[number];

export interface ParseError {
  readonly code: ParseErrorCode;
  readonly message: string;
  readonly offset?: number;
}

export function parseError(code: ParseErrorCode, message: string, offset?: number): ParseError {
  return offset === undefined ? { code, message } : { code, message, offset };
}

/** Thrown inside parsers to unwind to the scanner boundary; never escapes a scanner. */
export class ParseFailure extends Error {
  constructor(readonly error: ParseError) {
    super(error.message);
    this.name = 'ParseFailure';
  }
}

export function fail(code: ParseErrorCode, message: string, offset?: number): never {
  throw new ParseFailure(parseError(code, message, offset));
}
