/**
 * `warden audit` on a generated 1 GiB ML project with thousands of files.
 *
 *   node --import tsx bench/audit-1gb.ts [--mb 1024] [--runs 2] [--concurrency N]
 *
 * The project is generated once under bench/.work/audit-1gb/ (git-ignored) and reused:
 *   - 24 sharded safetensors checkpoints with config.json (about 56% of the bytes),
 *   - 8 NumPy arrays, 300 PyTorch zip checkpoints copied from the shared corpus (3 of them the
 *     corpus' malicious `payload_in_state_dict.pt`),
 *   - 40 CSV and 20 JSONL datasets (reviews; one row in 50 carries an e-mail address),
 *   - 400 notebooks (4 print an API key into an output), 2,500 Python files (one in 20 loads a
 *     model unsafely, one in 50 is an LLM app that pipes a completion to a shell), 600 TypeScript
 *     files, 300 configs, a few requirements files (one pins torch 2.5.1), CI workflows,
 *   - images that the audit inventories but does not read, padding the total to --mb MiB.
 * Each run is a fresh child process (cold JIT, warm page cache after the first run) that calls the
 * same code as `warden audit` (runAudit, then the JSON reporter) and prints wall time, MB/s
 * (10^6 bytes per second of the project's size), files per second, peak RSS and findings.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '1024' },
    runs: { type: 'string', default: '2' },
    concurrency: { type: 'string' },
    child: { type: 'string' },
  },
});
const ROOT = join(import.meta.dirname, '.work', `audit-${values.mb}mb`);
const CORPUS = join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'files');

if (values.child) {
  const { runAudit } = await import('../src/audit/run.js');
  const { renderAudit } = await import('../src/audit/report.js');
  const { DEFAULT_LIMITS } = await import('../src/core/limits.js');
  const { allRules } = await import('../src/rules/catalog.js');
  const phases: Record<string, number> = {};
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const report = await runAudit(values.child, {
    cwd: dirname(values.child),
    limits: DEFAULT_LIMITS,
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
    onProgress: (p) => {
      const key = `${p.phase}${p.total > 0 && p.done >= p.total ? ' done' : ''}`;
      phases[key] ??= Math.round(performance.now() - t0);
    },
  });
  const auditMs = performance.now() - t0;
  const json = renderAudit('json', { report, tool: { name: 'warden', version: 'bench' }, rules: allRules() });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const bySeverity: Record<string, number> = {};
  for (const f of report.findings) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  const files = Object.values(report.inventory).reduce((n, e) => n + (e?.files ?? 0), 0);
  const bytes = Object.values(report.inventory).reduce((n, e) => n + (e?.bytes ?? 0), 0);
  process.stdout.write(
    `${JSON.stringify({
      files,
      bytes,
      seconds: ms / 1000,
      auditSeconds: auditMs / 1000,
      mbPerSec: bytes / 1e6 / (ms / 1000),
      filesPerSec: files / (ms / 1000),
      cpuSecondsAllThreads: (cpu.user + cpu.system) / 1e6,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      reportKiB: Math.round(json.length / 1024),
      findings: report.findings.length,
      bySeverity,
      posture: (JSON.parse(json) as { audit: { posture: unknown } }).audit.posture,
      phasesMs: phases,
      inventory: report.inventory,
    })}\n`,
  );
  process.exit(0);
}

// ---------- generation (deterministic) ----------

let seed = 0x9e3779b9;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
let written = 0;
const write = (rel: string, data: string | Uint8Array) => {
  const p = join(ROOT, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
  written += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
};
const copy = (from: string, rel: string) => {
  const p = join(ROOT, rel);
  mkdirSync(dirname(p), { recursive: true });
  copyFileSync(join(CORPUS, from), p);
  written += statSync(p).size;
};

function safetensors(bytes: number): Uint8Array {
  const n = Math.floor(bytes / 4 / 2);
  const header = JSON.stringify({
    __metadata__: { format: 'pt' },
    'a.weight': { dtype: 'F32', shape: [n], data_offsets: [0, n * 4] },
    'b.weight': { dtype: 'F32', shape: [n], data_offsets: [n * 4, n * 8] },
  });
  const h = Buffer.from(header.padEnd(Math.ceil(header.length / 8) * 8, ' '));
  const out = Buffer.alloc(8 + h.length + n * 8);
  out.writeBigUInt64LE(BigInt(h.length), 0);
  h.copy(out, 8);
  return out;
}

function npy(bytes: number): Uint8Array {
  const n = Math.floor(bytes / 4);
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n},), }`;
  dict = dict.padEnd(Math.ceil((dict.length + 11) / 64) * 64 - 11, ' ');
  const header = Buffer.from(
    `\x93NUMPY\x01\x00${String.fromCharCode((dict.length + 1) & 0xff, (dict.length + 1) >> 8)}${dict}\n`,
    'latin1',
  );
  const out = Buffer.alloc(header.length + n * 4);
  header.copy(out);
  return out;
}

const WORDS = ['battery', 'screen', 'delivery', 'price', 'quality', 'support', 'sound', 'fit', 'setup', 'value'];
function csv(bytes: number): string {
  const rows = ['id,rating,label,reviewer,text'];
  let size = rows[0]!.length;
  for (let i = 1; size < bytes; i++) {
    const contact = i % 50 === 0 ? `user${i}@example-mail.com` : `reviewer-${i % 997}`;
    const text = Array.from({ length: 12 }, () => pick(WORDS)).join(' ');
    const row = `${i},${1 + (i % 5)},${i % 3 ? 'positive' : 'negative'},${contact},"${text}"`;
    rows.push(row);
    size += row.length + 1;
  }
  return `${rows.join('\n')}\n`;
}

function jsonl(bytes: number): string {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = JSON.stringify({ id: i, prompt: `Summarise: ${pick(WORDS)} ${pick(WORDS)}`, completion: pick(WORDS) });
    out.push(line);
    size += line.length + 1;
  }
  return `${out.join('\n')}\n`;
}

const KEY = 'sk-proj-UgXIzEF0hf6NShixLGVjsgajpWr6I1V8qIqBSEVztO3KveUyyumEuPmrCH7D4eCl';
function notebook(i: number): string {
  const leak = i % 100 === 0;
  const cells = [
    { cell_type: 'markdown', metadata: {}, source: [`# Experiment ${i}\n`] },
    {
      cell_type: 'code',
      execution_count: 1,
      metadata: {},
      outputs: [{ name: 'stdout', output_type: 'stream', text: [leak ? `key ${KEY}\n` : `rows ${i * 7}\n`] }],
      source: ['import pandas as pd\n', `df = pd.read_csv('data/reviews-${i % 40}.csv')\n`, 'print(len(df))\n'],
    },
    ...Array.from({ length: 20 }, (_, j) => ({
      cell_type: 'code',
      execution_count: j + 2,
      metadata: {},
      outputs: [
        {
          data: { 'text/plain': [`${j} ${'x'.repeat(400)}`] },
          execution_count: j + 2,
          metadata: {},
          output_type: 'execute_result',
        },
      ],
      source: [`df['f${j}'] = df.rating * ${j}\n`, `df.groupby('label')['f${j}'].mean()\n`],
    })),
  ];
  return JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);
}

function python(i: number): string {
  const body = Array.from(
    { length: 40 },
    (_, j) =>
      `def step_${j}(x, scale=${j}):\n    """Step ${j} of the pipeline."""\n    return [v * scale + ${j} for v in x]\n`,
  ).join('\n');
  const unsafe = i % 20 === 0 ? `\nimport torch\nstate = torch.load("models/ckpt-${i % 300}.pt")\n` : '';
  const agent =
    i % 50 === 0
      ? `\nimport subprocess\nfrom openai import OpenAI\nclient = OpenAI()\ndef run(task):\n    r = client.chat.completions.create(model="m", messages=[{"role": "user", "content": task}])\n    subprocess.run(r.choices[0].message.content, shell=True)\n`
      : '';
  return `import json\nimport math\n\n${body}${unsafe}${agent}`;
}

function typescript(i: number): string {
  const fns = Array.from(
    { length: 25 },
    (_, j) => `export function f${j}(xs: number[]): number {\n  return xs.reduce((a, b) => a + b * ${j}, 0);\n}\n`,
  ).join('\n');
  const chat =
    i % 30 === 0
      ? `\nimport OpenAI from 'openai';\nconst openai = new OpenAI();\nexport async function handle(req: { body: { q: string } }) {\n  return openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: \`Answer: \${req.body.q}\` }] });\n}\n`
      : '';
  return `${fns}${chat}`;
}

function generate(totalBytes: number): void {
  rmSync(ROOT, { recursive: true, force: true });
  // Large files scale with --mb (1024 is the benchmark); file counts do not.
  const f = totalBytes / (1024 << 20);
  const mib = (n: number) => Math.floor(n * f * (1 << 20));
  const shard = mib(24);
  for (let m = 0; m < 6; m++) {
    write(`models/llm-${m}/config.json`, JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama' }));
    for (let s = 0; s < 4; s++) write(`models/llm-${m}/model-0000${s + 1}-of-00004.safetensors`, safetensors(shard));
  }
  for (let a = 0; a < 8; a++) write(`features/emb-${a}.npy`, npy(mib(8)));
  for (let c = 0; c < 300; c++) {
    const malicious = c % 100 === 42;
    copy(
      malicious ? 'torch/payload_in_state_dict.pt' : pick(['torch/state_dict.pt', 'torch/checkpoint.ckpt']),
      `models/ckpt/ckpt-${c}.pt`,
    );
  }
  for (let d = 0; d < 40; d++) write(`data/reviews-${d}.csv`, csv(mib(5)));
  for (let d = 0; d < 20; d++) write(`data/chat-${d}.jsonl`, jsonl(mib(2)));
  for (let n = 0; n < 400; n++) write(`notebooks/exp-${Math.floor(n / 50)}/nb-${n}.ipynb`, notebook(n));
  for (let p = 0; p < 2500; p++) write(`src/pkg${Math.floor(p / 100)}/mod_${p}.py`, python(p));
  for (let t = 0; t < 600; t++) write(`web/src/m${Math.floor(t / 50)}/file-${t}.ts`, typescript(t));
  for (let c = 0; c < 300; c++) {
    write(`configs/run-${c}.yaml`, `lr: 0.0${(c % 9) + 1}\nbatch: ${16 << (c % 4)}\nepochs: ${(c % 7) + 1}\n`);
  }
  write('requirements.txt', 'torch==2.5.1\ntransformers==4.46.3\nnumpy==1.26.4\n');
  for (let r = 0; r < 5; r++) write(`services/svc-${r}/requirements.txt`, 'flask==3.0.3\nopenai==1.54.4\n');
  write(
    '.github/workflows/ci.yml',
    'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n',
  );
  // Images pad the project to the requested size; the audit lists them but reads none of them.
  const remaining = totalBytes - written;
  const images = 200;
  const each = Math.max(0, Math.floor(remaining / images));
  const png = Buffer.alloc(each, 0x42);
  for (let i = 0; i < images; i++) {
    write(`assets/img-${i}.png`, i === images - 1 ? Buffer.alloc(Math.max(0, totalBytes - written), 0x42) : png);
  }
  writeFileSync(join(ROOT, '..', `audit-${values.mb}mb.done`), String(totalBytes));
}

const total = Number(values.mb) * 1024 * 1024;
const marker = join(ROOT, '..', `audit-${values.mb}mb.done`);
if (!existsSync(marker) || Number(readFileSync(marker, 'utf8')) !== total) {
  const g0 = performance.now();
  process.stderr.write(`generating ${values.mb} MiB project under ${ROOT} ...\n`);
  generate(total);
  process.stderr.write(`generated ${written} bytes in ${((performance.now() - g0) / 1000).toFixed(1)} s\n`);
}

const runs = Number(values.runs);
process.stdout.write(
  `machine: ${availableParallelism()} cores, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}\n`,
);
for (let r = 0; r < runs; r++) {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      import.meta.filename,
      '--child',
      ROOT,
      '--mb',
      String(values.mb),
      ...(values.concurrency ? ['--concurrency', values.concurrency] : []),
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    process.exit(1);
  }
  const res = JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  process.stdout.write(`run ${r + 1}: ${JSON.stringify(res)}\n`);
}
