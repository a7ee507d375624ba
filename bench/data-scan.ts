/**
 * Secret/PII scan throughput on a 1 GB CSV and a 1 GB JSONL file.
 *
 *   node --import tsx bench/data-scan.ts [--mb 1024] [--only csv|jsonl] [--exact]
 *
 * Files are generated once under bench/.work/ (git-ignored): a customer-support table (id, date,
 * name, e-mail, phone, country, amount, free-text message; every row carries PII in four
 * columns, one row in 5,000 leaks a credential in the message) and a chat log in JSONL (system /
 * user / assistant messages; one user message in 20 contains an e-mail or phone number, one row
 * in 5,000 a credential). Each file is scanned in a fresh child process through the same code as
 * `warden data scan` (scanDataFiles), after a warm-up read so the page cache holds the file; the
 * child reports wall time, MB/s (10^6 bytes), MB per CPU-second (user + system time of all its
 * threads: the steadier figure on a shared machine) and peak RSS. `--exact` turns CSV column
 * sampling off (every cell through every detector, exact counts).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rng, SECRET_FACTORIES } from '../test/builders/data-secrets.js';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '1024' },
    only: { type: 'string' },
    child: { type: 'string' },
    exact: { type: 'boolean', default: false },
  },
});
const WORK = join(import.meta.dirname, '.work');

if (values.child) {
  const { scanDataFiles } = await import('../src/io/data-reader.js');
  // Warm the page cache without holding the file: read it through once in 16 MiB pieces.
  const fd = openSync(values.child, 'r');
  const piece = Buffer.allocUnsafe(16 << 20);
  while (readSync(fd, piece) > 0);
  closeSync(fd);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await scanDataFiles([values.child], {
    cwd: WORK,
    ...(values.exact ? { limits: { sampleRows: 0 } } : {}),
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const size = statSync(values.child).size;
  process.stdout.write(
    `${JSON.stringify({
      file: values.child,
      bytes: size,
      seconds: ms / 1000,
      mbPerSec: size / 1e6 / (ms / 1000),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      findings: report.findings.map((f) => f.message),
      status: report.targets.map((t) => t.status),
    })}\n`,
  );
  process.exit(0);
}

const target = Number(values.mb) * 1024 * 1024;
const r = rng(2024);
const FIRST = [
  'James',
  'Mary',
  'Priya',
  'Wei',
  'Carlos',
  'Fatima',
  'Hans',
  'Olivia',
  'Kenji',
  'Sofia',
  'Ahmed',
  'Emma',
];
const LAST = ['Smith', 'Garcia', 'Okafor', 'Nguyen', 'Muller', 'Kowalski', 'Haddad', 'Tanaka', 'Rossi', 'Brown'];
const DOMAINS = ['acme-corp.io', 'mailhost.net', 'contoso.co.uk', 'fastmail.fm', 'univ-lyon.fr', 'gmail.com'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'IN', 'JP', 'BR', 'NG'];
const WORDS = (
  'my order has not arrived yet and the tracking page shows no update since last week could you please check ' +
  'the status and tell me when it will be delivered I also want to change the shipping address for the next ' +
  'invoice thanks for the quick help the app crashes when I open settings after the latest update on version 3 ' +
  'refund request for duplicate charge on my account please cancel subscription renewal model output looks wrong'
).split(' ');
const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
const digits = (n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 10);
  return s;
};
const words = (n: number) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(pick(WORDS));
  return out.join(' ');
};
const secrets = Object.values(SECRET_FACTORIES).filter((_, i) => i % 3 === 0);

function writeFile(path: string, header: string, row: (i: number) => string): void {
  if (existsSync(path) && statSync(path).size >= target) return;
  const fd = openSync(path, 'w');
  let written = writeSync(fd, header);
  let batch: string[] = [];
  for (let i = 1; written < target; i++) {
    batch.push(row(i));
    if (batch.length === 2000) {
      written += writeSync(fd, batch.join(''));
      batch = [];
    }
  }
  if (batch.length) writeSync(fd, batch.join(''));
  closeSync(fd);
}

function csvRow(i: number): string {
  const first = pick(FIRST);
  const last = pick(LAST);
  const email = `${first.toLowerCase()}.${last.toLowerCase()}${digits(3)}@${pick(DOMAINS)}`;
  const phone = `+44 20 ${digits(4)} ${digits(4)}`;
  const leak = i % 5000 === 0 ? ` here is my key ${pick(secrets)(r).replace(/[\n",]/g, ' ')}` : '';
  const date = `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  return `${i},${date},${first} ${last},${email},${phone},${pick(COUNTRIES)},${(r() * 500).toFixed(2)},"${words(14 + Math.floor(r() * 12))}${leak}"\n`;
}

function jsonlRow(i: number): string {
  let user = words(10 + Math.floor(r() * 20));
  if (i % 20 === 0) user += ` you can reach me at ${pick(FIRST).toLowerCase()}${digits(2)}@${pick(DOMAINS)}`;
  if (i % 20 === 10) user += ` or call +1 415 ${digits(3).replace(/^[01]/, '5')} ${digits(4)}`;
  let assistant = words(20 + Math.floor(r() * 30));
  if (i % 5000 === 0) assistant += ` use ${pick(secrets)(r)}`;
  return `${JSON.stringify({
    id: `conv-${i}`,
    messages: [
      { role: 'system', content: 'You are a helpful support assistant.' },
      { role: 'user', content: user },
      { role: 'assistant', content: assistant },
    ],
    meta: { lang: 'en', rating: Math.floor(r() * 5) },
  })}\n`;
}

mkdirSync(WORK, { recursive: true });
const files = [
  [
    'csv',
    join(WORK, `support-${values.mb}mb.csv`),
    'id,created_at,full_name,email,phone,country,amount,message\n',
    csvRow,
  ],
  ['jsonl', join(WORK, `chat-${values.mb}mb.jsonl`), '', jsonlRow],
] as const;
for (const [kind, path, header, row] of files) {
  if (values.only && values.only !== kind) continue;
  writeFile(path, header, row);
  const args = ['--import', 'tsx', import.meta.filename, '--child', path, ...(values.exact ? ['--exact'] : [])];
  const child = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    process.exit(1);
  }
  const res = JSON.parse(child.stdout);
  process.stdout.write(
    `${kind.padEnd(6)} ${(res.bytes / 1e6).toFixed(0)} MB in ${res.seconds.toFixed(2)} s = ${res.mbPerSec.toFixed(1)} MB/s wall, ${(res.bytes / 1e6 / res.cpuSeconds).toFixed(1)} MB per CPU-second, peak RSS ${res.peakRssMiB.toFixed(0)} MiB, ${res.findings.length} findings (load average ${loadavg()[0]!.toFixed(1)})\n`,
  );
  for (const f of res.findings) process.stdout.write(`         ${f}\n`);
}
