/**
 * Generates the labelled data-leakage corpus under test/fixtures/data/ (deterministic):
 *
 *   node --import tsx scripts/gen-data-fixtures.ts
 *
 * Every planted secret or PII value is recorded in labels.json as {file, detector, value}; the
 * evaluation (scripts/eval-data.ts) counts a label as found when the redacted copy no longer
 * contains the value, and counts every other mask as a false positive. Values are synthetic:
 * vendor token formats with random bodies, checksummed identifiers computed in code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { sentence } from '../test/builders/data-files.js';
import {
  aadhaarNumber,
  cardNumber,
  emailAddress,
  HARD_NEGATIVES,
  ibanNumber,
  personName,
  phoneNumber,
  pick,
  rng,
  SECRET_FACTORIES,
  ssnNumber,
} from '../test/builders/data-secrets.js';

const ROOT = join(import.meta.dirname, '..', 'test', 'fixtures', 'data');
const labels: Array<{ file: string; detector: string; value: string }> = [];
const r = rng(20261122);

function put(file: string, content: string | Uint8Array): void {
  const p = join(ROOT, file);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}
function label(file: string, detector: string, value: string): string {
  labels.push({ file, detector, value });
  return value;
}
/** The part of a factory's output that the detector reports (keys after `=` or `:`). */
function secretValue(id: string, full: string): string {
  const m: Record<string, RegExp> = {
    'aws-secret-key': /= (.+)$/,
    'azure-storage-key': /(AccountKey=[^;]+)/,
    'cohere-api-key': /"(.+)"/,
    'wandb-api-key': /=(.+)$/,
    'twilio-auth-token': /TOKEN=(.+)$/,
    'generic-secret': /"(.+)"/,
    'slack-webhook': /(hooks\.slack\.com\/.+)$/,
    'gcp-service-account': /("type": "service_account")/,
  };
  return m[id]?.exec(full)?.[1] ?? full;
}

// 1. Secrets in prose and config snippets: each secret type three times.
{
  const file = 'text/secrets-in-prose.md';
  const parts: string[] = ['# Deployment notes\n'];
  for (const [id, make] of Object.entries(SECRET_FACTORIES)) {
    for (let i = 0; i < 3; i++) {
      const full = make(r);
      label(file, id, secretValue(id, full));
      // A service-account file also carries a PEM private key, which the private-key detector reports.
      const pem = /(-----BEGIN PRIVATE KEY-----.*?-----END PRIVATE KEY-----)/.exec(full)?.[1];
      if (id === 'gcp-service-account' && pem) label(file, 'private-key', pem);
      parts.push(`${sentence(r, 8)}:\n\n${full}\n\n${sentence(r, 6)}.\n`);
    }
  }
  put(file, parts.join('\n'));
}

// 2. Hard negatives in documentation and logs: nothing should be reported.
{
  const parts: string[] = ['# Release notes and checksums\n'];
  for (const [name, make] of Object.entries(HARD_NEGATIVES)) {
    for (let i = 0; i < 10; i++) parts.push(`- ${name}: ${make(r)}`);
  }
  parts.push('', 'Test cards from the Stripe docs: 4242 4242 4242 4242, 4000 0566 5566 5556 (test mode only).');
  parts.push('Example key from the AWS docs: AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  put('text/hard-negatives.md', `${parts.join('\n')}\n`);
}

// 3. National identifiers and bank data with context; invalid checksums as negatives.
{
  const file = 'text/identifiers.txt';
  const lines: string[] = [];
  for (let i = 0; i < 10; i++) {
    lines.push(`Customer SSN: ${label(file, 'us-ssn', ssnNumber(r))}`);
    lines.push(`IBAN for refunds: ${label(file, 'iban', ibanNumber(r))}`);
    lines.push(`Aadhaar: ${label(file, 'in-aadhaar', aadhaarNumber(r))}`);
    lines.push(`card on file ${label(file, 'payment-card', cardNumber(r).replace(/(\d{4})(?=\d)/g, '$1 '))}`);
    lines.push(
      `invalid (negative): SSN 666-${pick(r, '0123456789', 2)}-${pick(r, '123456789', 4)}, card 4539 1488 0343 646${(Number(pick(r, '0123456789', 1)) % 6) + 8 === 7 ? 8 : 9}`,
    );
  }
  for (const [id, v] of [
    ['es-dni', '12345678Z'],
    ['es-dni', 'X1234567L'],
    ['uk-nino', 'AB 12 34 56 C'],
    ['uk-nino', 'JG103759A'],
    ['nl-bsn', '111222333'],
    ['nl-bsn', '123456782'],
  ] as const) {
    lines.push(
      `${id === 'es-dni' ? 'DNI' : id === 'uk-nino' ? 'National Insurance number' : 'BSN'}: ${label(file, id, v)}`,
    );
  }
  lines.push('Login from 81.2.69.142 and from 8.8.4.4 at night');
  label(file, 'ip-address', '81.2.69.142');
  label(file, 'ip-address', '8.8.4.4');
  lines.push('Internal hosts 10.0.0.12, 192.168.1.20 and version 2.4.1.0 are not personal data.');
  put(file, `${lines.join('\n')}\n`);
}

// 4. CSV with PII columns and one key in free text.
{
  const file = 'csv/customers.csv';
  const rows = ['id,full_name,email,phone,ssn,balance,notes'];
  for (let i = 1; i <= 200; i++) {
    const notes =
      i === 57
        ? `rotate ${label(file, 'openai-api-key', SECRET_FACTORIES['openai-api-key']!(r))} asap`
        : sentence(r, 6);
    rows.push(
      [
        i,
        label(file, 'person-name', personName(r)),
        label(file, 'email', emailAddress(r)),
        `"${label(file, 'phone-number', phoneNumber(r))}"`,
        label(file, 'us-ssn', ssnNumber(r)),
        (r() * 10000).toFixed(2),
        `"${notes}"`,
      ].join(','),
    );
  }
  put(file, `${rows.join('\n')}\n`);
}

// 5. TSV transactions: card and IBAN columns; dates, amounts and order ids are negatives.
{
  const file = 'csv/transactions.tsv';
  const rows = ['order_id\tdate\tamount\tcard_number\tpayout_iban\tsku'];
  for (let i = 1; i <= 150; i++) {
    rows.push(
      [
        `${10000000 + i * 7919}`,
        `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
        (r() * 300).toFixed(2),
        label(file, 'payment-card', cardNumber(r)),
        label(file, 'iban', ibanNumber(r)),
        `SKU-${pick(r, '0123456789ABCDEF', 8)}`,
      ].join('\t'),
    );
  }
  put(file, `${rows.join('\n')}\n`);
}

// 6. JSONL chat logs with PII and secrets in messages.
{
  const file = 'jsonl/chat-logs.jsonl';
  const out: string[] = [];
  for (let i = 0; i < 120; i++) {
    let user = sentence(r, 10);
    if (i % 6 === 0) user += ` my email is ${label(file, 'email', emailAddress(r))}`;
    if (i % 8 === 0) user += ` call me at ${label(file, 'phone-number', phoneNumber(r))}`;
    let assistant = sentence(r, 12);
    if (i % 30 === 5)
      assistant += ` use ${label(file, 'huggingface-token', SECRET_FACTORIES['huggingface-token']!(r))}`;
    if (i % 30 === 15)
      assistant += ` key ${label(file, 'anthropic-api-key', SECRET_FACTORIES['anthropic-api-key']!(r))}`;
    out.push(
      JSON.stringify({
        id: `c${i}`,
        messages: [
          { role: 'user', content: user },
          { role: 'assistant', content: assistant },
        ],
      }),
    );
  }
  put(file, `${out.join('\n')}\n`);
}

// 7. JSONL evaluation logs: hard negatives only.
{
  const out: string[] = [];
  for (let i = 0; i < 100; i++) {
    out.push(
      JSON.stringify({
        run_id: HARD_NEGATIVES.uuid!(r),
        commit: pick(r, '0123456789abcdef', 40),
        checkpoint_sha256: pick(r, '0123456789abcdef', 64),
        max_tokens: 512,
        tokenizer: 'gpt2',
        score: r(),
        version: `1.${i % 10}.${i % 7}.${i % 5}`,
        started: `2025-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
      }),
    );
  }
  put('jsonl/eval-runs.jsonl', `${out.join('\n')}\n`);
}

// 8. Notebooks: keys in outputs and sources; a clean one with images and widget state.
{
  const file = 'notebooks/leaky-train.ipynb';
  const aws = label(file, 'aws-access-key', SECRET_FACTORIES['aws-access-key']!(r));
  const hf = label(file, 'huggingface-token', SECRET_FACTORIES['huggingface-token']!(r));
  const wandbFull = SECRET_FACTORIES['wandb-api-key']!(r);
  label(file, 'wandb-api-key', secretValue('wandb-api-key', wandbFull));
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' } },
    cells: [
      {
        cell_type: 'code',
        id: 'c1',
        metadata: {},
        execution_count: 1,
        source: ['import os\n', `os.environ["HF_TOKEN"] = "${hf}"\n`],
        outputs: [],
      },
      {
        cell_type: 'code',
        id: 'c2',
        metadata: {},
        execution_count: 2,
        source: ['!env | grep -i key'],
        outputs: [{ output_type: 'stream', name: 'stdout', text: [`AWS_ACCESS_KEY_ID=${aws}\n`, `${wandbFull}\n`] }],
      },
    ],
  };
  put(file, JSON.stringify(nb, null, 1));
  const clean = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { widgets: { 'application/vnd.jupyter.widget-state+json': { state: { id: HARD_NEGATIVES.uuid!(r) } } } },
    cells: [
      {
        cell_type: 'code',
        id: 'p1',
        metadata: {},
        execution_count: 1,
        source: ['plt.plot(losses)'],
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: { 'image/png': HARD_NEGATIVES['base64-image']!(r).slice(22), 'text/plain': ['<Figure>'] },
          },
        ],
      },
      {
        cell_type: 'markdown',
        id: 'p2',
        metadata: {},
        source: [`Checkpoint ${HARD_NEGATIVES.sha256!(r)}, run ${HARD_NEGATIVES.uuid!(r)}`],
      },
    ],
  };
  put('notebooks/clean-plots.ipynb', JSON.stringify(clean, null, 1));
}

// 9. JSON config with a connection string and a password; references and placeholders are negatives.
{
  const file = 'json/app-config.json';
  const conn = label(file, 'connection-string', SECRET_FACTORIES['connection-string']!(r));
  const pw = `${pick(r, 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789', 10)}!${pick(r, 'abcdefghijkmnopqrstuvwxyz23456789', 5)}`;
  label(file, 'generic-secret', pw);
  const cfg = {
    database: { url: conn, replica_url: `postgres://reader:$${'{'}READER_PASSWORD}@replica:5432/app` },
    smtp: { user: 'mailer', password: pw },
    api: { key_env: 'OPENAI_API_KEY', tokenizer: 'cl100k_base', max_tokens: 4096 },
  };
  put(file, JSON.stringify(cfg, null, 2));
}

// 10. Parquet with an e-mail column, a card column and a text column with one Stripe key.
{
  const file = 'parquet/users.parquet';
  const email: string[] = [];
  const card: string[] = [];
  const text: string[] = [];
  for (let i = 0; i < 60; i++) {
    email.push(label(file, 'email', emailAddress(r)));
    card.push(label(file, 'payment-card', cardNumber(r)));
    text.push(i === 9 ? `billing: ${label(file, 'stripe-key', SECRET_FACTORIES['stripe-key']!(r))}` : sentence(r, 6));
  }
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'email', data: email, type: 'STRING' },
      { name: 'card', data: card, type: 'STRING' },
      { name: 'text', data: text, type: 'STRING' },
    ],
    rowGroupSize: 25,
  });
  put(file, new Uint8Array(buf));
}

put('labels.json', `${JSON.stringify(labels, null, 1)}\n`);
process.stdout.write(`${labels.length} labels in ${new Set(labels.map((l) => l.file)).size} files\n`);
