import { SliceSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { parseError } from '../../core/result.js';
import { findingOf, type Rule } from '../../core/rule.js';
import type { Severity } from '../../core/severity.js';
import { analyzePickleSource } from '../pickle/analyze.js';
import { PICKLE_RULE_LIST } from '../pickle/rules.js';
import type { FormatScanner, Member, ScanContext, ScanOutcome } from '../types.js';
import { dtypeLayout, parsePyLiteral } from './numpy-header.js';
import { NUMPY_RULE_LIST, NUMPY_RULES } from './numpy-rules.js';

const ID = 'numpy';
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy refuses headers above 10 000 bytes unless told otherwise; far above that is hostile. */
const HEADER_CAP = 1 << 20;

function hasMagic(head: Uint8Array): boolean {
  return head.length >= 8 && MAGIC.every((b, i) => head[i] === b);
}

/**
 * NumPy `.npy` arrays (members of `.npz` archives come through the zip container). The header
 * is parsed without evaluation; object arrays hand their pickle to the pickle analyzer;
 * numeric arrays are checked against the file size and never read.
 */
export const numpyScanner: FormatScanner = {
  id: ID,
  version: 2,
  description: 'NumPy .npy arrays: header checked, object-dtype pickles analysed, numeric data never read',
  rules: [...NUMPY_RULE_LIST, ...PICKLE_RULE_LIST],
  sniff: ({ head }) => hasMagic(head),
  async scan(src, ctx): Promise<ScanOutcome> {
    const findings: Finding[] = [];
    const at = (rule: Rule, message: string, offset: number, severity?: Severity, evidence?: string) =>
      findingOf(rule, {
        message,
        path: ctx.path,
        ...(ctx.member !== undefined ? { member: ctx.member } : {}),
        offset,
        scanner: ID,
        ...(severity ? { severity } : {}),
        ...(evidence !== undefined ? { evidence } : {}),
      });
    const broken = (message: string, offset: number): ScanOutcome => {
      findings.push(at(NUMPY_RULES.malformed, message, offset));
      return { findings, error: parseError('invalid_structure', message, offset) };
    };
    const head = await src.read(0, 12);
    if (!hasMagic(head)) return broken('missing \\x93NUMPY magic', 0);
    const major = head[6] as number;
    if (major < 1 || major > 3) {
      findings.push(at(NUMPY_RULES.malformed, `unsupported .npy format version ${major}`, 6));
      return { findings, error: parseError('unsupported_version', `npy version ${major}`, 6) };
    }
    const lenBytes = major === 1 ? 2 : 4;
    if (head.length < 8 + lenBytes) return broken('file ends inside the header length', 8);
    let headerLen = 0;
    for (let i = lenBytes - 1; i >= 0; i--) headerLen = headerLen * 256 + (head[8 + i] as number);
    const headerStart = 8 + lenBytes;
    const dataStart = headerStart + headerLen;
    const cap = Math.min(HEADER_CAP, ctx.limits.maxHeaderBytes);
    if (headerLen > cap) return broken(`header length ${headerLen} exceeds the ${cap}-byte cap`, 8);
    if (dataStart > src.size) return broken(`header length ${headerLen} runs past the end of the file`, 8);
    const raw = await src.read(headerStart, headerLen);
    const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(raw).trim();
    const parsed = parsePyLiteral(text);
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value))
      return broken(`header is not a dict literal${parsed.ok ? '' : `: ${parsed.message}`}`, headerStart);
    const header = parsed.value;
    const shape = header.shape;
    const layout = dtypeLayout(header.descr ?? null);
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0))
      return broken('header has no valid shape tuple', headerStart);
    if (!layout) return broken(`header has an unknown descr ${JSON.stringify(header.descr)}`, headerStart);
    const metadata = { descr: header.descr, shape, fortranOrder: header.fortran_order === true };

    if (layout.hasObject) return scanObjectArray(src, ctx, dataStart, findings, at, metadata);

    let count = 1;
    for (const d of shape as number[]) count *= d;
    const declared = count * layout.itemsize;
    const available = src.size - dataStart;
    if (declared > available) {
      findings.push(
        at(NUMPY_RULES.malformed, `array declares ${declared} data bytes but the file holds ${available}`, dataStart),
      );
      return { findings, error: parseError('truncated', 'array data truncated', src.size), metadata };
    }
    const members: Member[] = [];
    if (declared < available) {
      const extra = available - declared;
      findings.push(
        at(
          NUMPY_RULES.malformed,
          `${extra} byte(s) follow the array data; np.load never reads them (handed back for scanning)`,
          dataStart + declared,
          'low',
        ),
      );
      members.push({ name: 'npy-trailing-data', source: new SliceSource(src, dataStart + declared, extra) });
    }
    return members.length ? { findings, members, metadata } : { findings, metadata };
  },
};

async function scanObjectArray(
  src: Parameters<FormatScanner['scan']>[0],
  ctx: ScanContext,
  dataStart: number,
  findings: Finding[],
  at: (rule: Rule, message: string, offset: number, severity?: Severity) => Finding,
  metadata: Record<string, unknown>,
): Promise<ScanOutcome> {
  findings.push(
    at(
      NUMPY_RULES.objectArray,
      'object-dtype array: its data is a pickle that np.load runs with allow_pickle=True (analysed below)',
      dataStart,
    ),
  );
  const analysis = await analyzePickleSource(src, {
    limits: ctx.limits,
    path: ctx.path,
    ...(ctx.member !== undefined ? { member: ctx.member } : {}),
    start: dataStart,
    maxStreams: 1,
    scanner: ID,
    signal: ctx.signal,
  });
  findings.push(...analysis.findings);
  const meta = { ...metadata, globals: analysis.globals };
  return analysis.error ? { findings, error: analysis.error, metadata: meta } : { findings, metadata: meta };
}
