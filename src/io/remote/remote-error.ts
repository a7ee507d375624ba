/**
 * The one error type the remote layer throws. `code` is closed so the CLI can map it to an exit
 * code and a hint, and tests can assert on it without matching message text.
 */
export type RemoteErrorCode =
  | 'auth' // 401/403: credentials missing, wrong or without access
  | 'not_found' // 404: no such repo, revision, bucket, key or URL
  | 'http' // any other non-success status after retries
  | 'network' // connection refused/reset, DNS, TLS, after retries
  | 'timeout' // no response (or no body progress) within the timeout, after retries
  | 'too_large' // a transfer cap was hit
  | 'no_range' // the server ignores Range and the object is over the whole-download cap
  | 'bad_response' // a response we cannot interpret (bad JSON/XML, inconsistent Content-Range)
  | 'usage'; // a URL we cannot parse

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    readonly code: RemoteErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Failures worth another attempt: the server or the path to it may recover. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}
