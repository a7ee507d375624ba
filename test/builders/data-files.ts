/**
 * Builders for data files with planted secrets and PII: CSV tables, JSONL chat logs, notebooks
 * with keys in outputs, Parquet. Deterministic (seeded) so fixtures and tests agree.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { cardNumber, emailAddress, personName, phoneNumber, rng, SECRET_FACTORIES, ssnNumber } from './data-secrets.js';

const WORDS =
  'the model training run finished with good accuracy please check the logs and the evaluation report before merging thanks team'.split(
    ' ',
  );

export function sentence(r: () => number, n = 10): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]!);
  return out.join(' ');
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** customers.csv: id,name,email,phone,ssn,notes — notes carry one OpenAI key in row `keyRow`. */
export function customersCsv(rows: number, seed = 1, keyRow = 7): { text: string; key: string } {
  const r = rng(seed);
  const key = SECRET_FACTORIES['openai-api-key']!(r);
  const lines = ['id,full_name,email,phone,ssn,amount,notes'];
  for (let i = 1; i <= rows; i++) {
    const notes = i === keyRow ? `temporary key ${key}, rotate later` : sentence(r, 6);
    lines.push(
      [String(i), personName(r), emailAddress(r), phoneNumber(r), ssnNumber(r), (r() * 1000).toFixed(2), notes]
        .map(csvCell)
        .join(','),
    );
  }
  return { text: `${lines.join('\n')}\n`, key };
}

/** A JSONL chat log: every 5th user message leaks an e-mail, one assistant message a GitHub token. */
export function chatJsonl(rows: number, seed = 2): string {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const user = i % 5 === 0 ? `my email is ${emailAddress(r)}, can you help?` : sentence(r, 8);
    const assistant = i === 3 ? `use this token: ${SECRET_FACTORIES['github-token']!(r)}` : sentence(r, 12);
    out.push(
      JSON.stringify({
        id: i,
        messages: [
          { role: 'user', content: user },
          { role: 'assistant', content: assistant },
        ],
      }),
    );
  }
  return `${out.join('\n')}\n`;
}

/** A notebook whose cell 1 prints an AWS key in a stream output and cell 2 has an image and widget state. */
export function leakyNotebook(seed = 3): { json: string; awsKey: string; hfToken: string } {
  const r = rng(seed);
  const awsKey = SECRET_FACTORIES['aws-access-key']!(r);
  const hfToken = SECRET_FACTORIES['huggingface-token']!(r);
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      widgets: { 'application/vnd.jupyter.widget-state+json': { token: SECRET_FACTORIES['github-token']!(r) } },
    },
    cells: [
      { cell_type: 'markdown', id: 'a', metadata: {}, source: ['# Training\n', 'Set up credentials.\n'] },
      {
        cell_type: 'code',
        id: 'b',
        metadata: {},
        execution_count: 1,
        source: ['import os\n', `os.environ["HF_TOKEN"] = "${hfToken}"\n`, 'print(os.environ)\n'],
        outputs: [{ output_type: 'stream', name: 'stdout', text: [`{'AWS_ACCESS_KEY_ID': '${awsKey}'}\n`] }],
      },
      {
        cell_type: 'code',
        id: 'c',
        metadata: {},
        execution_count: 2,
        source: 'plot()',
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: {
              'image/png': `iVBORw0KGgo${SECRET_FACTORIES['aws-access-key']!(r)}AAAA`,
              'text/plain': ['<Figure size 640x480>'],
            },
          },
        ],
      },
    ],
  };
  return { json: JSON.stringify(nb, null, 1), awsKey, hfToken };
}

/** A Parquet file with a PII column (`email`), a card column and a text column with one key. */
export function piiParquet(rows: number, seed = 4): { bytes: Uint8Array; key: string } {
  const r = rng(seed);
  const key = SECRET_FACTORIES['stripe-key']!(r);
  const email: string[] = [];
  const card: string[] = [];
  const text: string[] = [];
  const id: number[] = [];
  for (let i = 0; i < rows; i++) {
    id.push(i);
    email.push(emailAddress(r));
    card.push(cardNumber(r));
    text.push(i === 2 ? `billing uses ${key}` : sentence(r, 6));
  }
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: id, type: 'INT32' },
      { name: 'email', data: email, type: 'STRING' },
      { name: 'card_number', data: card, type: 'STRING' },
      { name: 'text', data: text, type: 'STRING' },
    ],
    rowGroupSize: Math.max(1, Math.floor(rows / 3)),
  });
  return { bytes: new Uint8Array(buf), key };
}
