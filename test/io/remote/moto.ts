/**
 * A real S3 API for the tests: moto's server (Python), started on 127.0.0.1 and signature-checking.
 *
 * moto checks SigV4 only once `INITIAL_NO_AUTH_ACTION_COUNT` is finite: the setup below creates an
 * IAM user, its access key and an allow-s3 policy while auth is still off, then switches auth on
 * through moto's `/moto-api/reset-auth`. From then on every request must carry a signature that
 * moto recomputes with botocore — so the S3 tests check Warden's hand-written SigV4 end to end.
 *
 * The machine's Python (pyenv 3.11) ships moto 5.2.1 with Flask/Werkzeug; CI runs on the same kind
 * of machine. If it cannot start, the tests fail with the reason rather than skip.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { signV4 } from '../../../src/io/remote/sigv4.js';
import { textOf } from '../../../src/io/remote/xml.js';

export interface Moto {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  put(bucket: string, key: string, body: Uint8Array | string): Promise<void>;
  createBucket(bucket: string): Promise<void>;
  stop(): Promise<void>;
}

const BOOT = { accessKeyId: 'AKIABOOTSTRAP0000000', secretAccessKey: 'bootstrap' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function signedFetch(
  url: string,
  method: string,
  body: Uint8Array | string,
  creds: { accessKeyId: string; secretAccessKey: string },
  service: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const signed = signV4({ method, url: new URL(url), headers, body: bytes }, creds, 'us-east-1', service);
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...signed },
    ...(bytes.length ? { body: bytes } : {}),
  });
  return { status: res.status, text: await res.text() };
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let stderr = '';
  let exited: string | undefined;
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: 'inf' },
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.on('error', (e) => {
    exited = `could not run python3: ${e.message}`;
  });
  child.on('exit', (code) => {
    exited ??= `moto exited with code ${code}`;
  });
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (exited)
      throw new Error(`moto server did not start (${exited}); it needs python3 with moto[server]. stderr:\n${stderr}`);
    try {
      const r = await fetch(`${endpoint}/moto-api/`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`moto server did not answer on ${endpoint} within 45 s. stderr:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const iam = async (params: Record<string, string>) => {
    const body = new URLSearchParams({ ...params, Version: '2010-05-08' }).toString();
    const r = await signedFetch(`${endpoint}/`, 'POST', body, BOOT, 'iam', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    if (r.status !== 200) throw new Error(`moto IAM ${params.Action} failed: ${r.status} ${r.text}`);
    return r.text;
  };
  await iam({ Action: 'CreateUser', UserName: 'warden' });
  const keyXml = await iam({ Action: 'CreateAccessKey', UserName: 'warden' });
  const accessKeyId = textOf(keyXml, 'AccessKeyId') ?? '';
  const secretAccessKey = textOf(keyXml, 'SecretAccessKey') ?? '';
  await iam({
    Action: 'PutUserPolicy',
    UserName: 'warden',
    PolicyName: 'read-write-s3',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    }),
  });
  const reset = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  if (!reset.ok) throw new Error(`moto reset-auth failed: ${reset.status}`);

  const creds = { accessKeyId, secretAccessKey };
  const s3 = async (method: string, path: string, body: Uint8Array | string = '') => {
    const r = await signedFetch(`${endpoint}${path}`, method, body, creds, 's3');
    if (r.status !== 200) throw new Error(`moto S3 ${method} ${path} failed: ${r.status} ${r.text}`);
  };
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    createBucket: (bucket) => s3('PUT', `/${bucket}`),
    put: (bucket, key, body) => s3('PUT', `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`, body),
    stop: async () => {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
    },
  };
}
