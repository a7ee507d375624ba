import type { ByteSource } from '../../core/byte-source.js';
import { cleanEvidence, type Finding } from '../../core/finding.js';
import { type ParseError, parseError } from '../../core/result.js';
import { findingOf } from '../../core/rule.js';
import { analyzePythonSource } from '../python/analyze.js';
import { DEFAULT_PYTHON_MAX_BYTES } from '../python/parser.js';
import { PYTHON_RULE_LIST } from '../python/rules.js';
import type { FormatScanner, ScanContext, ScanOutcome } from '../types.js';

const PY_NAME = /\.pyw?$/i;

/**
 * Python files shipped with models (Hugging Face `trust_remote_code` modules, MLflow code paths,
 * any `.py` in a model folder), claimed by name plus a text check. Parsed with tree-sitter, never
 * with regular expressions; calls are resolved through imports and aliases.
 */
export const pythonSourceScanner: FormatScanner = {
  id: 'python',
  version: 1,
  description: 'Python source shipped with a model (trust_remote_code modules, MLflow code), parsed with tree-sitter',
  rules: PYTHON_RULE_LIST,
  sniff: ({ head, name }) => PY_NAME.test(name) && !head.includes(0),
  async scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    const cap = Math.min(DEFAULT_PYTHON_MAX_BYTES, ctx.limits.maxHeaderBytes);
    const bytes = await src.read(0, Math.min(src.size, cap));
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    const a = await analyzePythonSource(text, { maxBytes: Number.POSITIVE_INFINITY });
    const findings: Finding[] = a.issues.map((i) =>
      findingOf(i.rule, {
        path: ctx.path,
        ...(ctx.member === undefined ? {} : { member: ctx.member }),
        line: i.line,
        message: i.message,
        evidence: cleanEvidence(i.evidence),
        scanner: this.id,
      }),
    );
    const metadata = { imports: a.imports, hasSyntaxErrors: a.hasSyntaxErrors };
    let error: ParseError | undefined = a.error;
    if (!error && src.size > cap) {
      error = parseError('limit_exceeded', `Python file larger than ${cap} bytes; only the first ${cap} were checked`);
    }
    return error ? { findings, metadata, error } : { findings, metadata };
  },
};
