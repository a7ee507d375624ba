import type { ByteSource } from '../core/byte-source.js';
import type { FormatScanner, ScanContext, ScanOutcome, SniffInput } from '../scan/types.js';
import { PII_RULE, SECRET_RULE } from './rules.js';
import { scanDataSource } from './scan.js';

/** Files of a model repository whose text is read by people and tools, and where keys leak. */
const NAMES = /^(?:README(?:\.md)?|MODEL_CARD\.md|model_card\.md|\.env(?:\..+)?)$/;

/**
 * Secret/PII leakage in the text files of a model folder for `warden scan`: notebooks (by
 * extension or nbformat keys), model cards and `.env` files (by name, as ecosystem files are).
 * Datasets themselves are left to `warden data scan`, which reports per column.
 */
export const dataLeakScanner: FormatScanner = {
  id: 'data/leak',
  version: 1,
  description: 'Secrets and personal data in notebooks, model cards and .env files',
  rules: [SECRET_RULE, PII_RULE],
  sniff({ head, name }: SniffInput): boolean {
    if (head.includes(0)) return false;
    if (name.endsWith('.ipynb') || NAMES.test(name)) return true;
    const text = new TextDecoder().decode(head.subarray(0, 2048)).trimStart();
    return text.startsWith('{') && /"cells"\s*:/.test(text) && /"nbformat"/.test(text);
  },
  async scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    const name = ctx.member?.split('/').pop() ?? ctx.path.split('/').pop() ?? '';
    const r = await scanDataSource(
      src,
      { path: ctx.path, name, ...(ctx.member === undefined ? {} : { member: ctx.member }) },
      { signal: ctx.signal, limits: { maxDocumentBytes: Math.min(ctx.limits.maxHeaderBytes, 256 << 20) } },
    );
    return {
      findings: r.findings,
      ...(r.error ? { error: r.error } : {}),
      metadata: { dataFormat: r.format, detections: r.stats.detections },
    };
  },
};
