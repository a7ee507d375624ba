import type { ParseError } from '../../core/result.js';
import type { Rule } from '../../core/rule.js';
import { classifyCall, qualifyStarImport } from './danger.js';
import { type CallFact, extractPython, type PythonFacts } from './extract.js';
import { type PythonParseOptions, withPythonTree } from './parser.js';
import { PYTHON_RULES } from './rules.js';

export interface PythonIssue {
  readonly rule: Rule;
  readonly message: string;
  readonly line: number;
  readonly evidence: string;
  readonly call: CallFact;
}

export interface PythonAnalysis {
  readonly issues: readonly PythonIssue[];
  /** Top-level modules the file imports (for reports and the AI-BOM). */
  readonly imports: readonly string[];
  readonly hasSyntaxErrors: boolean;
  readonly error?: ParseError;
}

function where(call: CallFact): string {
  if (call.scope === 'module') return 'at import time';
  if (call.scope === 'class') return `in the body of class ${call.within} (runs at import time)`;
  return `in ${call.within}()`;
}

function issuesOf(facts: PythonFacts): PythonIssue[] {
  const out: PythonIssue[] = [];
  for (const call of facts.calls) {
    const d = classifyCall(call);
    if (!d) continue;
    const rule = PYTHON_RULES[d.category];
    out.push({
      rule,
      message: `${d.name}() called ${where(call)}`,
      line: call.line,
      evidence: call.snippet,
      call,
    });
  }
  return out;
}

/** Parses Python source with tree-sitter and reports dangerous calls; never throws. */
export async function analyzePythonSource(source: string, opts: PythonParseOptions = {}): Promise<PythonAnalysis> {
  const r = await withPythonTree(source, (root) => extractPython(root, source, { star: qualifyStarImport }), opts);
  if (!r.ok) return { issues: [], imports: [], hasSyntaxErrors: false, error: r.error };
  const facts = r.value;
  const imports = [...new Set(facts.imports.map((i) => i.target.split('.')[0] ?? i.target))].filter(Boolean);
  const base = { issues: issuesOf(facts), imports, hasSyntaxErrors: facts.hasSyntaxErrors };
  return facts.truncated
    ? { ...base, error: { code: 'limit_exceeded', message: 'Python file has more nodes or calls than the scan cap' } }
    : base;
}
