import { findingOf } from '../../core/rule.js';
import { analyzePickle, looksLikePickle } from '../pickle/analyze.js';
import { PICKLE_RULE_LIST, PICKLE_RULES } from '../pickle/rules.js';
import type { FormatScanner } from '../types.js';

const ID = 'pickle';
const JOBLIB_WRAPPER = 'joblib.numpy_pickle.NumpyArrayWrapper';

/**
 * Plain pickle streams, including dill, cloudpickle and uncompressed joblib files (joblib's
 * inline NumPy arrays are read by the machine the way joblib's unpickler reads them).
 * Claimed by opcode structure, never by extension.
 */
export const pickleScanner: FormatScanner = {
  id: ID,
  version: 1,
  description: 'Python pickle (protocols 0–5, dill, cloudpickle, joblib): symbolic execution, no code runs',
  rules: PICKLE_RULE_LIST,
  sniff: ({ head }) => looksLikePickle(head),
  async scan(src, ctx) {
    const cap = ctx.limits.maxPickleBytes;
    const n = cap > 0 ? Math.min(src.size, cap) : src.size;
    const bytes = await src.read(0, n);
    const analysis = analyzePickle(bytes, {
      limits: ctx.limits,
      path: ctx.path,
      ...(ctx.member !== undefined ? { member: ctx.member } : {}),
      scanner: ID,
      signal: ctx.signal,
    });
    const cut = n < src.size;
    // A stream cut by the byte cap "breaks off" only because of the cap: that is the limit finding.
    const findings = analysis.findings.filter(
      (f) => !(cut && f.ruleId === PICKLE_RULES.malformed.id && analysis.error?.code === 'truncated'),
    );
    if (cut) {
      findings.push(
        findingOf(PICKLE_RULES.limitExceeded, {
          message: `only the first ${n} of ${src.size} bytes were analysed (maxPickleBytes)`,
          path: ctx.path,
          ...(ctx.member !== undefined ? { member: ctx.member } : {}),
          offset: n,
          scanner: ID,
        }),
      );
    }
    const metadata = {
      streams: analysis.streams.length,
      globals: analysis.globals,
      producer: analysis.globals.includes(JOBLIB_WRAPPER) ? 'joblib' : 'pickle',
    };
    return analysis.error ? { findings, error: analysis.error, metadata } : { findings, metadata };
  },
};
