import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { parseHfUrl } from '../../../src/io/remote/hf.js';
import { RemoteError } from '../../../src/io/remote/remote-error.js';
import { scanRemote } from '../../../src/io/remote/scan-remote.js';
import { BENIGN_PICKLE, OS_SYSTEM_PICKLE } from '../../archive/context.js';
import { hfConfig } from '../../builders/hf.js';
import { contiguousF32, safetensorsBytes } from '../../builders/safetensors.js';
import { buildZip } from '../../builders/zip.js';
import { captureIO } from '../../cli/helpers.js';
import { type FakeFile, FakeHub, type FakeHubOptions, type FakeRepo, memFile } from './fake-hub.js';

const MIB = 1024 * 1024;
const FAST = { retries: 3, backoffMs: 5, maxBackoffMs: 20, timeoutMs: 2000 };

/** A safetensors file of `size` bytes whose data section is generated zeros, never held in memory. */
function bigSafetensors(size: number): FakeFile {
  const tensorBytes = 4096 * 2048 * 2;
  const count = Math.floor((size - 64 * 1024) / tensorBytes);
  const header = safetensorsBytes(
    Array.from({ length: count }, (_, i) => ({
      name: `layers.${i}.weight`,
      dtype: 'BF16',
      shape: [4096, 2048],
      offsets: [i * tensorBytes, (i + 1) * tensorBytes] as const,
    })),
    { dataBytes: 0 },
  );
  const total = header.length + count * tensorBytes;
  return {
    size: total,
    read: async (s, e) => {
      const out = new Uint8Array(e - s);
      if (s < header.length) out.set(header.subarray(s, Math.min(e, header.length)));
      return out;
    },
  };
}

const benignModel = (): FakeRepo => ({
  files: {
    'config.json': memFile(hfConfig()),
    'model.safetensors': memFile(safetensorsBytes(contiguousF32({ w: [4, 4] }))),
    'training_args.bin': memFile(BENIGN_PICKLE),
  },
});

let hub: FakeHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

async function startHub(repos: Record<string, FakeRepo>, opts: FakeHubOptions = {}): Promise<FakeHub> {
  hub = new FakeHub(opts);
  for (const [id, r] of Object.entries(repos)) hub.addRepo(id, r);
  return hub.start();
}

const scan = (urls: string[], env: Record<string, string>, http = FAST) =>
  scanRemote(urls, { env, limits: DEFAULT_LIMITS, http });

describe('hf:// URLs', () => {
  it('parses repo, revision, path and the datasets prefix', () => {
    expect(parseHfUrl('hf://org/model')).toEqual({ kind: 'models', repo: 'org/model', revision: 'main', path: '' });
    expect(parseHfUrl('hf://org/model@v1.0/sub/dir')).toEqual({
      kind: 'models',
      repo: 'org/model',
      revision: 'v1.0',
      path: 'sub/dir',
    });
    expect(parseHfUrl('hf://datasets/org/data@refs%2Fpr%2F3')).toMatchObject({
      kind: 'datasets',
      revision: 'refs/pr/3',
    });
    expect(parseHfUrl('hf://gpt2')).toMatchObject({ repo: 'gpt2', path: '' });
    for (const bad of ['hf://', 'hf://org/mo del', 'hf://org/model/../x', 'hf://org/model@', 'hf://org/m@a..b'])
      expect(() => parseHfUrl(bad), bad).toThrow(RemoteError);
  });

  it('never throws anything but a RemoteError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        try {
          parseHfUrl(`hf://${s}`);
        } catch (e) {
          if (!(e instanceof RemoteError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('warden scan hf://', () => {
  it('lists the repo at a pinned commit, scans every file and flags the os.system pickle', async () => {
    const h = await startHub({
      'org/model': { files: { ...benignModel().files, 'extra/evil.pt': memFile(OS_SYSTEM_PICKLE) } },
    });
    const c = captureIO('/', { env: { HF_ENDPOINT: h.hubUrl } });
    expect(await run(['scan', 'hf://org/model', '--format', 'json'], c.io)).toBe(1);
    const report = JSON.parse(c.out());
    const paths = report.targets.map((t: { path: string }) => t.path).sort();
    expect(paths).toEqual([
      'hf://org/model@main/config.json',
      'hf://org/model@main/extra/evil.pt',
      'hf://org/model@main/model.safetensors',
      'hf://org/model@main/training_args.bin',
    ]);
    const evil = report.findings.filter((f: { path: string }) => f.path === 'hf://org/model@main/extra/evil.pt');
    expect(evil.map((f: { ruleId: string }) => f.ruleId)).toContain('pickle/dangerous-global');
    // Every download names the commit the revision resolved to, never the moving branch.
    const downloads = h.log.filter((l) => l.url.includes('/resolve/'));
    expect(downloads.length).toBeGreaterThan(0);
    expect(downloads.every((l) => /\/resolve\/[0-9a-f]{40}\//.test(l.url))).toBe(true);
  });

  it('scans another revision and a single file inside the repo', async () => {
    const h = await startHub({
      'org/model': { ...benignModel(), revisions: { v2: { 'pytorch_model.bin': memFile(OS_SYSTEM_PICKLE) } } },
    });
    const r = await scan(['hf://org/model@v2'], { HF_ENDPOINT: h.hubUrl });
    expect(r.targets.map((t) => t.path)).toEqual(['hf://org/model@v2/pytorch_model.bin']);
    expect(r.findings.some((f) => f.ruleId === 'pickle/dangerous-global')).toBe(true);
    const one = await scan(['hf://org/model/config.json'], { HF_ENDPOINT: h.hubUrl });
    expect(one.failures).toEqual([]);
    expect(one.targets.map((t) => t.path)).toEqual(['hf://org/model@main/config.json']);
  });

  it('follows the paginated tree listing', async () => {
    const files: Record<string, FakeFile> = {};
    for (let i = 0; i < 7; i++) files[`shard-${i}.pkl`] = memFile(BENIGN_PICKLE);
    const h = await startHub({ 'org/many': { files } }, { pageSize: 2 });
    const r = await scan(['hf://org/many'], { HF_ENDPOINT: h.hubUrl });
    expect(r.targets).toHaveLength(7);
    expect(h.log.filter((l) => l.url.includes('/tree/')).length).toBe(4);
  });

  it('401 on a private repo says to set HF_TOKEN; with the token it scans, and the token never reaches the CDN', async () => {
    const h = await startHub({ 'org/private': { ...benignModel(), token: 'hf_secret' } }, { cdnRedirect: true });
    const denied = captureIO('/', { env: { HF_ENDPOINT: h.hubUrl } });
    expect(await run(['scan', 'hf://org/private'], denied.io)).toBe(2);
    expect(denied.err()).toMatch(/hf:\/\/org\/private@main: access denied \(HTTP 401\).*set HF_TOKEN/);

    const before = h.log.length;
    const ok = await scan(['hf://org/private'], { HF_ENDPOINT: h.hubUrl, HF_TOKEN: 'hf_secret' });
    expect(ok.failures).toEqual([]);
    expect(ok.targets.every((t) => t.status === 'ok')).toBe(true);
    const log = h.log.slice(before);
    const cdn = log.filter((l) => l.host === 'cdn');
    expect(cdn.length).toBeGreaterThan(0);
    expect(cdn.every((l) => l.authorization === undefined)).toBe(true);
    expect(log.filter((l) => l.host === 'hub').every((l) => l.authorization === 'Bearer hf_secret')).toBe(true);
  });

  it('404s name what is missing: repo, revision or file', async () => {
    const h = await startHub({ 'org/model': benignModel() });
    const env = { HF_ENDPOINT: h.hubUrl };
    const r = await scan(['hf://org/nope', 'hf://org/model@v9', 'hf://org/model/missing.bin'], env);
    expect(r.failures.map((f) => [f.code, f.message])).toEqual([
      ['not_found', expect.stringContaining('hf://org/nope@main: no such repo')],
      ['not_found', expect.stringContaining('hf://org/model@v9: no such revision')],
      ['not_found', expect.stringContaining('missing.bin: no such file or folder')],
    ]);
  });

  it('retries 503 and 429 (honouring Retry-After) and dropped connections, then succeeds', async () => {
    const h = await startHub({ 'org/model': benignModel() }, { failNext: { count: 2, status: 503 } });
    const r1 = await scan(['hf://org/model'], { HF_ENDPOINT: h.hubUrl });
    expect(r1.failures).toEqual([]);
    expect(h.log.slice(0, 3).map((l) => l.status)).toEqual([503, 503, 200]);

    h.opts.failNext = { count: 1, status: 429, retryAfter: '0' };
    h.opts.dropNext = 0;
    const r2 = await scan(['hf://org/model'], { HF_ENDPOINT: h.hubUrl });
    expect(r2.failures).toEqual([]);

    h.opts.dropNext = 2;
    const r3 = await scan(['hf://org/model'], { HF_ENDPOINT: h.hubUrl });
    expect(r3.failures).toEqual([]);
    expect(r3.targets.every((t) => t.status === 'ok')).toBe(true);
  });

  it('gives up with a clear error once the retries are spent', async () => {
    const h = await startHub({ 'org/model': benignModel() }, { failNext: { count: 100, status: 502 } });
    const r = await scan(['hf://org/model'], { HF_ENDPOINT: h.hubUrl }, { ...FAST, retries: 2 });
    expect(r.failures).toEqual([{ url: 'hf://org/model', code: 'http', message: expect.stringContaining('HTTP 502') }]);
    expect(h.log).toHaveLength(3);
  });

  it('times out a server that never answers, retries, and reports a timeout', async () => {
    const h = await startHub({ 'org/model': benignModel() }, { stallNext: 100 });
    const t0 = Date.now();
    const r = await scan(['hf://org/model'], { HF_ENDPOINT: h.hubUrl }, { ...FAST, retries: 1, timeoutMs: 200 });
    expect(r.failures.map((f) => f.code)).toEqual(['timeout']);
    expect(r.failures[0]?.message).toContain('no response within 200 ms');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(h.log).toHaveLength(2);
  });

  it('a connection refused is a network error, not a crash', async () => {
    const r = await scan(['hf://org/model'], { HF_ENDPOINT: 'http://127.0.0.1:9' }, { ...FAST, retries: 1 });
    expect(r.failures.map((f) => f.code)).toEqual(['network']);
    expect(r.failures[0]?.message).toMatch(/connection failed/);
  });
});

describe('range reads over HTTP', () => {
  it('judges a 1 GiB safetensors from its header, transferring under 1 MiB', async () => {
    const big = bigSafetensors(1024 * MIB);
    const h = await startHub({ 'org/big': { files: { 'model.safetensors': big } } });
    const r = await scan(['hf://org/big'], { HF_ENDPOINT: h.hubUrl });
    expect(r.targets).toEqual([
      expect.objectContaining({ path: 'hf://org/big@main/model.safetensors', format: 'safetensors', status: 'ok' }),
    ]);
    expect(r.meter.bytes).toBeLessThan(MIB);
    expect(h.bodyBytes).toBeLessThan(MIB);
    expect(r.targets[0]?.bytesRead).toBeLessThan(MIB);
  });

  it('judges a 48 MiB PyTorch zip from its central directory and pickle, finding the payload', async () => {
    const zip = buildZip([
      { name: 'model/data.pkl', data: OS_SYSTEM_PICKLE },
      { name: 'model/version', data: '3\n' },
      { name: 'model/data/0', data: new Uint8Array(48 * MIB) },
    ]);
    const h = await startHub({ 'org/zip': { files: { 'pytorch_model.bin': memFile(zip) } } });
    const r = await scan(['hf://org/zip'], { HF_ENDPOINT: h.hubUrl });
    expect(r.findings.some((f) => f.ruleId === 'pickle/dangerous-global' && f.member === 'model/data.pkl')).toBe(true);
    expect(h.bodyBytes).toBeLessThan(MIB);
  });

  it('downloads a small object whole from a server without Range support', async () => {
    const h = await startHub({ 'org/model': benignModel() }, { noRange: true });
    const r = await scan(['hf://org/model'], { HF_ENDPOINT: h.hubUrl });
    expect(r.failures).toEqual([]);
    expect(r.targets.every((t) => t.status === 'ok')).toBe(true);
  });

  it('refuses a big object from a server without Range support instead of downloading it', async () => {
    const h = await startHub(
      { 'org/big': { files: { 'model.safetensors': bigSafetensors(512 * MIB) } } },
      { noRange: true },
    );
    const r = await scanRemote(['hf://org/big'], {
      env: { HF_ENDPOINT: h.hubUrl },
      limits: DEFAULT_LIMITS,
      http: FAST,
      range: { maxWholeDownload: 8 * MIB },
    });
    expect(r.targets[0]).toMatchObject({ status: 'error', error: { code: 'io_error' } });
    expect(r.targets[0]?.error?.message).toMatch(
      /does not support range requests.*over the 8388608-byte whole-download cap/,
    );
    // The body was never read: what the client took in is at most what one socket buffers.
    expect(r.meter.bytes).toBeLessThan(MIB);
  });

  it('stops at the per-object transfer cap with a limit finding', async () => {
    const zip = buildZip([
      { name: 'a/data.pkl', data: BENIGN_PICKLE },
      { name: 'a/extra.pkl', data: new Uint8Array(3 * MIB).fill(0x4e) },
    ]);
    const h = await startHub({ 'org/zip': { files: { 'model.bin': memFile(zip) } } });
    const r = await scanRemote(['hf://org/zip'], {
      env: { HF_ENDPOINT: h.hubUrl },
      limits: DEFAULT_LIMITS,
      http: FAST,
      range: { maxTransfer: 1 * MIB },
    });
    // The member past the cap is reported against itself; the rest of the archive was still judged.
    const capped = r.targets.find((t) => t.member === 'a/extra.pkl');
    expect(capped?.status).toBe('error');
    expect(capped?.error?.message).toContain('remote transfer cap of 1048576 bytes reached');
    expect(r.findings.some((f) => f.member === 'a/extra.pkl' && f.message.includes('remote transfer cap'))).toBe(true);
    expect(r.targets.find((t) => t.member === 'a/data.pkl')?.status).toBe('ok');
    expect(r.meter.bytes).toBeLessThan(MIB);
  });

  it('skips objects over --max-file-size without opening them', async () => {
    const h = await startHub({ 'org/big': { files: { 'model.safetensors': bigSafetensors(64 * MIB) } } });
    const c = captureIO('/', { env: { HF_ENDPOINT: h.hubUrl } });
    expect(await run(['scan', 'hf://org/big', '--max-file-size', '1MB', '--format', 'json'], c.io)).toBe(0);
    expect(JSON.parse(c.out()).targets[0]).toMatchObject({ status: 'skipped', error: { code: 'too_large' } });
    expect(h.log.some((l) => l.url.includes('/resolve/'))).toBe(false);
  });

  it('scans plain http(s) URLs alongside local paths into one report', async () => {
    const h = await startHub({ 'org/model': benignModel() });
    const url = `${h.hubUrl}/org/model/resolve/main/training_args.bin`;
    const c = captureIO(process.cwd(), { env: {} });
    const code = await run(['scan', url, '../shared/corpus/files/hf_benign', '--format', 'json'], c.io);
    expect(code).toBe(0);
    const paths = JSON.parse(c.out()).targets.map((t: { path: string }) => t.path);
    expect(paths).toContain(url);
    expect(paths.some((p: string) => p.endsWith('hf_benign/model.safetensors'))).toBe(true);
  });
});
