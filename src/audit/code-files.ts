import { cleanEvidence, type Finding } from '../core/finding.js';
import type { ParseError } from '../core/result.js';
import { findingOf } from '../core/rule.js';
import type { TargetResult } from '../core/target.js';
import { FileSource } from '../io/file-source.js';
import { checkJsCode } from './code/js.js';
import { dialectOf } from './code/js-parser.js';
import { notebookCode } from './code/notebook.js';
import { checkPythonCode } from './code/python.js';
import type { CodeContext, CodeIssue } from './code/types.js';

export interface CodeFile {
  readonly absPath: string;
  readonly displayPath: string;
  readonly size: number;
  readonly lang: 'python' | 'javascript' | 'notebook';
}

/** Source files past this are partly checked (first bytes only); notebooks carry outputs, so more. */
const MAX_SOURCE_BYTES = 1024 * 1024;
const MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024;

function toFinding(i: CodeIssue, path: string, scanner: string, member?: string, line = i.line): Finding {
  return findingOf(i.rule, {
    path,
    ...(member === undefined ? {} : { member }),
    line,
    message: i.message,
    evidence: cleanEvidence(i.evidence),
    scanner,
    ...(i.severity ? { severity: i.severity } : {}),
  });
}

/** Reads one source file or notebook and runs the code checks for its language. Never throws. */
export async function checkCodeFile(
  f: CodeFile,
  ctx: CodeContext,
): Promise<{ target: TargetResult; findings: Finding[] }> {
  const started = performance.now();
  const cap = f.lang === 'notebook' ? MAX_NOTEBOOK_BYTES : MAX_SOURCE_BYTES;
  const format = f.lang === 'javascript' ? `code/${dialectOf(f.absPath)}` : `code/${f.lang}`;
  const base = { path: f.displayPath, format, sizeBytes: f.size };
  let src: FileSource | undefined;
  try {
    src = await FileSource.open(f.absPath);
    const bytes = await src.read(0, Math.min(f.size, cap));
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    let findings: Finding[] = [];
    let error: ParseError | undefined;
    if (f.lang === 'notebook') {
      if (f.size > cap)
        error = { code: 'limit_exceeded', message: `notebook larger than ${cap} bytes; code not checked` };
      const nb = error ? undefined : notebookCode(text);
      if (nb) {
        const r = await checkPythonCode(nb.source, ctx);
        error = r.error;
        findings = r.issues.map((i) => {
          const at = nb.locate(i.line);
          return toFinding(i, f.displayPath, 'audit/python', at?.member, at?.line ?? i.line);
        });
      }
    } else {
      const r = f.lang === 'python' ? await checkPythonCode(text, ctx) : await checkJsCode(text, dialectOf(f.absPath));
      error = r.error;
      if (!error && f.size > cap) {
        error = {
          code: 'limit_exceeded',
          message: `source larger than ${cap} bytes; only the first ${cap} were checked`,
        };
      }
      findings = r.issues.map((i) => toFinding(i, f.displayPath, `audit/${f.lang}`));
    }
    const status = error ? (findings.length > 0 || error.code === 'limit_exceeded' ? 'partial' : 'error') : 'ok';
    return {
      target: {
        ...base,
        status,
        ...(error ? { error } : {}),
        bytesRead: src.bytesRead,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      },
      findings,
    };
  } catch (e) {
    return {
      target: {
        ...base,
        status: 'error',
        error: { code: 'io_error', message: e instanceof Error ? e.message : String(e) },
        bytesRead: src?.bytesRead ?? 0,
      },
      findings: [],
    };
  } finally {
    await src?.close();
  }
}
