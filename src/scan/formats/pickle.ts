import { analyzePickleSource, looksLikePickle } from '../pickle/analyze.js';
import { PICKLE_RULE_LIST } from '../pickle/rules.js';
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
  version: 2,
  description: 'Python pickle (protocols 0–5, dill, cloudpickle, joblib): symbolic execution, no code runs',
  rules: PICKLE_RULE_LIST,
  sniff: ({ head }) => looksLikePickle(head),
  async scan(src, ctx) {
    // Streamed: opcodes are read through a bounded window and large payloads (array bytes in
    // BINBYTES8, joblib inline arrays) are skipped unread, so any size is analysed end to end.
    const analysis = await analyzePickleSource(src, {
      limits: ctx.limits,
      path: ctx.path,
      ...(ctx.member !== undefined ? { member: ctx.member } : {}),
      scanner: ID,
      signal: ctx.signal,
    });
    const findings = analysis.findings;
    const metadata = {
      streams: analysis.streams.length,
      globals: analysis.globals,
      producer: analysis.globals.includes(JOBLIB_WRAPPER) ? 'joblib' : 'pickle',
    };
    return analysis.error ? { findings, error: analysis.error, metadata } : { findings, metadata };
  },
};
