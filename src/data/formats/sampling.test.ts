import { describe, expect, it } from 'vitest';
import { emailAddress, phoneNumber, rng, SECRET_FACTORIES } from '../../../test/builders/data-secrets.js';
import { MemorySource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { type DataScanOptions, scanDataSource } from '../scan.js';

/*
 * Column sampling in CSV/TSV: columns that the first rows show to be one kind of personal data
 * are then checked on one row in `sampleStride`, with counts marked as estimates. Small limits
 * here so that a few thousand rows exercise it.
 */

const SAMPLED: DataScanOptions['limits'] = { sampleRows: 300, sampleStride: 8, rowBlockBytes: 2048 };

function scan(text: string, opts: DataScanOptions = {}) {
  return scanDataSource(new MemorySource(new TextEncoder().encode(text)), { path: 't.csv', name: 't.csv' }, opts);
}

function byColumn(findings: readonly Finding[], column: string, detector: string): Finding | undefined {
  return findings.find((f) => f.message.startsWith(`column \`${column}\``) && f.message.endsWith(`; ${detector})`));
}

function countOf(f: Finding | undefined): number {
  const m = /\(~?([\d,]+) of/.exec(f?.message ?? '');
  return m ? Number(m[1]!.replace(/,/g, '')) : -1;
}

/** id,email,phone,notes — e-mail in 19 rows of 20 (the rest `n/a`), an e-mail in notes every 3rd row. */
function table(rows: number, extra: (i: number) => string = () => '') {
  const r = rng(11);
  const out = ['id,email,phone,notes'];
  let emails = 0;
  let noteEmails = 0;
  for (let i = 1; i <= rows; i++) {
    const email = i % 20 === 0 ? 'n/a' : emailAddress(r);
    if (email !== 'n/a') emails++;
    const note = i % 3 === 0 ? `ask ${emailAddress(r)} about it` : 'nothing to add';
    if (i % 3 === 0) noteEmails++;
    out.push(`${i},${email}${extra(i)},${phoneNumber(r)},${note}`);
  }
  return { text: `${out.join('\n')}\n`, emails, noteEmails };
}

describe('CSV column sampling', () => {
  it('classifies a personal-data column from the first rows and reports an estimate that says so', async () => {
    const { text, emails } = table(4000);
    const exact = await scan(text, { limits: { ...SAMPLED, sampleRows: 0 } });
    const sampled = await scan(text, { limits: SAMPLED });
    const e = byColumn(sampled.findings, 'email', 'email');
    expect(e?.message).toMatch(
      /^column `email` — ~95% e-mail address \(~[\d,]+ of 4,000 rows, estimated from [\d,]+ sampled; email\)$/,
    );
    expect(Math.abs(countOf(e) - emails)).toBeLessThan(4000 * 0.03);
    expect(countOf(byColumn(exact.findings, 'email', 'email'))).toBe(emails);
    expect(byColumn(exact.findings, 'email', 'email')?.message).not.toContain('~');
    // The first occurrence and its evidence come from the sample, as in the exact scan.
    expect(e?.line).toBe(byColumn(exact.findings, 'email', 'email')?.line);
    expect(e?.evidence).toBe(byColumn(exact.findings, 'email', 'email')?.evidence);
  });

  it('keeps exact counts for free text: a notes column that often holds an address is not sampled', async () => {
    const { text, noteEmails } = table(4000);
    const r = await scan(text, { limits: SAMPLED });
    const notes = byColumn(r.findings, 'notes', 'email');
    expect(notes?.message).not.toContain('estimated');
    expect(countOf(notes)).toBe(noteEmails);
  });

  it('still finds every secret in a sampled column (secret detectors see every cell)', async () => {
    const r0 = rng(5);
    const keys = new Map<number, string>();
    for (const i of [1201, 1202, 2203, 3999]) keys.set(i, SECRET_FACTORIES['aws-access-key']!(r0));
    const { text } = table(4000, (i) => (keys.has(i) ? ` ${keys.get(i)}` : ''));
    const r = await scan(text, { limits: SAMPLED });
    expect(byColumn(r.findings, 'email', 'email')?.message).toContain('estimated');
    const aws = byColumn(r.findings, 'email', 'aws-access-key');
    expect(aws?.message).toContain('(4 of 4,000 rows; aws-access-key)');
    expect(aws?.line).toBe(1202);
  });

  it('does not sample while writing a redacted copy: every value is masked', async () => {
    const { text, emails } = table(3000);
    const parts: string[] = [];
    await scan(text, {
      limits: SAMPLED,
      redactTo: {
        async write(c) {
          parts.push(typeof c === 'string' ? c : new TextDecoder().decode(c));
        },
      },
    });
    const copy = parts.join('');
    const masks = copy.split('\n').filter((l) => l.split(',')[1] === '[REDACTED:email]').length;
    expect(masks).toBe(emails);
    expect(copy).not.toMatch(/,[\w.+-]+@[\w-]+\.[\w.]+,/);
  });

  it('a column whose content changes after the sample is still seen on the confirming rows', async () => {
    // E-mail addresses for the first 1,000 rows, phone numbers after: the estimate follows.
    const r = rng(3);
    const rows = ['id,contact'];
    for (let i = 1; i <= 4000; i++) rows.push(`${i},${i <= 1000 ? emailAddress(r) : phoneNumber(r)}`);
    const res = await scan(`${rows.join('\n')}\n`, { limits: SAMPLED });
    const phone = byColumn(res.findings, 'contact', 'phone-number');
    expect(phone?.message).toContain('estimated');
    expect(Math.abs(countOf(phone) - 3000)).toBeLessThan(4000 * 0.05);
    expect(Math.abs(countOf(byColumn(res.findings, 'contact', 'email')) - 1000)).toBeLessThan(4000 * 0.05);
  });
});
