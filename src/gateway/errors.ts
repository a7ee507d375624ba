/**
 * Errors the gateway itself produces, in OpenAI's shape so SDKs surface them like any API error:
 * `{"error": {"message", "type", "param", "code"}}`.
 */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}

export interface GatewayErrorSpec {
  readonly status: number;
  readonly type: string;
  readonly code: string;
}

/** The closed set of gateway error codes, with the HTTP status and OpenAI error type each maps to. */
export const GATEWAY_ERRORS = {
  not_found: { status: 404, type: 'invalid_request_error', code: 'unknown_url' },
  method_not_allowed: { status: 405, type: 'invalid_request_error', code: 'method_not_allowed' },
  invalid_json: { status: 400, type: 'invalid_request_error', code: 'invalid_json' },
  body_too_large: { status: 413, type: 'invalid_request_error', code: 'request_too_large' },
  input_blocked: { status: 400, type: 'invalid_request_error', code: 'warden_input_blocked' },
  data_blocked: { status: 400, type: 'invalid_request_error', code: 'warden_sensitive_data' },
  output_blocked: { status: 403, type: 'permission_error', code: 'warden_output_blocked' },
  rate_limited: { status: 429, type: 'requests', code: 'rate_limit_exceeded' },
  tokens_limited: { status: 429, type: 'tokens', code: 'rate_limit_exceeded' },
  upstream_error: { status: 502, type: 'api_error', code: 'upstream_error' },
  upstream_timeout: { status: 504, type: 'api_error', code: 'upstream_timeout' },
  response_too_large: { status: 502, type: 'api_error', code: 'upstream_response_too_large' },
} as const satisfies Record<string, GatewayErrorSpec>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

export function errorBody(code: GatewayErrorCode, message: string, param: string | null = null): OpenAiErrorBody {
  const spec = GATEWAY_ERRORS[code];
  return { error: { message, type: spec.type, param, code: spec.code } };
}

/** True when a parsed upstream body already has OpenAI's error shape, so it can be passed on unchanged. */
export function isOpenAiError(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const e = (v as { error?: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
}
