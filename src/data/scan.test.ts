import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatJsonl, customersCsv, leakyNotebook, piiParquet } from '../../test/builders/data-files.js';
import { rng, SECRET_FACTORIES } from '../../test/builders/data-secrets.js';
import { MemorySource } from '../core/byte-source.js';
import { detect, redact } from './detect/index.js';
import { tokenizeRows } from './formats/csv-tokenize.js';
import { type DataScanOptions, scanDataSource } from './scan.js';

const enc = new TextEncoder();

function memSink() {
  const parts: string[] = [];
  return {
    sink: {
      async write(c: string | Uint8Array) {
        parts.push(typeof c === 'string' ? c : new TextDecoder().decode(c));
      },
    },
    text: () => parts.join(''),
  };
}

function scan(text: string | Uint8Array, name: string, opts: DataScanOptions = {}) {
  return scanDataSource(
    new MemorySource(typeof text === 'string' ? enc.encode(text) : text),
    { path: name, name },
    opts,
  );
}

describe('text streaming', () => {
  it('finds a key cut by a block edge once, with the right line and byte offset (UTF-8 before it)', async () => {
    const key = SECRET_FACTORIES['github-token']!(rng(1));
    const text = `${'é line\n'.repeat(3000)}token ${key}\n${'x'.repeat(50_000)}\n`;
    for (const blockBytes of [1000, 4096, 1 << 20]) {
      const r = await scan(text, 'notes.txt', { limits: { blockBytes } });
      const f = r.findings.filter((x) => x.message.includes('github-token'));
      expect(f).toHaveLength(1);
      expect(f[0]?.line).toBe(3001);
      expect(f[0]?.offset).toBe(enc.encode(text.slice(0, text.indexOf(key))).length);
      expect(f[0]?.evidence).not.toContain(key.slice(6, 30));
    }
  });

  it('streamed redaction equals whole-text redaction for any block size', async () => {
    const r = rng(5);
    const secrets = Object.values(SECRET_FACTORIES).map((f) => f(r));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: secrets.length - 1 }), { maxLength: 8 }),
        fc.integer({ min: 64, max: 5000 }),
        async (picks, blockBytes) => {
          const text = picks.map((i) => `filler ü ${'lorem '.repeat(i * 37)}${secrets[i]}`).join('\n');
          const m = memSink();
          await scan(text, 'a.txt', { limits: { blockBytes }, redactTo: m.sink });
          expect(m.text()).toBe(redact(text, detect(text)));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('CSV', () => {
  it('reports one finding per column with the share of rows, not one per cell', async () => {
    const { text } = customersCsv(200);
    const r = await scan(text, 'customers.csv');
    const msgs = r.findings.map((f) => f.message);
    expect(msgs.some((m) => /^column `email` — 100% e-mail address \(200 of 200 rows; email\)/.test(m))).toBe(true);
    expect(msgs.some((m) => m.startsWith('column `ssn` — ') && m.includes('us-ssn'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('column `phone` — ') && m.includes('phone-number'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('column `full_name` — ') && m.includes('person-name'))).toBe(true);
    const key = r.findings.find((f) => f.message.includes('openai-api-key'));
    expect(key?.message).toContain('column `notes` — <1%');
    expect(key?.line).toBe(8);
    expect(r.findings.every((f) => !f.message.includes('column `amount`'))).toBe(true);
    expect(r.stats.records).toBe(200);
  });

  it('--redact keeps the CSV parseable with the same shape, and the copy re-scans clean', async () => {
    const { text } = customersCsv(120, 9);
    const m = memSink();
    await scan(text, 'c.csv', { redactTo: m.sink, limits: { blockBytes: 777 } });
    const shape = (t: string) => {
      const widths: number[] = [];
      tokenizeRows(t, 44, true, true, 1, 64, (row) => widths.push(row.n));
      return widths;
    };
    expect(shape(m.text())).toEqual(shape(text));
    const again = await scan(m.text(), 'c.csv');
    expect(again.findings).toEqual([]);
  });
});

describe('JSON Lines', () => {
  it('aggregates by key path with array indices folded', async () => {
    const r = await scan(chatJsonl(100), 'chat.jsonl');
    const email = r.findings.find((f) => f.message.includes('(email)') || f.message.includes('; email)'));
    expect(email?.message).toBe('key `$.messages[*].content` — 20% e-mail address (20 of 100 rows; email)');
    const gh = r.findings.find((f) => f.message.includes('github-token'));
    expect(gh?.line).toBe(4);
  });

  it('--redact writes valid JSON Lines that re-scan clean', async () => {
    const src = chatJsonl(60, 8);
    const m = memSink();
    await scan(src, 'chat.jsonl', { redactTo: m.sink, limits: { blockBytes: 500 } });
    const lines = m.text().trimEnd().split('\n');
    expect(lines).toHaveLength(60);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect((await scan(m.text(), 'chat.jsonl')).findings).toEqual([]);
  });
});

describe('notebooks', () => {
  it('reports keys in sources and outputs by cell, skipping images and widget state', async () => {
    const { json } = leakyNotebook();
    const r = await scan(json, 'train.ipynb');
    const where = r.findings.map((f) => `${f.member} ${f.message.split(' (')[0]}`);
    expect(where).toContain('cell[1]/source Hugging Face access token');
    expect(where).toContain('cell[1]/outputs[0] AWS access key ID');
    expect(r.findings.some((f) => f.member?.startsWith('cell[2]'))).toBe(false);
    expect(r.findings.find((f) => f.member === 'cell[1]/source')?.line).toBe(2);
  });

  it('--redact keeps a valid nbformat document that re-scans clean', async () => {
    const { json } = leakyNotebook();
    const m = memSink();
    await scan(json, 'train.ipynb', { redactTo: m.sink });
    const nb = JSON.parse(m.text());
    expect(nb.nbformat).toBe(4);
    expect(nb.cells).toHaveLength(3);
    expect(Array.isArray(nb.cells[1].source)).toBe(true);
    expect(nb.cells[1].source[1]).toContain('[REDACTED:huggingface-token]');
    expect((await scan(m.text(), 'train.ipynb')).findings).toEqual([]);
  });
});

describe('Parquet', () => {
  it('reads row group by row group and classifies columns', async () => {
    const { bytes } = piiParquet(90);
    const r = await scan(bytes, 'data.parquet');
    expect(r.format).toBe('parquet');
    const msgs = r.findings.map((f) => f.message);
    expect(msgs).toContain('column `email` — 100% e-mail address (90 of 90 rows; email)');
    expect(msgs.some((m) => m.startsWith('column `card_number` — 100% payment card number'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('column `text` — 1% Stripe live secret'))).toBe(true);
  });

  it('a truncated Parquet file is an error, not a crash', async () => {
    const { bytes } = piiParquet(30);
    const r = await scan(bytes.subarray(0, bytes.length - 20), 'x.parquet');
    expect(r.error?.code).toBe('invalid_structure');
  });
});

describe('robustness', () => {
  it('never throws on arbitrary bytes under any name', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.constantFrom('a.csv', 'a.tsv', 'a.jsonl', 'a.json', 'a.ipynb', 'a.txt', 'a.parquet'),
        async (bytes, name) => {
          const m = memSink();
          const r = await scan(bytes, name, { redactTo: m.sink, limits: { blockBytes: 64 } });
          expect(r.findings).toBeDefined();
        },
      ),
      { numRuns: 200 },
    );
  });
});
