import { type AwsSettings, awsSettings } from './aws-config.js';
import { fetchBytes, type HttpRequest, type SignInput } from './http.js';
import { HttpRangeSource } from './range-source.js';
import { RemoteError } from './remote-error.js';
import { awsEncode, signV4 } from './sigv4.js';
import type { RemoteContext, RemoteFile, RemoteListing } from './types.js';
import { elements, textOf } from './xml.js';

export interface S3Ref {
  readonly bucket: string;
  readonly prefix: string;
}

/** `s3://bucket/prefix`: the prefix may name one object or a "folder" of them. */
export function parseS3Url(url: string): S3Ref {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/i.exec(url);
  if (!m) throw new RemoteError('usage', `${url}: expected s3://bucket[/prefix] with a valid bucket name`);
  return { bucket: m[1]!, prefix: m[2] ?? '' };
}

const LIST_PAGE_CAP = 16 * 1024 * 1024;

export async function listS3(url: string, ctx: RemoteContext): Promise<RemoteListing> {
  const ref = parseS3Url(url);
  const aws = await awsSettings(ctx.env);
  const files: RemoteFile[] = [];
  let token: string | undefined;
  do {
    const q = new URLSearchParams({ 'list-type': '2', prefix: ref.prefix, 'encoding-type': 'url' });
    if (token) q.set('continuation-token', token);
    const res = await fetchBytes(
      request(aws, ref.bucket, '', `s3://${ref.bucket}/${ref.prefix}`, q),
      ctx.http,
      LIST_PAGE_CAP,
    );
    const xml = new TextDecoder().decode(res.body);
    for (const item of elements(xml, 'Contents')) {
      const rawKey = textOf(item, 'Key');
      const size = Number(textOf(item, 'Size'));
      if (rawKey === undefined || !Number.isSafeInteger(size)) continue;
      const key = safeDecode(rawKey);
      if (key.endsWith('/') && size === 0) continue; // a console-made "folder" marker
      if (files.length >= ctx.maxFiles) break;
      files.push(s3File(aws, ref, key, size, ctx));
    }
    token = textOf(xml, 'IsTruncated') === 'true' ? textOf(xml, 'NextContinuationToken') : undefined;
  } while (token && files.length < ctx.maxFiles);
  if (files.length === 0)
    throw new RemoteError('not_found', `s3://${ref.bucket}/${ref.prefix}: no objects under this prefix`, 404);
  return {
    url,
    files,
    notes: [`s3://${ref.bucket}: region ${aws.region}, credentials from ${aws.credentialSource}`],
  };
}

function s3File(aws: AwsSettings, ref: S3Ref, key: string, size: number, ctx: RemoteContext): RemoteFile {
  const displayPath = `s3://${ref.bucket}/${key}`;
  // Relative to the prefix's "folder", so `s3://b/models/x/` lists `config.json`, not `models/x/config.json`.
  const base = ref.prefix.includes('/') ? ref.prefix.slice(0, ref.prefix.lastIndexOf('/') + 1) : '';
  const name = key.startsWith(base) ? key.slice(base.length) : key;
  return {
    displayPath,
    name: name || key,
    size,
    open: (http) =>
      HttpRangeSource.open(
        (headers) => ({ ...request(aws, ref.bucket, key, displayPath), headers }),
        http,
        ctx.range,
        size,
      ),
  };
}

function request(aws: AwsSettings, bucket: string, key: string, what: string, query?: URLSearchParams): HttpRequest {
  const path = `/${awsEncode(key, true)}`;
  let url: string;
  if (aws.endpoint) {
    // Custom endpoints (moto, MinIO, other S3-compatible stores) expect path-style addressing.
    const base = aws.endpoint.replace(/\/+$/, '');
    url = `${base}/${awsEncode(bucket)}${key ? path : '/'}`;
  } else if (!bucket.includes('.')) {
    url = `https://${bucket}.s3.${aws.region}.amazonaws.com${path}`;
  } else {
    url = `https://s3.${aws.region}.amazonaws.com/${bucket}${key ? path : '/'}`;
  }
  // Written in SigV4's own encoding (%20, not +), so the wire form is the canonical form.
  if (query) url += `?${[...query].map(([k, v]) => `${awsEncode(k)}=${awsEncode(v)}`).join('&')}`;
  const creds = aws.credentials;
  return {
    method: 'GET',
    url,
    what,
    ...(creds ? { sign: (input: SignInput) => signV4(input, creds, aws.region, 's3') } : {}),
    explain: (status, headers, body) => explainS3(what, status, headers, body, aws),
  };
}

function explainS3(what: string, status: number, headers: Headers, body: string, aws: AwsSettings): RemoteError {
  const code = textOf(body, 'Code') ?? '';
  const message = textOf(body, 'Message') ?? '';
  const detail = [code, message].filter(Boolean).join(': ');
  if (status === 301 || code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed') {
    const region = headers.get('x-amz-bucket-region') ?? textOf(body, 'Region');
    if (region && region !== aws.region)
      return new RemoteError(
        'http',
        `${what}: the bucket is in ${region}, not ${aws.region}: set AWS_REGION=${region}`,
        status,
      );
  }
  if (status === 401 || status === 403)
    return new RemoteError(
      'auth',
      `${what}: access denied (${detail || `HTTP ${status}`}); credentials from ${aws.credentialSource}: ` +
        'set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE to an identity that may read it',
      status,
    );
  if (status === 404)
    return new RemoteError(
      'not_found',
      code === 'NoSuchBucket' ? `${what}: no such bucket` : `${what}: no such key (${detail || 'HTTP 404'})`,
      status,
    );
  return new RemoteError('http', `${what}: HTTP ${status}${detail ? ` (${detail})` : ''}`, status);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
