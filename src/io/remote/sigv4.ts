import { createHash, createHmac } from 'node:crypto';
import type { SignInput } from './http.js';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Request headers worth signing: ones a proxy must not change. `host` is always signed. */
const SIGNED = /^(range|content-type|content-md5|x-amz-.*)$/;

/**
 * AWS Signature Version 4 for header-authenticated requests, written by hand over node:crypto.
 *
 * Why not @aws-sdk/client-s3: Warden needs three S3 calls (ListObjectsV2, ranged GetObject, and
 * PutObject in tests), and they must share the retry, timeout, redirect and block-cache layer the
 * Hugging Face and https sources use. The SDK would bring ~100 packages for that and its own retry
 * stack. SigV4 is small and fully specified; it is checked here against AWS's published GetObject
 * example and, end to end, against moto's server, which recomputes every signature with botocore.
 */
export function signV4(
  input: SignInput,
  creds: AwsCredentials,
  region: string,
  service: string,
  now: Date = new Date(),
): Record<string, string> {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = input.headers['x-amz-content-sha256'] ?? sha256Hex(input.body);
  const added: Record<string, string> = {
    'x-amz-date': amzDate,
    'x-amz-content-sha256': payloadHash,
    ...(creds.sessionToken ? { 'x-amz-security-token': creds.sessionToken } : {}),
  };
  const toSign = new Map<string, string>([['host', input.url.host]]);
  for (const [k, v] of Object.entries({ ...input.headers, ...added })) {
    const name = k.toLowerCase();
    if (SIGNED.test(name)) toSign.set(name, v.trim().replace(/\s+/g, ' '));
  }
  const names = [...toSign.keys()].sort();
  const signedHeaders = names.join(';');
  const canonical = [
    input.method,
    input.url.pathname || '/',
    canonicalQuery(input.url.searchParams),
    names.map((n) => `${n}:${toSign.get(n)}\n`).join(''),
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${creds.secretAccessKey}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return {
    ...added,
    authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, `/` optionally kept. */
export function awsEncode(s: string, keepSlash = false): string {
  const enc = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? enc.replace(/%2F/g, '/') : enc;
}

function canonicalQuery(params: URLSearchParams): string {
  const pairs = [...params].map(([k, v]) => [awsEncode(k), awsEncode(v)] as const);
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
